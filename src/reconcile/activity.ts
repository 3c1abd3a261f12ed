/**
 * Which connections are in use, so the reconciler sweeps only those: a connection with an open
 * subscription, a sync chain whose state is still kept, or GraphQL operations in the last
 * RECONCILE_IDLE_HOURS. Uses are written to the index store (shared by every instance with Redis),
 * at most once a minute per connection and instance, so a busy connection costs no write per
 * operation.
 */
import type { ActivityKind, IndexStore } from './index-store.js';

export interface Activity {
  /** A GraphQL operation of the connection ran. */
  read(ref: string): void;
  /** A sync chain of the connection stepped. */
  sync(ref: string): void;
  /** A subscription opened; call the result when it ends. */
  subscribe(ref: string): () => void;
  /** Connections in use now, on any instance. */
  inUse(): Promise<string[]>;
}

export interface ActivityOptions {
  store: IndexStore;
  now: () => number;
  /** RECONCILE_IDLE_HOURS in ms. */
  idleMs: number;
  /** SYNC_STATE_RETENTION_HOURS in ms: a chain stays resumable (and swept) that long. */
  syncMs: number;
  /** @default 60_000 */
  throttleMs?: number;
  onError?: (err: unknown) => void;
}

export function createActivity(opts: ActivityOptions): Activity {
  const throttleMs = opts.throttleMs ?? 60_000;
  const written = new Map<string, number>();
  const subscribers = new Map<string, number>();

  const touch = (ref: string, kind: ActivityKind, force = false) => {
    const at = opts.now();
    const key = `${kind}\u0000${ref}`;
    const last = written.get(key);
    if (!force && last !== undefined && at - last < throttleMs && at >= last) return;
    written.set(key, at);
    // Bounded: a key per connection and kind that was used, forgotten once stale.
    if (written.size > 10_000)
      for (const [k, t] of written) if (at - t >= throttleMs) written.delete(k);
    void opts.store.touch(ref, kind, at).catch((e: unknown) => opts.onError?.(e));
  };

  return {
    read: (ref) => touch(ref, 'read'),
    sync: (ref) => touch(ref, 'sync'),
    subscribe(ref) {
      subscribers.set(ref, (subscribers.get(ref) ?? 0) + 1);
      touch(ref, 'read');
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        const n = (subscribers.get(ref) ?? 1) - 1;
        if (n <= 0) subscribers.delete(ref);
        else subscribers.set(ref, n);
      };
    },
    async inUse() {
      // Open subscriptions keep their connection in use on every instance that reads the store.
      for (const ref of subscribers.keys()) touch(ref, 'read');
      const at = opts.now();
      const [read, sync] = await Promise.all([
        opts.store.active('read', at - opts.idleMs),
        opts.store.active('sync', at - opts.syncMs),
      ]);
      return [...new Set([...subscribers.keys(), ...read, ...sync])];
    },
  };
}
