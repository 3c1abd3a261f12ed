/**
 * The bare framework: Apollo Server 5 with one trivial resolver on the same node:http hosting as
 * the gateway. What any GraphQL layer costs before it does anything useful.
 */
import { ApolloServer, type BaseContext } from '@apollo/server';
import { hostApollo, type HostedApollo } from '../lib/apollo-http.js';

export const BARE_QUERY = '{ hello }';

export async function startBareServer(): Promise<HostedApollo> {
  const apollo = new ApolloServer<BaseContext>({
    typeDefs: 'type Query { hello: String! }',
    resolvers: { Query: { hello: () => 'world' } },
    // Same CSRF and error posture as the gateway; no landing page work on POST anyway.
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
  });
  return hostApollo(apollo, () => Promise.resolve({}));
}
