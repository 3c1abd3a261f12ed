/**
 * Gong's OAuth token endpoint (docs/gong-contract.md §1): POST with client Basic auth and every parameter
 * in the URL query string, "Gong's documented URL shape". Used for the code exchange (callback)
 * and for refreshes (registry). The outcome is classified so callers can tell a dead grant
 * (reconnect) from a passing failure (retry later).
 */
import { TokenResponse } from '../gong/wire/oauth.js';

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
}

export type TokenResult =
  | { ok: true; tokens: TokenResponse }
  /** Gong refused the grant (400/401, e.g. `invalid_grant`): the user must reconnect. */
  | { ok: false; kind: 'rejected'; status: number; error: string; description: string }
  /** Network error, timeout, 5xx or an unreadable body: try again later. */
  | { ok: false; kind: 'unavailable'; status?: number; description: string };

export type Fetch = typeof fetch;

const stringField = (v: unknown, k: string): string | undefined => {
  if (typeof v !== 'object' || v === null) return undefined;
  const f: unknown = (v as Record<string, unknown>)[k];
  return typeof f === 'string' ? f : undefined;
};

/** This function does not throw: every failure is a TokenResult. */
export async function requestToken(
  client: OAuthClientCredentials,
  params: Record<string, string>,
  opts: { fetch?: Fetch; timeoutMs?: number } = {},
): Promise<TokenResult> {
  const url = new URL(client.tokenUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
  } catch (e) {
    return {
      ok: false,
      kind: 'unavailable',
      description: `token endpoint unreachable: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (res.status === 400 || res.status === 401) {
    return {
      ok: false,
      kind: 'rejected',
      status: res.status,
      error: stringField(body, 'error') ?? 'invalid_grant',
      description:
        stringField(body, 'error_description') ?? `token endpoint answered ${res.status}`,
    };
  }
  if (!res.ok)
    return {
      ok: false,
      kind: 'unavailable',
      status: res.status,
      description: `token endpoint answered ${res.status}`,
    };
  const parsed = TokenResponse.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      kind: 'unavailable',
      status: res.status,
      description: `token response does not match Gong's shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    };
  }
  return { ok: true, tokens: parsed.data };
}
