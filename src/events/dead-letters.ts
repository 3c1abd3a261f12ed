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
  add(input: { connectionRef: string; reason: string; rawBody: Buffer; receivedAt: string }): Promise<DeadLetter>;
  /** Oldest first. */
  list(connectionRef: string): Promise<DeadLetter[]>;
}

function isDeadLetter(v: unknown): v is DeadLetter {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.id === 'string' && typeof o.receivedAt === 'string' && typeof o.reason === 'string' && typeof o.body === 'string';
}

export function createDeadLetters(opts: { store: KeyValueStore; ttlMs?: number; maxBodyChars?: number }): DeadLetters {
  const ttlMs = opts.ttlMs ?? 7 * 24 * 3600_000;
  const maxBodyChars = opts.maxBodyChars ?? 256 * 1024;
  const prefix = (ref: string) => `webhookdead:${ref}:`;
  return {
    async add({ connectionRef, reason, rawBody, receivedAt }) {
      const text = rawBody.toString('utf8');
      const letter: DeadLetter = {
        // Sortable by time first, unique by the uuid.
        id: `${receivedAt}_${randomUUID()}`,
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
      const keys = (await opts.store.keys(prefix(connectionRef))).sort();
      const out: DeadLetter[] = [];
      for (const k of keys) {
        const raw = await opts.store.get(k);
        if (raw === null) continue;
        const parsed: unknown = JSON.parse(raw);
        if (isDeadLetter(parsed)) out.push(parsed);
      }
      return out;
    },
  };
}
