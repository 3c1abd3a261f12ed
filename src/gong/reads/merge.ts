/**
 * Reads by id that wait for a connection's budget at the same time go out as one request. Every
 * upstream request waits for the connection's rate window anyway; while one waits, other loads of
 * the same batch endpoint (same selector, same priority), from any operation, add their ids to it
 * up to Gong's 100 ids a page. The ids are read when the request leaves the queue, and each waiter
 * gets only its own ids' records, so a per-key miss stays a null for that key. A load whose ids
 * are all in a request already sent shares its answer (identical requests in flight were shared
 * before merging; this keeps that, and for subsets too). One merger per endpoint of one
 * connection's client: merging never crosses connections. Layer 4 of the read layers (./README.md).
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import type { Metrics } from '../../observability/metrics.js';
import { isCursorExpiredError } from '../errors.js';
import {
  createSharedSignal,
  currentOperation,
  runInOperation,
  type OperationScope,
  type SharedSignal,
} from '../../scheduler/operation-scope.js';
import type { BodyAtDispatch } from '../types.js';
import { PAGE_SIZE } from '../wire/common.js';
import { asError } from '../../util/promised.js';

/**
 * Sends one read for the ids that `idsAtDispatch()` returns, called as a BodyAtDispatch is. Its
 * first call closes the group; a later call (a restart after an expired cursor) returns the same ids.
 */
export type MergedFetch<T> = (idsAtDispatch: BodyAtDispatch<readonly string[]>) => Promise<T[]>;

export interface MergerOptions<T> {
  /** Metric label, e.g. `calls.extensive`. */
  endpoint: string;
  idOf(item: T): string;
  /** Most ids one request carries (Gong's page size). @default 100 */
  maxIds?: number;
  metrics?: Pick<Metrics, 'upstreamMergedRequests' | 'upstreamRequestsSaved'>;
}

export interface Merger<T> {
  /**
   * The records of `ids` (at most maxIds after de-duplication), read together with the other loads
   * of `group` that are still queued. The group's first load's `fetch` sends the request, so a
   * group key must pin down everything about the request but its ids.
   */
  load(group: string, ids: readonly string[], fetch: MergedFetch<T>): Promise<T[]>;
  /** Loads whose request has not left the queue yet. */
  waiting(): number;
}

interface Waiter<T> {
  ids: ReadonlySet<string>;
  resolve: (items: T[]) => void;
  reject: (err: unknown) => void;
}

interface Group<T> {
  key: string;
  ids: Set<string>;
  waiters: Waiter<T>[];
  fetch: MergedFetch<T>;
  /** The operation of the first load (its budget pays), with a signal shared by every load's. */
  scope: OperationScope | undefined;
  shared: SharedSignal;
  /** The ids that went out, once the request left the queue. */
  sent?: readonly string[];
}

/**
 * Whether a failed merged request may have failed for one waiter's ids: Gong refused the batch as
 * invalid or unknown, or one record broke the wire schema. Then each waiter asks alone, so one
 * operation's bad key cannot fail another's. Rate limits, outages and credentials fail every
 * waiter: asking again alone would fail the same way and spend budget for nothing.
 */
export function mayBeOneWaitersFault(err: unknown): boolean {
  if (!(err instanceof GatewayError) || isCursorExpiredError(err)) return false;
  return (
    err.code === ErrorCode.BAD_USER_INPUT ||
    err.code === ErrorCode.NOT_FOUND ||
    err.code === ErrorCode.UPSTREAM_SCHEMA_MISMATCH
  );
}

export function createMerger<T>(opts: MergerOptions<T>): Merger<T> {
  const maxIds = opts.maxIds ?? PAGE_SIZE;
  /** Groups still in the queue, by key; a load joins the first one with room. */
  const open = new Map<string, Group<T>[]>();
  /** Groups sent and not yet answered; a load whose ids they all carry shares the answer. */
  const flying = new Map<string, Group<T>[]>();

  const add = (m: Map<string, Group<T>[]>, g: Group<T>) => {
    const list = m.get(g.key);
    if (list) list.push(g);
    else m.set(g.key, [g]);
  };
  const remove = (m: Map<string, Group<T>[]>, g: Group<T>) => {
    const list = m.get(g.key);
    const i = list ? list.indexOf(g) : -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) m.delete(g.key);
  };

  const fits = (g: Group<T>, ids: readonly string[]) =>
    g.ids.size + ids.filter((id) => !g.ids.has(id)).length <= maxIds;

  const own = (w: Waiter<T>, items: readonly T[]) =>
    items.filter((item) => w.ids.has(opts.idOf(item)));

  /** A fetch that throws at once fails like one that rejects. */
  const send = (fetch: MergedFetch<T>, idsAtDispatch: () => readonly string[]): Promise<T[]> => {
    try {
      return fetch(idsAtDispatch);
    } catch (err) {
      return Promise.reject(asError(err));
    }
  };

  function start(g: Group<T>): void {
    const idsAtDispatch = () => {
      if (!g.sent) {
        remove(open, g);
        add(flying, g);
        g.sent = [...g.ids];
        if (g.waiters.length > 1)
          opts.metrics?.upstreamMergedRequests.inc({ endpoint: opts.endpoint });
      }
      return g.sent;
    };
    // The request is dropped only once every load's client went away.
    const scope = { owner: g.scope?.owner ?? g, budget: g.scope?.budget, signal: g.shared.signal };
    runInOperation(scope, () => send(g.fetch, idsAtDispatch)).then(
      (items) => {
        remove(open, g);
        remove(flying, g);
        if (g.waiters.length > 1)
          opts.metrics?.upstreamRequestsSaved.inc({ reason: 'merge' }, g.waiters.length - 1);
        for (const w of g.waiters) w.resolve(own(w, items));
      },
      (err: unknown) => {
        remove(open, g);
        remove(flying, g);
        // Only a request that went out with several waiters' ids can have failed for one of them.
        if (g.sent && g.waiters.length > 1 && mayBeOneWaitersFault(err)) {
          for (const w of g.waiters) {
            const alone = [...w.ids];
            runInOperation(scope, () => send(g.fetch, () => alone)).then(
              (items) => w.resolve(own(w, items)),
              (e: unknown) => w.reject(e),
            );
          }
          return;
        }
        for (const w of g.waiters) w.reject(err);
      },
    );
  }

  return {
    load(key, ids, fetch) {
      const mine = [...new Set(ids)];
      if (mine.length === 0) return Promise.resolve([]);
      if (mine.length > maxIds)
        return Promise.reject(
          new RangeError(`A merged read carries at most ${maxIds} ids, but got ${mine.length}`),
        );
      const op = currentOperation();
      return new Promise<T[]>((resolve, reject) => {
        const w: Waiter<T> = { ids: new Set(mine), resolve, reject };
        const live = (g: Group<T>) => !g.shared.signal.aborted;
        // A request already on its way with every id asked for answers this load too.
        const sent = flying.get(key)?.find((g) => live(g) && mine.every((id) => g.ids.has(id)));
        if (sent) {
          sent.shared.join(op?.signal);
          sent.waiters.push(w);
          return;
        }
        const joined = open.get(key)?.find((g) => live(g) && fits(g, mine));
        if (joined) {
          for (const id of mine) joined.ids.add(id);
          joined.shared.join(op?.signal);
          joined.waiters.push(w);
          return;
        }
        const shared = createSharedSignal();
        shared.join(op?.signal);
        const g: Group<T> = {
          key,
          ids: new Set(mine),
          waiters: [w],
          fetch,
          scope: op,
          shared,
        };
        add(open, g);
        start(g);
      });
    },
    waiting() {
      let n = 0;
      for (const list of open.values()) for (const g of list) n += g.waiters.length;
      return n;
    },
  };
}
