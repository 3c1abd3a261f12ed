/**
 * Maps Gong's final answers (after the transport's retries) to GatewayErrors, following the
 * contract in docs/gong-contract.md: every 4xx/5xx body is `{requestId, errors: string[]}`.
 * The client decides beforehand which 404s mean "empty" or "absent"; everything reaching
 * `gongAnswerError` is a failure.
 */
import { ErrorCode, GatewayError, type ErrorDetails } from '../errors.js';
import { CURSOR_INVALID, ErrorResponse } from './wire.js';
import type { GongResponse } from './types.js';

/** Gong's error messages, or [] when the body is not an ErrorResponse. */
export function gongErrors(body: unknown): string[] {
  const parsed = ErrorResponse.safeParse(body);
  return parsed.success ? (parsed.data.errors ?? []) : [];
}

/**
 * The scope a 401 says the OAuth app lacks, or undefined for any other answer. Real Gong answers a
 * missing scope with 401 and "You don't have permission to use '<scope>' in your app."
 * (docs/gong-contract.md): not a credentials problem, so no refresh can help.
 */
export function missingScopeOf(res: Pick<GongResponse, 'status' | 'body'>): string | undefined {
  if (res.status !== 401) return undefined;
  for (const m of gongErrors(res.body)) {
    const hit = /permission to use '([^']+)' in your app/i.exec(m);
    if (hit?.[1]) return hit[1];
  }
  return undefined;
}

/** Whether a 400 says the cursor is bad or expired (Gong: "Failed to verify cursor", "cursor has expired"). */
export function isCursorError(res: Pick<GongResponse, 'status' | 'body'>): boolean {
  if (res.status !== 400) return false;
  return gongErrors(res.body).some(
    (m) => m.includes(CURSOR_INVALID) || /cursor has expired/i.test(m),
  );
}

/**
 * A 400 about the pagination cursor. Its own class so page iteration can restart from the first
 * page instead of failing (peers lost data by giving up here).
 */
export class CursorExpiredError extends GatewayError {
  readonly cursorExpired = true;
  constructor(message: string, details: ErrorDetails) {
    super(ErrorCode.BAD_USER_INPUT, message, details);
  }
}

export const isCursorExpiredError = (e: unknown): e is CursorExpiredError =>
  e instanceof CursorExpiredError;

/**
 * A 404 of a stats endpoint whose filter names users: Gong refuses the whole batch when some ids
 * are unknown ("User not found"). `namedIds` are the ids its messages name, if any; the stats
 * loaders then find the unknown ones and ask again without them.
 */
export class UsersNotFoundError extends GatewayError {
  readonly namedIds: string[];
  constructor(message: string, details: ErrorDetails, namedIds: string[]) {
    super(ErrorCode.NOT_FOUND, message, details);
    this.namedIds = namedIds;
  }
}

/** The numeric ids Gong's messages name ("The following userIds were not found: 1, 2"). */
export const idsNamedIn = (res: Pick<GongResponse, 'body'>): string[] =>
  gongErrors(res.body).flatMap((m) => m.match(/\b\d{1,20}\b/g) ?? []);

/** Seconds from a Retry-After header (delta-seconds or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/**
 * The GatewayError for a Gong answer that is not a success. `what` names the operation
 * (`GET /v2/users/{id}`) so messages say what failed.
 */
export function gongAnswerError(what: string, res: GongResponse): GatewayError {
  const errs = gongErrors(res.body);
  const said = errs.length > 0 ? errs.join('; ') : `HTTP ${res.status}`;
  const details: ErrorDetails = { requestId: res.requestId, status: res.status };
  if (isCursorError(res))
    return new CursorExpiredError(
      `Gong rejected the pagination cursor of ${what}: ${said}`,
      details,
    );
  switch (res.status) {
    case 400:
      return new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `Gong rejected ${what} as invalid: ${said}`,
        details,
      );
    case 401: {
      const scope = missingScopeOf(res);
      if (scope !== undefined)
        return new GatewayError(
          ErrorCode.FORBIDDEN,
          `Gong refused ${what}: the connection's OAuth app lacks the scope ${scope} (${said})`,
          { ...details, scope },
        );
      return new GatewayError(
        ErrorCode.UNAUTHENTICATED,
        `Gong rejected the connection's credentials for ${what}: ${said}`,
        details,
      );
    }
    case 403:
      return new GatewayError(ErrorCode.FORBIDDEN, `Gong denied ${what}: ${said}`, details);
    case 404:
      return new GatewayError(
        ErrorCode.NOT_FOUND,
        `Gong found nothing for ${what}: ${said}`,
        details,
      );
    case 409:
      return new GatewayError(
        ErrorCode.CONFLICT,
        `Gong refused ${what} as a conflict: ${said}`,
        details,
      );
    case 429: {
      const retryAfter = parseRetryAfter(res.headers['retry-after'], Date.now());
      return new GatewayError(
        ErrorCode.UPSTREAM_RATE_LIMITED,
        `Gong's rate limit refused ${what}: ${said}`,
        {
          ...details,
          retryAfter: retryAfter === undefined ? undefined : Math.ceil(retryAfter),
        },
      );
    }
    default:
      return new GatewayError(
        ErrorCode.UPSTREAM_ERROR,
        `Gong failed ${what} with HTTP ${res.status}: ${said}`,
        details,
      );
  }
}

/** A Gong answer whose body does not match ./wire.ts. Clients see only the requestId; the issues go to logs. */
export function schemaMismatch(what: string, requestId: string | undefined): GatewayError {
  return new GatewayError(
    ErrorCode.UPSTREAM_SCHEMA_MISMATCH,
    `Gong's answer to ${what} does not match the documented wire format`,
    { requestId },
  );
}
