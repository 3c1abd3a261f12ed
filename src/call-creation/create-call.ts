/**
 * Creating a call exactly once per clientUniqueId. Gong uses clientUniqueId as its dedupe key
 * (a repeat is refused with 409, or answered with the existing call; Gong does not document
 * which), so the gateway remembers `clientUniqueId → {callId, requestId}` per connection in the
 * KeyValueStore once a create succeeded, and lets concurrent identical creates share one
 * upstream request. A retried create therefore returns the first payload without asking Gong.
 *
 * A create whose answer was lost (5xx, timeout) and that the transport sent again meets Gong's
 * own duplicate answer (409) with no record here. That is the same call, so its id is resolved
 * (./existing-call.ts) and returned instead of a CONFLICT.
 */
import { createHash } from 'node:crypto';
import { ErrorCode, GatewayError, isGatewayError } from '../errors.js';
import type { GongClient } from '../gong/types.js';
import type { KeyValueStore } from '../store/types.js';
import { existingCallOf } from './existing-call.js';
import { validateCreateCall } from './validate-create.js';

export interface CreatedCall {
  callId: string;
  requestId: string;
}

export interface CreateCallServiceOptions {
  store: KeyValueStore;
  /** The Gong client of a connection. */
  client(connectionRef: string): GongClient;
  /**
   * How long a create is remembered. Gong keeps refusing the id after that (its own dedupe), so
   * the cost of forgetting is a CONFLICT instead of the original payload. @default 30 days
   */
  rememberMs?: number;
  /** A call was created: the calls sync reads it by id, since its start may be days old. */
  onCreated?: (input: { connectionRef: string; callId: string; started: string }) => Promise<void>;
}

export interface CreateCallService {
  /** Validates, then creates the call once; a repeat of a clientUniqueId returns the first payload. */
  createCall(connectionRef: string, input: unknown): Promise<CreatedCall>;
}

const DEFAULT_REMEMBER_MS = 30 * 24 * 3600 * 1000;

/** clientUniqueId may be 2048 chars: the key holds a digest, never the raw id. */
const recordKey = (connectionRef: string, clientUniqueId: string) =>
  `writes:call:${connectionRef}:${createHash('sha256').update(clientUniqueId, 'utf8').digest('hex')}`;

function parseRecord(raw: string | null): CreatedCall | undefined {
  if (raw === null) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<CreatedCall>;
    return typeof v.callId === 'string' && typeof v.requestId === 'string'
      ? { callId: v.callId, requestId: v.requestId }
      : undefined;
  } catch {
    return undefined;
  }
}

export function createCallService(opts: CreateCallServiceOptions): CreateCallService {
  const rememberMs = opts.rememberMs ?? DEFAULT_REMEMBER_MS;
  const inFlight = new Map<string, Promise<CreatedCall>>();

  async function createOnce(
    connectionRef: string,
    key: string,
    body: ReturnType<typeof validateCreateCall>,
  ): Promise<CreatedCall> {
    const known = parseRecord(await opts.store.get(key));
    if (known) return known;
    let created: CreatedCall;
    try {
      created = await opts.client(connectionRef).createCall(body);
    } catch (e) {
      // Another gateway instance may have created it a moment ago: its record wins over Gong's 409.
      if (isGatewayError(e) && e.code === ErrorCode.CONFLICT) {
        const raced = parseRecord(await opts.store.get(key));
        if (raced) return raced;
        const existing = await existingCallOf(opts.client(connectionRef), body, e);
        if (existing) {
          await opts.store.set(key, JSON.stringify(existing), { ttlMs: rememberMs });
          await opts.onCreated?.({
            connectionRef,
            callId: existing.callId,
            started: body.actualStart,
          });
          return existing;
        }
        throw new GatewayError(
          ErrorCode.CONFLICT,
          `${e.message} (this gateway has no record of creating clientUniqueId ${JSON.stringify(body.clientUniqueId.slice(0, 200))})`,
          e.details,
          { cause: e },
        );
      }
      throw e;
    }
    await opts.store.set(key, JSON.stringify(created), { ttlMs: rememberMs });
    await opts.onCreated?.({ connectionRef, callId: created.callId, started: body.actualStart });
    return created;
  }

  return {
    async createCall(connectionRef, input) {
      const body = validateCreateCall(input);
      const key = recordKey(connectionRef, body.clientUniqueId);
      const running = inFlight.get(key);
      if (running) return running;
      const p = createOnce(connectionRef, key, body).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
  };
}
