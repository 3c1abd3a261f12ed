/**
 * Webhook deliveries that were correctly signed but could not be accepted (malformed JSON, or a
 * payload outside Gong's documented shape). Kept in the KeyValueStore with a TTL so an operator
 * can see what Gong sent; never published.
 */
import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../store/types.js';

export interface DeadLetter {
  id: string;
  connectionRef: string;
  receivedAt: string;
  reason: string;
  /** The body as text, cut at `maxBodyChars`. */
  body: string;
  truncated: boolean;
}

export interface DeadLetters {
  add(input: {
    connectionRef: string;
    reason: string;
    rawBody: Buffer;
    receivedAt: string;
  }): Promise<DeadLetter>;
  /** Oldest first. */
  list(connectionRef: string): Promise<DeadLetter[]>;
  /** The `first` most recent, newest first; reads only those (bodies can be large). */
  newest(connectionRef: string, first: number): Promise<DeadLetter[]>;
}

function isDeadLetter(v: unknown): v is DeadLetter {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.id === 'string' &&
    typeof o.receivedAt === 'string' &&
    typeof o.reason === 'string' &&
    typeof o.body === 'string'
  );
}

export function createDeadLetters(opts: {
  store: KeyValueStore;
  ttlMs?: number;
  maxBodyChars?: number;
}): DeadLetters {
  const ttlMs = opts.ttlMs ?? 7 * 24 * 3600_000;
  const maxBodyChars = opts.maxBodyChars ?? 256 * 1024;
  const prefix = (ref: string) => `webhookdead:${ref}:`;
  let seq = 0;
  // A key can expire between `keys` and `get`: skipped, not an error.
  const read = async (keys: string[]): Promise<DeadLetter[]> => {
    const out: DeadLetter[] = [];
    for (const k of keys) {
      const raw = await opts.store.get(k);
      if (raw === null) continue;
      const parsed: unknown = JSON.parse(raw);
      if (isDeadLetter(parsed)) out.push(parsed);
    }
    return out;
  };
  return {
    async add({ connectionRef, reason, rawBody, receivedAt }) {
      const text = rawBody.toString('utf8');
      const letter: DeadLetter = {
        // Sortable by time, then arrival within a millisecond in this process; unique by the uuid.
        id: `${receivedAt}_${String(seq++).padStart(12, '0')}_${randomUUID()}`,
        connectionRef,
        receivedAt,
        reason,
        body: text.slice(0, maxBodyChars),
        truncated: text.length > maxBodyChars,
      };
      await opts.store.set(prefix(connectionRef) + letter.id, JSON.stringify(letter), { ttlMs });
      return letter;
    },
    async list(connectionRef) {
      return read((await opts.store.keys(prefix(connectionRef))).sort());
    },
    async newest(connectionRef, first) {
      // Ids start with receivedAt, so key order is arrival order.
      return read((await opts.store.keys(prefix(connectionRef))).sort().reverse().slice(0, first));
    },
  };
}
