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

/** A connection's key as the webhook intake needs it: a key that does not parse is not "not set". */
export type WebhookKeyLookup =
  { state: 'set'; key: CryptoKey } | { state: 'unset' } | { state: 'unparsable'; message: string };

export interface WebhookKeys {
  /** The connection's key, none, or the reason the stored (or GONG_WEBHOOK_PUBLIC_KEY) text does not parse. */
  lookup(connectionRef: string): Promise<WebhookKeyLookup>;
  /** The parsed key of a connection, or undefined when none is set or it does not parse. */
  get(connectionRef: string): Promise<CryptoKey | undefined>;
  /** Whether a key is set (a connection with a key counts as known to the webhook route). */
  has(connectionRef: string): Promise<boolean>;
  /** Validates and stores a key; BAD_USER_INPUT when it does not parse. */
  set(connectionRef: string, publicKey: string): Promise<void>;
}

export function createWebhookKeys(opts: {
  store: KeyValueStore;
  defaultKey?: string | undefined;
}): WebhookKeys {
  const cache = new Map<string, CryptoKey>();
  const storeKey = (ref: string) => `webhookkey:${ref}`;

  const text = async (ref: string): Promise<string | undefined> => {
    const stored = await opts.store.get(storeKey(ref));
    if (stored !== null) return stored;
    return ref === 'default' ? opts.defaultKey : undefined;
  };

  const lookup = async (ref: string): Promise<WebhookKeyLookup> => {
    const t = await text(ref);
    if (t === undefined) return { state: 'unset' };
    const hit = cache.get(t);
    if (hit) return { state: 'set', key: hit };
    const parsed = await parseWebhookPublicKey(t);
    if (!parsed.ok) return { state: 'unparsable', message: parsed.message };
    cache.set(t, parsed.key);
    return { state: 'set', key: parsed.key };
  };

  return {
    lookup,
    async get(ref) {
      const found = await lookup(ref);
      return found.state === 'set' ? found.key : undefined;
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
