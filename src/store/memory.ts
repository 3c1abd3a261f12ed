/**
 * In-memory KeyValueStore: the default when REDIS_URL is unset (one instance). Expiry is checked
 * lazily on read against an injectable clock, so tests can move time without waiting.
 */
import type { KeyValueStore } from './types.js';
import { promised } from '../util/promised.js';

interface Entry {
  value: string;
  /** ms since epoch; undefined = never expires. */
  expiresAt?: number;
}

export interface MemoryStoreOptions {
  /** Clock used for TTLs. @default Date.now */
  now?: () => number;
}

export function createMemoryStore(opts: MemoryStoreOptions = {}): KeyValueStore {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const e = entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };

  return {
    get: (key) => promised(() => live(key)?.value ?? null),
    set: (key, value, setOpts = {}) =>
      promised(() => {
        if (setOpts.onlyIfAbsent && live(key) !== undefined) return false;
        const entry: Entry = { value };
        if (setOpts.ttlMs !== undefined) entry.expiresAt = now() + setOpts.ttlMs;
        entries.set(key, entry);
        return true;
      }),
    take: (key) =>
      promised(() => {
        const e = live(key);
        entries.delete(key);
        return e?.value ?? null;
      }),
    del: (key) =>
      promised(() => {
        entries.delete(key);
      }),
    keys: (prefix) =>
      promised(() =>
        [...entries.keys()].filter((k) => k.startsWith(prefix) && live(k) !== undefined),
      ),
    async ping() {},
    close: () =>
      promised(() => {
        entries.clear();
      }),
  };
}
