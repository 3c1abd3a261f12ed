/**
 * Every failure the gateway reports is a GatewayError with a code from this list. Code deep in
 * the stack throws these as values; the two edges (GraphQL `formatError` and the HTTP routes)
 * map them to `extensions.code` or to an HTTP status with a JSON body. Anything else that
 * reaches an edge is masked as INTERNAL_SERVER_ERROR.
 */

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RECONNECT_REQUIRED: 'RECONNECT_REQUIRED',
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  UPSTREAM_SCHEMA_MISMATCH: 'UPSTREAM_SCHEMA_MISMATCH',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** The search read model is off (READ_MODEL=off) or its database does not answer. */
  SEARCH_UNAVAILABLE: 'SEARCH_UNAVAILABLE',
  UPSTREAM_CEILING_EXCEEDED: 'UPSTREAM_CEILING_EXCEEDED',
  SUBSCRIBER_TOO_SLOW: 'SUBSCRIBER_TOO_SLOW',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** A `documentId` that no trusted document has (PERSISTED_DOCUMENTS_PATH). */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** PERSISTED_DOCUMENTS_ONLY refused an operation that is not one of the trusted documents. */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status each code maps to on non-GraphQL routes (and for whole-request GraphQL failures). */
export const httpStatusOf: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  UPSTREAM_CEILING_EXCEEDED: 400,
  SUBSCRIBER_TOO_SLOW: 429,
  SHUTTING_DOWN: 503,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_NOT_IN_LIST: 400,
  RECONNECT_REQUIRED: 424,
  UPSTREAM_RATE_LIMITED: 429,
  UPSTREAM_ERROR: 502,
  UPSTREAM_SCHEMA_MISMATCH: 502,
  UPSTREAM_UNAVAILABLE: 503,
  SEARCH_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** Extra, client-safe facts attached to an error (`retryAfter` in seconds, Gong's `requestId`, `scope`, `field`...). */
export type ErrorDetails = Record<string, string | number | boolean | string[] | undefined>;

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Shown to clients as extensions; never put secrets or stack traces here. */
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isGatewayError = (e: unknown): e is GatewayError => e instanceof GatewayError;

/** Shorthands for the common cases, so call sites read as the contract they enforce. */
export const badInput = (message: string, details: ErrorDetails = {}) =>
  new GatewayError(ErrorCode.BAD_USER_INPUT, message, details);
export const forbidden = (message: string, details: ErrorDetails = {}) =>
  new GatewayError(ErrorCode.FORBIDDEN, message, details);
export const unauthenticated = (message = 'Authentication required') =>
  new GatewayError(ErrorCode.UNAUTHENTICATED, message);
export const notFound = (message: string, details: ErrorDetails = {}) =>
  new GatewayError(ErrorCode.NOT_FOUND, message, details);

/** The JSON body of an HTTP error response: `{ error: { code, message, ...details } }`. */
export function httpErrorBody(e: GatewayError): {
  error: { code: ErrorCode; message: string } & ErrorDetails;
} {
  return { error: { code: e.code, message: e.message, ...e.details } };
}
