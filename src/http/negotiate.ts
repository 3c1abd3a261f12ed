/**
 * Which answer a `/graphql` request gets, from its `Accept` header's order and q-values (GraphQL
 * over HTTP; RFC 9110 through the `negotiator` package), never from a substring search:
 * - a query or mutation gets JSON (Apollo picks `application/graphql-response+json` or
 *   `application/json`) unless an event stream or Apollo's multipart subscription format is the
 *   client's top preference;
 * - a subscription gets the streaming format the client prefers among SSE and multipart; with
 *   neither acceptable, JSON, where it is refused naming the streaming transports.
 * urql's default (`application/graphql-response+json, application/graphql+json, application/json,
 * text/event-stream, multipart/mixed`) thus gets JSON for queries and SSE for subscriptions;
 * Apollo Client's, graphql-request's and GraphiQL's get JSON, or multipart for Apollo Client's
 * subscriptions; graphql-sse's (`text/event-stream`) gets SSE.
 */
import Negotiator from 'negotiator';
import type { IncomingHttpHeaders } from 'node:http';
import { MULTIPART_SUBSCRIPTION_TYPE } from './multipart-subscriptions.js';

export type AnswerKind = 'json' | 'sse' | 'multipart';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';
const SSE = 'text/event-stream';
const OFFERED = [GRAPHQL_RESPONSE, JSON_TYPE, SSE, MULTIPART_SUBSCRIPTION_TYPE] as const;

const kindOf = (type: string | undefined): AnswerKind | undefined =>
  type === undefined
    ? undefined
    : type === SSE
      ? 'sse'
      : type === MULTIPART_SUBSCRIPTION_TYPE
        ? 'multipart'
        : 'json';

export interface Negotiated {
  /** For a query or mutation. */
  operation: AnswerKind;
  /** For a subscription. */
  subscription: AnswerKind;
}

export function negotiate(headers: IncomingHttpHeaders): Negotiated {
  // No Accept at all means `*/*`, which the offered order (JSON first) answers.
  const accept = headers.accept ?? '*/*';
  const n = new Negotiator({ headers: { accept } });
  // A bare `multipart/mixed` (GraphiQL, `deferSpec`) asks for incremental delivery, not Apollo's
  // subscription format: that one is chosen only when the client names `subscriptionSpec`.
  const offered = /subscriptionSpec/i.test(accept)
    ? OFFERED
    : OFFERED.filter((t) => t !== MULTIPART_SUBSCRIPTION_TYPE);
  const streams = offered.filter((t) => t === SSE || t === MULTIPART_SUBSCRIPTION_TYPE);
  return {
    operation: kindOf(n.mediaType([...offered])) ?? 'json',
    subscription: kindOf(n.mediaType(streams)) ?? 'json',
  };
}

/** The JSON type an error answer carries: `application/graphql-response+json` when accepted. */
export function jsonTypeFor(headers: IncomingHttpHeaders): string {
  const n = new Negotiator({ headers: { accept: headers.accept ?? '*/*' } });
  return `${n.mediaType([JSON_TYPE, GRAPHQL_RESPONSE]) === GRAPHQL_RESPONSE ? GRAPHQL_RESPONSE : JSON_TYPE}; charset=utf-8`;
}
