/**
 * Internal to the sandbox: Gong's automation-rule webhooks (docs/gong-contract.md §4). Each rule POSTs
 * `{callData, isTest, isPrivate}` as JSON; a signed rule adds `Authorization: <JWT>` (bare, no
 * `Bearer`), RS256 with claims `webhook_url`, `body_sha256` (hex of the exact bytes sent) and
 * `exp`, verifiable with the tenant's public key as Gong's UI shows it (bare base64 SPKI).
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { SignJWT } from 'jose';
import { badInput, notFound } from '../errors.js';
import type { CallData } from '../gong/wire.js';
import { thinWebhookCall } from './call-view.js';
import type { WebhookDelivery, WebhookRule } from './types.js';

export interface WebhookEmitterOptions {
  now: () => number;
  /**
   * Gong documents no retry policy for failed deliveries; we assume it retries, so that a
   * receiver that is down for a moment still gets the event. `attempts` counts the first try.
   * @default { attempts: 3, delayMs: 1000 }
   */
  retry?: { attempts: number; delayMs: number };
  /** Per-attempt timeout; a timeout counts as a network error. @default 10_000 */
  timeoutMs?: number;
  /** Lifetime of the signature (`exp` - now). @default 300 */
  jwtTtlSeconds?: number;
  /** Oldest attempts are dropped beyond this many, so a long-running sandbox stays bounded. @default 10_000 */
  maxRecordedDeliveries?: number;
  /** The RSA private key to sign with. @default a new 2048-bit key, made on first use */
  signingKey?: KeyObject;
}

/** A rule matches a call when every filter it sets matches. */
function matches(rule: WebhookRule, call: CallData): boolean {
  if (rule.workspaceId !== undefined && call.metaData.workspaceId !== rule.workspaceId)
    return false;
  if (rule.participant !== undefined) {
    const p = rule.participant.toLowerCase();
    const hit = (call.parties ?? []).some(
      (party) => party.userId === rule.participant || party.emailAddress?.toLowerCase() === p,
    );
    if (!hit) return false;
  }
  return true;
}

function absoluteHttpUrl(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function keysOf(privateKey: KeyObject): { privateKey: KeyObject; publicKey: string } {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa')
    throw badInput('WebhookEmitter: signingKey must be an RSA private key');
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

export class WebhookEmitter {
  readonly #now: () => number;
  readonly #attempts: number;
  readonly #delayMs: number;
  readonly #timeoutMs: number;
  readonly #jwtTtlSeconds: number;
  readonly #maxRecorded: number;
  /** The given key, or one generated on first use: RSA key generation costs up to a second on a busy machine, and most sandboxes never sign. */
  #keys: { privateKey: KeyObject; publicKey: string } | undefined;
  readonly #rules = new Map<string, WebhookRule>();
  readonly #deliveries: WebhookDelivery[] = [];
  /** Aborted by close(): cancels in-flight requests and pending retry waits. */
  readonly #closing = new AbortController();

  constructor(opts: WebhookEmitterOptions) {
    const retry = opts.retry ?? { attempts: 3, delayMs: 1000 };
    if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
      throw badInput(
        `WebhookEmitter: retry.attempts must be an integer >= 1 (it counts the first try), but got: ${String(retry.attempts)}`,
      );
    }
    if (!(retry.delayMs >= 0))
      throw badInput(
        `WebhookEmitter: retry.delayMs must be >= 0, but got: ${String(retry.delayMs)}`,
      );
    this.#now = opts.now;
    this.#attempts = retry.attempts;
    this.#delayMs = retry.delayMs;
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#jwtTtlSeconds = opts.jwtTtlSeconds ?? 300;
    this.#maxRecorded = opts.maxRecordedDeliveries ?? 10_000;
    if (opts.signingKey) this.#keys = keysOf(opts.signingKey);
  }

  #keyPair(): { privateKey: KeyObject; publicKey: string } {
    this.#keys ??= keysOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    return this.#keys;
  }

  /** Bare base64 SPKI, as Gong's UI shows it: wrap in `-----BEGIN PUBLIC KEY-----` to use it. */
  publicKey(): string {
    return this.#keyPair().publicKey;
  }

  addRule(rule: Omit<WebhookRule, 'id'>): WebhookRule {
    if (!absoluteHttpUrl(rule.targetUrl))
      throw badInput(
        `targetUrl must be an absolute http(s) URL, but got: ${String(rule.targetUrl)}`,
      );
    if (rule.payload !== undefined && rule.payload !== 'thin' && rule.payload !== 'full')
      throw badInput(
        `payload must be 'thin' or 'full' when given, but got: ${JSON.stringify(rule.payload)}`,
      );
    for (const key of ['workspaceId', 'participant'] as const) {
      const v: unknown = rule[key];
      if (v !== undefined && (typeof v !== 'string' || v.length === 0))
        throw badInput(
          `${key} must be a non-empty string when given, but got: ${JSON.stringify(v)}`,
        );
    }
    const created: WebhookRule = {
      ...rule,
      id: randomUUID(),
      signed: rule.signed ?? true,
      payload: rule.payload ?? 'thin',
    };
    this.#rules.set(created.id, created);
    return { ...created };
  }

  removeRule(id: string): void {
    if (!this.#rules.delete(id)) throw notFound(`No webhook rule with id '${id}'`);
  }

  rules(): WebhookRule[] {
    return [...this.#rules.values()].map((r) => ({ ...r }));
  }

  /**
   * POST {callData, isTest, isPrivate} to every matching rule (or only onlyRuleId), signed RS256.
   * `onlyRuleId` is the UI's "test" button: that rule gets the call whatever its filters say.
   * Resolves with the final attempt of each rule (every attempt is in deliveries()).
   */
  async deliver(
    call: CallData,
    opts: { isTest?: boolean; onlyRuleId?: string } = {},
  ): Promise<WebhookDelivery[]> {
    let targets: WebhookRule[];
    if (opts.onlyRuleId !== undefined) {
      const rule = this.#rules.get(opts.onlyRuleId);
      if (!rule) throw notFound(`No webhook rule with id '${opts.onlyRuleId}'`);
      targets = [rule];
    } else {
      targets = [...this.#rules.values()].filter((r) => matches(r, call));
    }
    const isTest = opts.isTest ?? false;
    const bodyOf = (callData: CallData) =>
      Buffer.from(
        JSON.stringify({ callData, isTest, isPrivate: call.metaData.isPrivate ?? false }),
      );
    const full = bodyOf(call);
    const thin = bodyOf(thinWebhookCall(call));
    const results = await Promise.all(
      targets.map((rule) =>
        this.#deliverToRule(rule, call.metaData.id, isTest, rule.payload === 'full' ? full : thin),
      ),
    );
    return results.filter((d): d is WebhookDelivery => d !== undefined);
  }

  /** Every attempt so far, oldest first. */
  deliveries(): WebhookDelivery[] {
    return this.#deliveries.map((d) => ({ ...d }));
  }

  /** Cancels pending retries and in-flight requests; later deliver() calls send nothing. */
  close(): void {
    this.#closing.abort();
  }

  async #deliverToRule(
    rule: WebhookRule,
    callId: string,
    isTest: boolean,
    body: Buffer,
  ): Promise<WebhookDelivery | undefined> {
    let last: WebhookDelivery | undefined;
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      if (attempt > 1 && !(await this.#wait(this.#delayMs))) break;
      if (this.#closing.signal.aborted) break;
      const status = await this.#post(rule, body);
      if (status === 'cancelled') break;
      last = {
        ruleId: rule.id,
        targetUrl: rule.targetUrl,
        callId,
        isTest,
        status,
        at: this.#now(),
      };
      this.#record(last);
      if (typeof status === 'number' && status >= 200 && status < 300) break;
    }
    return last;
  }

  async #post(rule: WebhookRule, body: Buffer): Promise<number | 'error' | 'cancelled'> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // Signed per attempt, so a retry carries a fresh `exp`.
    if (rule.signed !== false) headers.authorization = await this.#sign(rule.targetUrl, body);
    try {
      const res = await fetch(rule.targetUrl, {
        method: 'POST',
        headers,
        body: new Uint8Array(body),
        redirect: 'manual',
        signal: AbortSignal.any([this.#closing.signal, AbortSignal.timeout(this.#timeoutMs)]),
      });
      await res.body?.cancel().catch(() => undefined);
      return res.status;
    } catch {
      return this.#closing.signal.aborted ? 'cancelled' : 'error';
    }
  }

  #sign(webhookUrl: string, body: Buffer): Promise<string> {
    const bodySha256 = createHash('sha256').update(body).digest('hex');
    return new SignJWT({ webhook_url: webhookUrl, body_sha256: bodySha256 })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setExpirationTime(Math.floor(this.#now() / 1000) + this.#jwtTtlSeconds)
      .sign(this.#keyPair().privateKey);
  }

  /** Resolves true after `ms`, or false at once when the emitter is closed. */
  #wait(ms: number): Promise<boolean> {
    const signal = this.#closing.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #record(d: WebhookDelivery): void {
    this.#deliveries.push(d);
    if (this.#deliveries.length > this.#maxRecorded)
      this.#deliveries.splice(0, this.#deliveries.length - this.#maxRecorded);
  }
}
