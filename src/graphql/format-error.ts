/**
 * The GraphQL error edge. A GatewayError (anywhere in the `originalError` chain: thrown by a
 * resolver, a scalar or the context factory) becomes `extensions.code` plus its client-safe
 * details. Apollo's own request errors (parse, validation, variables) keep their code. Anything
 * else is masked as INTERNAL_SERVER_ERROR with `extensions.unexpected: true`; the
 * `unexpectedErrorLogger` plugin logs it with the request id. Never throws.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, GatewayError } from '../errors.js';
import type { GatewayContext } from './context.js';
import type { Logger } from '../observability/logger.js';
import { promised } from '../util/promised.js';

/** The GatewayError behind an error, following `originalError` / `cause` links. */
export function findGatewayError(error: unknown): GatewayError | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && e !== null && e !== undefined; depth++) {
    if (e instanceof GatewayError) return e;
    if (e instanceof GraphQLError) e = e.originalError;
    else if (e instanceof Error) e = e.cause;
    else return undefined;
  }
  return undefined;
}

/** Apollo's request-level codes that are safe and useful to show as they are. */
const APOLLO_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const definedDetails = (details: GatewayError['details']) =>
  Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));

export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const where = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  const gw = findGatewayError(error);
  if (gw)
    return {
      message: gw.message,
      ...where,
      extensions: { ...definedDetails(gw.details), code: gw.code },
    };
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && APOLLO_CODES.has(code) && !isUnexpected(error))
    return { message: formatted.message, ...where, extensions: { code } };
  if (isClientRequestError(error))
    return {
      message: (error as GraphQLError).message,
      ...where,
      extensions: { code: 'BAD_REQUEST' },
    };
  return {
    message: 'Internal server error',
    ...where,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, unexpected: true },
  };
}

/**
 * Apollo refuses some requests with a fixed message, a 4xx status and no code (a persisted query
 * whose sha256 does not match, an unsupported persisted-query version): the client's error, shown
 * as BAD_REQUEST and logged at warn, never a masked 500-style error.
 */
function isClientRequestError(error: unknown): boolean {
  if (
    !(error instanceof GraphQLError) ||
    error.path !== undefined ||
    error.originalError !== undefined
  )
    return false;
  const status = (error.extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** A resolver that threw a plain Error: its message may hold anything, so it is masked. */
const isUnexpected = (error: unknown) =>
  error instanceof GraphQLError && error.path !== undefined && error.originalError !== undefined;

/** Logs every error that formatError masks, with the request id, so operators can find it. */
export function unexpectedErrorLogger(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didEncounterErrors: ({ errors, contextValue }) =>
          promised(() => {
            for (const e of errors) {
              if (findGatewayError(e)) continue;
              const code = e.extensions?.code;
              if (typeof code === 'string' && APOLLO_CODES.has(code) && !isUnexpected(e)) continue;
              if (isClientRequestError(e)) {
                (contextValue?.logger ?? logger).warn(
                  { message: e.message, requestId: contextValue?.requestId },
                  "GraphQL request refused as the client's error",
                );
                continue;
              }
              (contextValue?.logger ?? logger).error(
                { err: e.originalError ?? e, path: e.path, requestId: contextValue?.requestId },
                'unexpected error in a GraphQL operation',
              );
            }
          }),
      }),
  };
}
