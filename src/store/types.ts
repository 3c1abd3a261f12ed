/**
 * The small key-value surface every stateful feature uses (connections, OAuth states, webhook
 * keys, dedupe marks, schedules). Two implementations: in-memory (one instance, the default) and
 * Redis (`REDIS_URL`, shared by all instances). Values are strings; callers serialise, and
 * secrets are encrypted before they get here (see ./crypto.ts).
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /**
   * Sets a value. With `onlyIfAbsent`, writes only when the key does not exist and returns
   * whether it wrote (Redis `SET NX`). `ttlMs` expires the key.
   */
  set(
    key: string,
    value: string,
    opts?: { ttlMs?: number; onlyIfAbsent?: boolean },
  ): Promise<boolean>;
  /** Reads and deletes atomically: single-use values such as OAuth states. */
  take(key: string): Promise<string | null>;
  del(key: string): Promise<void>;
  /** Keys starting with `prefix` (admin listings of small sets, never hot paths). */
  keys(prefix: string): Promise<string[]>;
  /** Resolves when the backing store answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
