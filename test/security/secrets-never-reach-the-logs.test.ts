/**
 * Logs are JSON lines that name the request (ours and Gong's `requestId`) and never contain a
 * credential: API keys, Authorization headers, access/refresh tokens, access key secrets, whether
 * logged by the real request path (a failing upstream request made with credentials) or as an
 * object nobody anticipated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { runWithRequestId } from '../../src/observability/request-context.js';
import { startHarness, type Harness } from '../read/harness.js';
import { captureLogs } from '../support/log-capture.js';
import { expectAny } from '../support/match.js';

const capture = captureLogs;

const API_KEY = 'gw-test-api-key-0123456789abcdef';

describe('log redaction on the real request path', () => {
  let h: Harness;
  const out = capture();
  beforeAll(async () => {
    h = await startHarness({
      env: { GATEWAY_API_KEYS: API_KEY, LOG_LEVEL: 'debug' },
      deps: () => ({ logger: createLogger({ level: 'debug', destination: out.stream }) }),
    });
  });
  afterAll(() => h.close());

  it('a failing upstream request logs both request ids and no credential', async () => {
    h.sandbox.control.addFault({
      kind: { type: 'status', status: 500 },
      count: 1,
      pathPrefix: '/v2/users',
    });
    const r = await h.gql(
      '{ gongUsers(first: 2) { nodes { id } } }',
      {},
      { authorization: `Bearer ${API_KEY}`, 'x-request-id': 'req-redaction-1' },
    );
    expect(r.errors?.[0]?.extensions?.code).toMatch(/^UPSTREAM_/);
    const ok = await h.gql(
      '{ gongWorkspaces { id } }',
      {},
      { authorization: `Bearer ${API_KEY}`, 'x-request-id': 'req-redaction-2' },
    );
    expect(ok.errors).toBeUndefined();
    const refused = await h.gql(
      '{ gongWorkspaces { id } }',
      {},
      { authorization: 'Bearer not-the-key-but-still-secret-1234' },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const lines = out.lines();
    const serverError = lines.find((l) => l.msg === 'Gong server error');
    expect(serverError).toMatchObject({
      requestId: 'req-redaction-1',
      status: 500,
      endpoint: expectAny(String),
    });
    expect(serverError?.gongRequestId).toMatch(/^[a-z0-9]{18,19}$/);
    const answered = lines.filter(
      (l) => l.msg === 'Gong answered' && l.requestId === 'req-redaction-2',
    );
    expect(answered.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.msg === 'http request').map((l) => l.requestId)).toEqual(
      expect.arrayContaining(['req-redaction-1', 'req-redaction-2']),
    );

    const text = out.text();
    const basic = Buffer.from(`${h.sandbox.accessKey}:${h.sandbox.accessKeySecret}`).toString(
      'base64',
    );
    for (const secret of [
      API_KEY,
      'not-the-key-but-still-secret-1234',
      h.sandbox.accessKeySecret,
      basic,
    ])
      expect(text).not.toContain(secret);
  });
});

describe('log redaction of unanticipated objects', () => {
  const secrets = {
    bearer: 'eyJhbGciOiJIUzI1NiJ9.access-token-value',
    refresh: 'refresh-token-value-abcdef',
    apiKey: 'api-key-value-123456',
    accessKeySecret: 'access-key-secret-value',
    basic: Buffer.from('key:secret-value').toString('base64'),
    encryption: 'ab'.repeat(32),
  };

  it('censors secret-named keys at any depth, credentials inside strings and in errors', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    const err = Object.assign(
      new Error(`upstream said no to Authorization: Bearer ${secrets.bearer}`),
      {
        request: {
          headers: { Authorization: `Basic ${secrets.basic}`, 'x-api-key': secrets.apiKey },
        },
      },
    );
    logger.info(
      {
        req: { headers: { authorization: `Bearer ${secrets.bearer}`, accept: 'application/json' } },
        deep: {
          a: {
            b: {
              access_token: secrets.bearer,
              refresh_token: secrets.refresh,
              apiKey: secrets.apiKey,
              accessKeySecret: secrets.accessKeySecret,
            },
          },
        },
        config: {
          TOKEN_ENCRYPTION_KEY: secrets.encryption,
          GATEWAY_API_KEYS: [secrets.apiKey],
          tokenUrl: 'https://app.gong.io/oauth2/generate-customer-token',
        },
        list: [{ refreshToken: secrets.refresh }],
        err,
      },
      `retrying with Bearer ${secrets.bearer}`,
    );
    runWithRequestId('req-xyz', () =>
      logger.child({ connection: 'default' }).warn({ token: secrets.bearer }, 'inside a request'),
    );

    const text = out.text();
    for (const s of Object.values(secrets)) expect(text).not.toContain(s);
    const [first, second] = out.lines();
    // What is not secret stays readable.
    expect(first).toMatchObject({
      req: { headers: { authorization: '[redacted]', accept: 'application/json' } },
      config: {
        tokenUrl: 'https://app.gong.io/oauth2/generate-customer-token',
        TOKEN_ENCRYPTION_KEY: '[redacted]',
      },
      err: { type: 'Error', message: 'upstream said no to Authorization: Bearer [redacted]' },
      msg: 'retrying with Bearer [redacted]',
    });
    expect(second).toMatchObject({
      requestId: 'req-xyz',
      connection: 'default',
      token: '[redacted]',
    });
  });
});
