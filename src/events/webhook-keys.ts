/**
 * Where each connection's Gong webhook public key lives: set per connection through the
 * `gongSetWebhookPublicKey` admin mutation (kept in the KeyValueStore, so every instance sees
 * it), with GONG_WEBHOOK_PUBLIC_KEY as the fallback for `default`. Keys are public: stored as
 * given, not encrypted. Parsed keys are cached per text.
 */
import type { CryptoKey } from 'jose';
import { badInput } from '../errors.js';
import type { KeyValueStore } from '../store/types.js';
import { parseWebhookPublicKey } from './verify-webhook.js';

export interface WebhookKeys {
  /** The parsed key of a connection, or undefined when none is set. */
  get(connectionRef: string): Promise<CryptoKey | undefined>;
  /** Whether a key is set (a connection with a key counts as known to the webhook route). */
  has(connectionRef: string): Promise<boolean>;
  /** Validates and stores a key; BAD_USER_INPUT when it does not parse. */
  set(connectionRef: string, publicKey: string): Promise<void>;
}

export function createWebhookKeys(opts: { store: KeyValueStore; defaultKey?: string | undefined }): WebhookKeys {
  const cache = new Map<string, CryptoKey>();
  const storeKey = (ref: string) => `webhookkey:${ref}`;

  const text = async (ref: string): Promise<string | undefined> => {
    const stored = await opts.store.get(storeKey(ref));
    if (stored !== null) return stored;
    return ref === 'default' ? opts.defaultKey : undefined;
  };

  return {
    async get(ref) {
      const t = await text(ref);
      if (t === undefined) return undefined;
      const hit = cache.get(t);
      if (hit) return hit;
      const parsed = await parseWebhookPublicKey(t);
      if (!parsed.ok) return undefined;
      cache.set(t, parsed.key);
      return parsed.key;
    },
    async has(ref) {
      return (await text(ref)) !== undefined;
    },
    async set(ref, publicKey) {
      const parsed = await parseWebhookPublicKey(publicKey);
      if (!parsed.ok) throw badInput(`publicKey: ${parsed.message}`, { field: 'publicKey' });
      await opts.store.set(storeKey(ref), publicKey.trim());
      cache.set(publicKey.trim(), parsed.key);
    },
  };
}
