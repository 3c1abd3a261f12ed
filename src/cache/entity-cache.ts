/**
 * The shared entity cache: calls (per part), transcripts and users by Gong id, per connection,
 * read through by the per-request loaders and fed by everything else the gateway receives (list
 * pages, sync pages, webhook callData, the transcript poller). Spends Gong's budget per change
 * instead of per view: an entity is fetched once per TTL, whichever operation, instance or
 * subscriber asks. A `fresh` read (Cache-Control: no-cache) skips the lookup and refreshes.
 * Misses are not remembered: an id Gong does not know (yet) is asked again next time, since a call
 * becomes visible, and gets its transcript, hours after it ends.
 */
import type {
  CallBasicData,
  CallData,
  CallTranscript,
  ContentSelector,
  UserMetadata,
} from '../gong/wire.js';
import type { Metrics } from '../observability/metrics.js';
import {
  callOf,
  carriedParts,
  isCallRecord,
  mergeCall,
  missingParts,
  partsOf,
  recordUntil,
  selectorOf,
  type CallRecord,
  type Parts,
  type PartTtls,
} from './call-parts.js';
import type { EntityKind, EntityStore, EntityWrite } from './entity-store.js';
import type { ReportCorruptEntry } from '../observability/corrupt-entries.js';
import { byKeys } from '../util/by-keys.js';

/** Gong's media URLs expire after 8 hours; one served from the cache stays valid for at least one more. */
const MEDIA_MS = 7 * 3_600_000;

export interface EntityTtls {
  callSeconds: number;
  transcriptSeconds: number;
  userSeconds: number;
}

export interface ReadOptions {
  /** Cache-Control: no-cache: go to Gong, then store what it said. */
  fresh?: boolean;
}

export interface EntityCache {
  /** Calls by id with (at least) the selector's parts; Gong is asked only for the parts missing, with one request per distinct lack. */
  calls(
    ref: string,
    ids: readonly string[],
    selector: ContentSelector | undefined,
    fetch: (ids: string[], selector: ContentSelector | undefined) => Promise<CallData[]>,
    o?: ReadOptions,
  ): Promise<(CallData | null)[]>;
  transcripts(
    ref: string,
    ids: readonly string[],
    fetch: (ids: string[]) => Promise<CallTranscript[]>,
    o?: ReadOptions,
  ): Promise<(CallTranscript | null)[]>;
  users(
    ref: string,
    ids: readonly string[],
    fetch: (ids: string[]) => Promise<UserMetadata[]>,
    o?: ReadOptions,
  ): Promise<(UserMetadata | null)[]>;
  /** Calls Gong answered for `selector` (a list or sync page), or that came from elsewhere (`'carried'`: a webhook's callData). */
  rememberCalls(
    ref: string,
    calls: readonly CallData[],
    selector: ContentSelector | undefined | 'carried',
  ): Promise<void>;
  rememberTranscripts(ref: string, transcripts: readonly CallTranscript[]): Promise<void>;
  rememberUsers(ref: string, users: readonly UserMetadata[]): Promise<void>;
  /** Forgets the given calls (with their transcripts), or everything cached for the connection. */
  evict(ref: string, callIds?: readonly string[]): Promise<void>;
  /** The ids of `kind` a read would have to ask Gong for now (an estimate: call parts are not looked at). */
  uncached(ref: string, kind: EntityKind, ids: readonly string[]): Promise<string[]>;
  /** The calls' cached metaData, without asking Gong or counting a lookup (privacy checks of logged events). */
  peekCalls(ref: string, ids: readonly string[]): Promise<(CallBasicData | undefined)[]>;
}

export interface EntityCacheOptions {
  store: EntityStore;
  ttls: EntityTtls;
  metrics?: Metrics;
  /** Where an entry bound to another connection or kind is reported (then it is a miss). */
  reportCorrupt?: ReportCorruptEntry;
  now?: () => number;
}

/**
 * What the store holds: the value with the connection and kind it was written for. A store that
 * is shared (Redis) can be written by others; an entry copied under another connection's or
 * kind's key is never served there.
 */
interface BoundEntry {
  c: string;
  k: EntityKind;
  v: unknown;
}

const isBoundTo = (e: unknown, ref: string, kind: EntityKind): e is BoundEntry =>
  typeof e === 'object' &&
  e !== null &&
  'v' in e &&
  (e as { c?: unknown }).c === ref &&
  (e as { k?: unknown }).k === kind;

const bound = (ref: string, kind: EntityKind, value: unknown): BoundEntry => ({
  c: ref,
  k: kind,
  v: value,
});

export function createEntityCache(opts: EntityCacheOptions): EntityCache {
  const now = opts.now ?? Date.now;
  const { store } = opts;
  const ms = (seconds: number) => seconds * 1000;
  const partTtls = (): PartTtls => ({ callMs: ms(opts.ttls.callSeconds), mediaMs: MEDIA_MS });
  const count = (kind: EntityKind, result: 'hit' | 'miss' | 'bypass', n = 1) =>
    n > 0 && opts.metrics?.entityLookups.inc({ kind, result }, n);
  const saved = () => opts.metrics?.upstreamRequestsSaved.inc({ reason: 'cache' });

  /** The stored values of `ids`, each only if it was written for this connection and kind. */
  async function read(ref: string, kind: EntityKind, ids: readonly string[]): Promise<unknown[]> {
    return (await store.get(ref, kind, ids)).map((e, i) => {
      if (e === undefined) return undefined;
      if (isBoundTo(e, ref, kind)) return e.v;
      opts.reportCorrupt?.(
        'cache',
        `entity:${ref}:${kind}:${ids[i]}`,
        'not bound to this connection and kind',
      );
      return undefined;
    });
  }
  const write = (ref: string, kind: EntityKind, writes: EntityWrite[]) =>
    store.set(
      ref,
      kind,
      writes.map((w) => ({ ...w, value: bound(ref, kind, w.value) })),
    );

  async function records(ref: string, ids: readonly string[]): Promise<(CallRecord | undefined)[]> {
    return (await read(ref, 'call', ids)).map((r, i) =>
      isCallRecord(r) && r.metaData.id === ids[i] ? r : undefined,
    );
  }

  async function writeCalls(ref: string, merged: CallRecord[]): Promise<void> {
    const at = now();
    await write(
      ref,
      'call',
      merged.map((r) => ({ id: r.metaData.id, value: r, ttlMs: recordUntil(r) - at })),
    );
  }

  /** A read-through of a kind kept whole (transcripts, users). */
  async function whole<T>(
    kind: EntityKind,
    ttlSeconds: number,
    ref: string,
    ids: readonly string[],
    idOf: (t: T) => string,
    /** A cheap shape check of what a shared store hands back (an entry from another deploy is a miss, then replaced). */
    looksLike: (value: unknown, id: string) => boolean,
    /** Whether an answer is final enough to keep. */
    storable: (t: T) => boolean,
    fetch: (ids: string[]) => Promise<T[]>,
    o: ReadOptions = {},
  ): Promise<(T | null)[]> {
    if (ttlSeconds <= 0) return byKeys(ids, await fetch([...ids]), idOf);
    const cached = o.fresh
      ? ids.map(() => undefined)
      : (await read(ref, kind, ids)).map((v, i) =>
          v !== undefined && looksLike(v, ids[i] as string) ? (v as T) : undefined,
        );
    const misses = ids.filter((_, i) => cached[i] === undefined);
    count(kind, o.fresh ? 'bypass' : 'hit', o.fresh ? ids.length : ids.length - misses.length);
    if (!o.fresh) count(kind, 'miss', misses.length);
    if (misses.length === 0) {
      saved();
      return cached.map((c) => c ?? null);
    }
    const found = await fetch(misses);
    await write(
      ref,
      kind,
      found.filter(storable).map((t) => ({ id: idOf(t), value: t, ttlMs: ms(ttlSeconds) })),
    );
    const got = new Map(found.map((t) => [idOf(t), t]));
    // Read past the cache (no-cache), an id Gong no longer answers must not stay cached either.
    if (o.fresh) {
      const gone = misses.filter((id) => !got.has(id));
      if (gone.length > 0) await store.evict(ref, { kind, ids: gone }, 'gone');
    }
    return ids.map((id, i) => cached[i] ?? got.get(id) ?? null);
  }

  const transcriptId = (t: CallTranscript) => t.callId;
  const userId = (u: UserMetadata) => u.id;

  return {
    async calls(ref, ids, selector, fetch, o = {}) {
      if (opts.ttls.callSeconds <= 0)
        return byKeys(ids, await fetch([...ids], selector), (c) => c.metaData.id);
      const needed = partsOf(selector);
      const stored = o.fresh ? ids.map(() => undefined) : await records(ref, ids);
      const at = now();
      // Ids grouped by what they lack, so each distinct lack is one request (usually there is one).
      const lacks = new Map<string, { parts: Parts; ids: string[] }>();
      ids.forEach((id, i) => {
        const missing = missingParts(stored[i], needed, at);
        if (missing.size === 0 && stored[i]) return;
        const sig = [...missing]
          .map(([p, f]) => `${p}=${f}`)
          .sort()
          .join('&');
        const group = lacks.get(sig) ?? { parts: missing, ids: [] };
        group.ids.push(id);
        lacks.set(sig, group);
      });
      const missed = [...lacks.values()].reduce((n, g) => n + g.ids.length, 0);
      if (o.fresh) count('call', 'bypass', ids.length);
      else {
        count('call', 'hit', ids.length - missed);
        count('call', 'miss', missed);
      }
      if (missed === 0) saved();
      const byId = new Map<string, CallRecord>();
      ids.forEach((id, i) => {
        const r = stored[i];
        if (r) byId.set(id, r);
      });
      const asked = new Set([...lacks.values()].flatMap((g) => g.ids));
      const answered = new Set<string>();
      await Promise.all(
        [...lacks.values()].map(async (group) => {
          const calls = await fetch(group.ids, selectorOf(group.parts));
          const merged = calls.map((c) =>
            mergeCall(byId.get(c.metaData.id), c, group.parts, now(), partTtls()),
          );
          for (const r of merged) {
            byId.set(r.metaData.id, r);
            answered.add(r.metaData.id);
          }
          await writeCalls(ref, merged);
        }),
      );
      // An id Gong did not return is unknown (deleted, or no longer visible): its older record
      // goes, also when the read skipped the cache (no-cache) and so never looked at it.
      const gone = [...asked].filter((id) => !answered.has(id) && (o.fresh || byId.has(id)));
      if (gone.length > 0) await store.evict(ref, { kind: 'call', ids: gone }, 'gone');
      return ids.map((id) => {
        const r = byId.get(id);
        return r && (!asked.has(id) || answered.has(id)) ? callOf(r) : null;
      });
    },

    transcripts: (ref, ids, fetch, o) =>
      whole(
        'transcript',
        opts.ttls.transcriptSeconds,
        ref,
        ids,
        transcriptId,
        isTranscriptOf,
        isFinal,
        fetch,
        o,
      ),
    users: (ref, ids, fetch, o) =>
      whole('user', opts.ttls.userSeconds, ref, ids, userId, isUserOf, () => true, fetch, o),

    async rememberCalls(ref, calls, selector) {
      if (opts.ttls.callSeconds <= 0 || calls.length === 0) return;
      const stored = await records(
        ref,
        calls.map((c) => c.metaData.id),
      );
      const at = now();
      const asked = selector === 'carried' ? undefined : partsOf(selector);
      await writeCalls(
        ref,
        calls.map((c, i) => mergeCall(stored[i], c, asked ?? carriedParts(c), at, partTtls())),
      );
    },

    async rememberTranscripts(ref, transcripts) {
      const final = transcripts.filter(isFinal);
      if (opts.ttls.transcriptSeconds > 0 && final.length > 0)
        await write(
          ref,
          'transcript',
          final.map((t) => ({ id: t.callId, value: t, ttlMs: ms(opts.ttls.transcriptSeconds) })),
        );
    },

    async rememberUsers(ref, users) {
      if (opts.ttls.userSeconds > 0 && users.length > 0)
        await write(
          ref,
          'user',
          users.map((u) => ({ id: u.id, value: u, ttlMs: ms(opts.ttls.userSeconds) })),
        );
    },

    async uncached(ref, kind, ids) {
      const ttl =
        kind === 'call'
          ? opts.ttls.callSeconds
          : kind === 'transcript'
            ? opts.ttls.transcriptSeconds
            : opts.ttls.userSeconds;
      if (ttl <= 0 || ids.length === 0) return [...ids];
      const found = await read(ref, kind, ids);
      return ids.filter((_, i) => found[i] === undefined);
    },

    async peekCalls(ref, ids) {
      if (opts.ttls.callSeconds <= 0 || ids.length === 0) return ids.map(() => undefined);
      return (await records(ref, ids)).map((r) => r?.metaData);
    },

    async evict(ref, callIds) {
      if (!callIds) return store.evict(ref);
      await store.evict(ref, { kind: 'call', ids: callIds });
      await store.evict(ref, { kind: 'transcript', ids: callIds });
    },
  };
}

const isTranscriptOf = (v: unknown, id: string) =>
  typeof v === 'object' &&
  v !== null &&
  (v as CallTranscript).callId === id &&
  Array.isArray((v as CallTranscript).transcript);
const isUserOf = (v: unknown, id: string) =>
  typeof v === 'object' && v !== null && (v as UserMetadata).id === id;

/** Gong answers an empty transcript for a call it has not transcribed yet: that one will change. */
const isFinal = (t: CallTranscript) => t.transcript.length > 0;
