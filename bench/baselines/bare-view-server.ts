/**
 * The bare framework answering the call page view: Apollo Server 5 with the view's shape as its
 * schema and one resolver that returns a fixed answer held in memory, on the same node:http
 * hosting as the gateway. What GraphQL execution of that ~20 KiB answer costs before any gateway
 * work: the gateway's cached view is compared with it as well as with `{ hello }`.
 */
import { ApolloServer, type BaseContext } from '@apollo/server';
import { hostApollo, type HostedApollo } from '../lib/apollo-http.js';

const TYPE_DEFS = `
type Query { gongCall(id: ID!, includePrivate: Boolean = false): Call }
type Call { id: ID! title: String started: String duration: Float primaryUser: User parties: [Party!] transcript: Transcript }
type User { id: ID! emailAddress: String firstName: String lastName: String }
type Party { id: String name: String emailAddress: String user: User }
type Transcript { monologues: [Monologue!] }
type Monologue { speakerId: String topic: String sentences: [Sentence!] }
type Sentence { start: Float end: Float text: String }
`;

/** `answer` is the gateway's `data.gongCall` for the view (served for any id). */
export async function startBareViewServer(answer: unknown): Promise<HostedApollo> {
  const apollo = new ApolloServer<BaseContext>({
    typeDefs: TYPE_DEFS,
    resolvers: { Query: { gongCall: () => answer } },
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
  });
  return hostApollo(apollo, () => Promise.resolve({}));
}
