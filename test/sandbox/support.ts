/** Helpers for sandbox suites: start one, call it with Basic auth, read JSON replies. */
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/types.js';
import { testWebhookSigningKey } from '../support/webhook-signing-key.js';

export interface GongReply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** A sandbox without rate limiting (suites that test limits turn it on). */
export function sandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    rateLimit: false,
    calls: 400,
    webhookSigningKey: testWebhookSigningKey(),
    ...opts,
  });
}

export const basicAuth = (sb: Sandbox) =>
  `Basic ${Buffer.from(`${sb.accessKey}:${sb.accessKeySecret}`).toString('base64')}`;

/** Sends one request to the tenant listener (Basic auth unless `authorization` says otherwise). */
export async function gong(
  sb: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  opts: { authorization?: string | null; base?: string } = {},
): Promise<GongReply> {
  const headers: Record<string, string> = {};
  const auth = opts.authorization === undefined ? basicAuth(sb) : opts.authorization;
  if (auth !== null) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${opts.base ?? sb.tenantUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** An OAuth token from the sandbox for `scopes`: authorize (auto-approved), then the code exchange. */
export async function bearerToken(
  sb: Sandbox,
  scopes: string[],
): Promise<{ access_token: string; api_base_url_for_customer?: string }> {
  const redirect = 'https://gateway.example/cb';
  const auth = await fetch(
    `${sb.oauth.authorizeUrl}${q({ client_id: sb.oauth.clientId, response_type: 'code', scope: scopes.join(' '), redirect_uri: redirect, state: 's' })}`,
    { redirect: 'manual' },
  );
  const code = new URL(auth.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const res = await fetch(
    `${sb.oauth.tokenUrl}${q({ grant_type: 'authorization_code', code, client_id: sb.oauth.clientId, redirect_uri: redirect })}`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sb.oauth.clientId}:${sb.oauth.clientSecret}`).toString('base64')}`,
      },
    },
  );
  if (res.status !== 200)
    throw new Error(`token exchange answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { access_token: string; api_base_url_for_customer?: string };
}

export const REQUEST_ID = /^[0-9a-z]{18,19}$/;

/** A controllable clock. */
export function clock(start = Date.UTC(2025, 5, 2, 17, 0, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), set: (ms: number) => (t = ms) };
}

export const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

/** The whole time range of the seeded tenant and then some. */
export const ALL_TIME = {
  fromDateTime: '2000-01-01T00:00:00Z',
  toDateTime: '2100-01-01T00:00:00Z',
};
