/**
 * Gong's error answers, written out literally: the HTTP status and message strings real Gong
 * sends (docs/gong-contract.md). The sandbox never borrows them from the gateway (its error
 * mapping or wire constants), so a misreading on one side cannot silently agree with the other.
 * Internal to the sandbox.
 */

/** The statuses Gong's spec lists for the endpoints the sandbox simulates. */
export type GongStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 429 | 500 | 502 | 503;

/** A Gong ErrorResponse to send: `{requestId, errors}` with this status. */
export class GongHttpError extends Error {
  override readonly name = 'GongHttpError';
  constructor(
    readonly status: GongStatus,
    readonly messages: string[],
  ) {
    super(messages.join('; '));
  }
}

export const isGongHttpError = (e: unknown): e is GongHttpError => e instanceof GongHttpError;

/** 404 of GET /v2/calls, POST /v2/calls/extensive and POST /v2/calls/transcript when nothing matches. */
export const NO_CALLS_FOUND = 'No calls found corresponding to the provided filters';
/** 400 for a cursor that is malformed, forged, or bound to other inputs. */
export const CURSOR_INVALID = 'Failed to verify cursor';
/** 400 for a cursor past its expiry (the message peers match on contains "cursor has expired"). */
export const CURSOR_EXPIRED = 'Failed to verify cursor: cursor has expired';
/** 404 of GET /v2/calls/{id} and PUT /v2/calls/{id}/media for an unknown call: real Gong names the id. */
export const callNotFound = (id: string) => `Call ID ${id} was not found`;
/** 404 of GET /v2/users/{id}. */
export const USER_NOT_FOUND = 'User not found';
/** 404 of POST /v2/users/extensive naming the unknown ids. */
export const usersNotFound = (ids: readonly string[]) =>
  `The following userIds were not found: ${ids.join(',')}`;
/** Real Gong's 401 for a Bearer token whose app lacks the scope (seen on ten endpoints). */
export const missingScope = (scope: string) =>
  `You don't have permission to use '${scope}' in your app.`;
