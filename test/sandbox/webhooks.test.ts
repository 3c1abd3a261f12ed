import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { importSPKI, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// CallData is only the input the emitter is given; what it sends is checked independently.
import type { CallData } from '../../src/gong/wire.js';
import { WebhookJwtClaims, WebhookPayload } from '../contract/support/gong-bodies.js';
import { WebhookEmitter } from '../../src/sandbox/webhooks.js';
import { freePort } from '../support/ports.js';
import { otherTestRsaKey, testWebhookSigningKey } from '../support/webhook-signing-key.js';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** A real HTTP receiver; `statuses` are answered in order, then 200. */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  #server: Server | undefined;
  base = '';

  async start(): Promise<void> {
    const port = await freePort();
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          url: req.url ?? '',
          headers: req.headers,
          raw: Buffer.concat(chunks),
        });
        res.writeHead(this.statuses.shift() ?? 200).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(port, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${port}`;
  }

  reset(): void {
    this.received.length = 0;
    this.statuses = [];
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

const pem = (b64: string) =>
  `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END PUBLIC KEY-----`;

function call(over: Partial<CallData> = {}): CallData {
  return {
    metaData: {
      id: '7782342274025937895',
      title: 'Discovery',
      workspaceId: '623457276584334',
      isPrivate: false,
      started: '2025-06-01T10:00:00.041977-07:00',
    },
    parties: [
      {
        id: '1',
        userId: '234599484848423',
        emailAddress: 'rep@acme.example',
        speakerId: '6432345678555530067',
      },
      { id: '2', emailAddress: 'Buyer@Prospect.example', speakerId: null },
    ],
    ...over,
  };
}

const receiver = new Receiver();
let emitter: WebhookEmitter;
const newEmitter = (opts: Partial<ConstructorParameters<typeof WebhookEmitter>[0]> = {}) =>
  (emitter = new WebhookEmitter({
    now: Date.now,
    retry: { attempts: 3, delayMs: 5 },
    signingKey: testWebhookSigningKey(),
    ...opts,
  }));

beforeAll(() => receiver.start());
afterAll(() => receiver.stop());
afterEach(() => {
  emitter?.close();
  receiver.reset();
});

describe('signed deliveries', () => {
  it('POST {callData, isTest, isPrivate} with a JWT that verifies with the shown public key', async () => {
    newEmitter();
    const target = `${receiver.base}/hooks/gong?key=abc`;
    const rule = emitter.addRule({ targetUrl: target, payload: 'full' });
    expect(rule.signed).toBe(true);

    const [delivery] = await emitter.deliver(call());
    expect(delivery).toMatchObject({
      ruleId: rule.id,
      targetUrl: target,
      callId: '7782342274025937895',
      isTest: false,
      status: 200,
    });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.url).toBe('/hooks/gong?key=abc');
    expect(got.headers['content-type']).toBe('application/json');

    const payload = WebhookPayload.parse(JSON.parse(got.raw.toString('utf8')));
    expect(payload).toEqual({ callData: call(), isTest: false, isPrivate: false });

    const jwt = got.headers.authorization ?? '';
    expect(jwt).not.toMatch(/^Bearer /);
    expect(emitter.publicKey()).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const { payload: claims, protectedHeader } = await jwtVerify(
      jwt,
      await importSPKI(pem(emitter.publicKey()), 'RS256'),
    );
    expect(protectedHeader.alg).toBe('RS256');
    const parsed = WebhookJwtClaims.parse(claims);
    expect(parsed.webhook_url).toBe(target);
    expect(parsed.body_sha256).toBe(createHash('sha256').update(got.raw).digest('hex'));
    expect(parsed.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('the JWT fails verification with any other key', async () => {
    newEmitter();
    emitter.addRule({ targetUrl: `${receiver.base}/h` });
    await emitter.deliver(call());
    const other = createPublicKey(otherTestRsaKey())
      .export({ type: 'spki', format: 'der' })
      .toString('base64');
    const jwt = receiver.received[0]?.headers.authorization ?? '';
    await expect(jwtVerify(jwt, await importSPKI(pem(other), 'RS256'))).rejects.toThrow(
      /signature/i,
    );
    // A second emitter (another tenant) has its own key.
    const otherTenant = new WebhookEmitter({ now: Date.now });
    expect(otherTenant.publicKey()).not.toBe(emitter.publicKey());
    await expect(
      jwtVerify(jwt, await importSPKI(pem(otherTenant.publicKey()), 'RS256')),
    ).rejects.toThrow();
  });

  it('signs with the key it is given, which must be an RSA private key', async () => {
    const privateKey = otherTestRsaKey();
    const publicKey = createPublicKey(privateKey);
    newEmitter({ signingKey: privateKey });
    expect(emitter.publicKey()).toBe(
      publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    );
    emitter.addRule({ targetUrl: `${receiver.base}/h` });
    await emitter.deliver(call());
    const jwt = receiver.received[0]?.headers.authorization ?? '';
    await expect(jwtVerify(jwt, publicKey)).resolves.toBeDefined();
    for (const signingKey of [publicKey, generateKeyPairSync('ed25519').privateKey])
      expect(() => new WebhookEmitter({ now: Date.now, signingKey })).toThrow(
        /signingKey must be an RSA private key/,
      );
  });

  it('sets exp from the injected clock', async () => {
    newEmitter({ now: () => Date.UTC(2020, 0, 1), jwtTtlSeconds: 120 });
    emitter.addRule({ targetUrl: `${receiver.base}/h` });
    await emitter.deliver(call());
    const jwt = receiver.received[0]?.headers.authorization ?? '';
    await expect(
      jwtVerify(jwt, await importSPKI(pem(emitter.publicKey()), 'RS256')),
    ).rejects.toThrow(/exp/);
    const [, body] = jwt.split('.');
    expect(
      (JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as { exp: number }).exp,
    ).toBe(Date.UTC(2020, 0, 1) / 1000 + 120);
  });

  it('an unsigned rule sends no Authorization header', async () => {
    newEmitter();
    emitter.addRule({ targetUrl: `${receiver.base}/u`, signed: false });
    await emitter.deliver(call({ metaData: { ...call().metaData, isPrivate: true } }));
    expect(receiver.received[0]?.headers.authorization).toBeUndefined();
    expect(JSON.parse(receiver.received[0]?.raw.toString() ?? '')).toMatchObject({
      isPrivate: true,
      isTest: false,
    });
  });
});

describe('rules', () => {
  it('filters by workspace and by participant (userId or email, case-insensitive)', async () => {
    newEmitter();
    const rules = [
      emitter.addRule({ targetUrl: `${receiver.base}/any` }),
      emitter.addRule({ targetUrl: `${receiver.base}/ws-match`, workspaceId: '623457276584334' }),
      emitter.addRule({ targetUrl: `${receiver.base}/ws-other`, workspaceId: '1' }),
      emitter.addRule({ targetUrl: `${receiver.base}/user`, participant: '234599484848423' }),
      emitter.addRule({
        targetUrl: `${receiver.base}/email`,
        participant: 'buyer@prospect.example',
      }),
      emitter.addRule({ targetUrl: `${receiver.base}/nobody`, participant: 'x@y.example' }),
    ];
    const results = await emitter.deliver(call());
    expect(results.map((d) => d.ruleId).sort()).toEqual(
      [rules[0], rules[1], rules[3], rules[4]].map((r) => r?.id).sort(),
    );
    expect(receiver.received.map((r) => r.url).sort()).toEqual([
      '/any',
      '/email',
      '/user',
      '/ws-match',
    ]);
  });

  it('a test delivery goes to one rule whatever its filters, flagged isTest', async () => {
    newEmitter();
    emitter.addRule({ targetUrl: `${receiver.base}/a` });
    const picky = emitter.addRule({ targetUrl: `${receiver.base}/picky`, workspaceId: '1' });
    const [d] = await emitter.deliver(call(), { isTest: true, onlyRuleId: picky.id });
    expect(d).toMatchObject({ ruleId: picky.id, isTest: true, status: 200 });
    expect(receiver.received.map((r) => r.url)).toEqual(['/picky']);
    expect(
      (JSON.parse(receiver.received[0]?.raw.toString() ?? '') as { isTest: boolean }).isTest,
    ).toBe(true);
    await expect(emitter.deliver(call(), { onlyRuleId: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('removes rules, lists them, and rejects bad input', () => {
    newEmitter();
    const r = emitter.addRule({ targetUrl: `${receiver.base}/a`, signed: false });
    expect(emitter.rules()).toEqual([r]);
    emitter.removeRule(r.id);
    expect(emitter.rules()).toEqual([]);
    expect(() => emitter.removeRule(r.id)).toThrow(/No webhook rule/);
    expect(() => emitter.addRule({ targetUrl: 'not a url' })).toThrow(/absolute http/);
    expect(() => emitter.addRule({ targetUrl: 'ftp://x.example/' })).toThrow(/absolute http/);
    expect(() => emitter.addRule({ targetUrl: `${receiver.base}/a`, workspaceId: '' })).toThrow(
      /workspaceId/,
    );
  });
});

describe('retries', () => {
  it('retries after a 500 and records every attempt', async () => {
    newEmitter();
    receiver.statuses = [500, 503];
    const rule = emitter.addRule({ targetUrl: `${receiver.base}/flaky` });
    const [final] = await emitter.deliver(call());
    expect(final).toMatchObject({ status: 200 });
    expect(emitter.deliveries().map((d) => d.status)).toEqual([500, 503, 200]);
    expect(receiver.received).toHaveLength(3);
    // Each attempt is signed afresh over the same bytes.
    const key = await importSPKI(pem(emitter.publicKey()), 'RS256');
    for (const r of receiver.received) {
      const { payload } = await jwtVerify(r.headers.authorization ?? '', key);
      expect(payload.body_sha256).toBe(createHash('sha256').update(r.raw).digest('hex'));
      expect(payload.webhook_url).toBe(rule.targetUrl);
    }
  });

  it('gives up after retry.attempts, and reports network errors as "error"', async () => {
    newEmitter({ retry: { attempts: 2, delayMs: 1 } });
    receiver.statuses = [500, 500, 500];
    emitter.addRule({ targetUrl: `${receiver.base}/down` });
    emitter.addRule({ targetUrl: `http://127.0.0.1:${await freePort()}/closed` });
    const results = await emitter.deliver(call());
    expect(results.map((d) => d.status).sort()).toEqual([500, 'error']);
    expect(receiver.received).toHaveLength(2);
    expect(emitter.deliveries()).toHaveLength(4);
  });

  it('close() cancels a pending retry', async () => {
    newEmitter({ retry: { attempts: 3, delayMs: 60_000 } });
    receiver.statuses = [500];
    emitter.addRule({ targetUrl: `${receiver.base}/slow` });
    const pending = emitter.deliver(call());
    const deadline = Date.now() + 5000;
    while (emitter.deliveries().length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    emitter.close();
    const results = await pending;
    expect(results.map((d) => d.status)).toEqual([500]);
    expect(receiver.received).toHaveLength(1);
    expect(await emitter.deliver(call())).toEqual([]);
  });

  it('rejects a nonsensical retry policy', () => {
    expect(() => new WebhookEmitter({ now: Date.now, retry: { attempts: 0, delayMs: 1 } })).toThrow(
      /attempts/,
    );
  });
});
