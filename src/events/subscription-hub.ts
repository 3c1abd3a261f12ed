/**
 * Runs each event once per group of identical subscriptions and hands the same ExecutionResult to
 * every member; graphql-ws's `subscribe` option. Plain graphql-js `subscribe` executes the
 * selection set (with fresh loaders) once per subscriber per event, which is what capped fan-out
 * at 1,000 subscribers (BENCHMARKS.md). Internal to the gateway's WebSocket wiring; not public API.
 *
 * Identical = same connection (tenants never share) and admin bit, printed document, operation
 * name and variables (so `after` and every filter). A group has one event stream, opened and
 * executed with a context made from its first member's (the resolvers still take fresh loaders
 * per event), and each member has its own bounded queue:
 * - a member more than WS_MAX_PENDING_EVENTS live events behind is closed with 4413 naming the
 *   last eventId it took delivery of; the group and the other members go on;
 * - a group too slow to execute (its stream overflows) closes every member the same way;
 * - replayed events wait for the slowest member instead (one subscriber's replay is paced by its
 *   consumer too), and a replaying group takes no new member once it has published: its first
 *   events would differ;
 * - a member leaving ends only its own iterator; the group ends when its last member leaves.
 * Result errors stay per member: graphql-ws's `onNext` formats each member's copy.
 */
import { createSourceEventStream, execute, getOperationAST, print, subscribe, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { GatewayContext } from '../context.js';
import { stableStringify } from '../util/stable-stringify.js';
import type { LoggedEvent } from './event-log.js';
import { WsCloseCode } from '../close-codes.js';
import { tooSlowReason, type EventServices, type SharedStream, type SubscriberSocket } from './services.js';

export type SubscribeOutcome = AsyncIterableIterator<ExecutionResult> | ExecutionResult;

export interface SubscriptionHub {
  /** graphql-ws's `subscribe`: shares subscription operations, hands anything else to graphql-js. */
  subscribe(args: ExecutionArgs): Promise<SubscribeOutcome>;
}

/** One executed event, the same object for every member. */
interface Delivery {
  result: ExecutionResult;
  eventId: string | undefined;
  receivedAt: string | undefined;
  live: boolean;
}

interface Member {
  ctx: GatewayContext;
  queue: Delivery[];
  /** Replayed deliveries queued: they pace the group rather than count toward the bound. */
  replayQueued: number;
  waiter: { resolve(r: IteratorResult<ExecutionResult>): void; reject(e: unknown): void } | undefined;
  /** Handed out by the latest next(); delivered once the consumer asks for the one after. */
  inFlight: string | undefined;
  delivered: string | undefined;
  counted: boolean;
  gone: boolean;
  /** The stream ended (or failed): finish once the queue is drained. */
  finished: boolean;
  failure: { error: unknown } | undefined;
}

interface Group {
  key: string;
  members: Set<Member>;
  ev: EventServices;
  opening: Promise<ExecutionResult | undefined>;
  source: AsyncIterator<unknown> | undefined;
  /** The subscription field and replay start, told by the stream as it opens (SharedStream). */
  name: string | undefined;
  after: string | undefined;
  lastLive: string | undefined;
  ended: boolean;
  /** Wakes the pump when it waits for a replay backlog to drain. */
  paced: (() => void) | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isGatewayContext(v: unknown): v is GatewayContext {
  return isObject(v) && typeof v.connectionRef === 'string' && isObject(v.principal) && isObject(v.services);
}

function isLoggedEvent(v: unknown): v is LoggedEvent {
  return isObject(v) && typeof v.eventId === 'string' && typeof v.receivedAt === 'string';
}

/** Everything a result depends on; `admin` is the only authorization bit a principal carries besides its connection. */
function groupKey(args: ExecutionArgs, ctx: GatewayContext): string {
  // Sorted keys: `{a, b}` and `{b, a}` variables make one group.
  return stableStringify([ctx.connectionRef, ctx.principal.admin, args.operationName ?? null, print(args.document), args.variableValues ?? {}]);
}

export function createSubscriptionHub(): SubscriptionHub {
  const groups = new Map<string, Group>();

  const unlist = (g: Group) => {
    if (groups.get(g.key) === g) groups.delete(g.key);
  };
  const wake = (g: Group) => {
    const p = g.paced;
    g.paced = undefined;
    p?.();
  };
  const endGroup = (g: Group) => {
    if (g.ended) return;
    g.ended = true;
    unlist(g);
    wake(g);
    // Ends the stream's listener; a pending source.next() then resolves done and the pump stops.
    void g.source?.return?.().catch(() => undefined);
  };

  const leave = (g: Group, m: Member) => {
    if (m.gone) return;
    m.gone = true;
    m.queue.length = 0;
    m.replayQueued = 0;
    g.members.delete(m);
    if (m.counted && g.name !== undefined) g.ev.metrics?.openSubscriptions.dec({ subscription: g.name });
    const w = m.waiter;
    m.waiter = undefined;
    w?.resolve({ value: undefined, done: true });
    if (g.members.size === 0) endGroup(g);
    else wake(g);
  };

  /** Closes a member's socket; for 4413 with the reason naming where that member resumes. */
  const closeMember = (g: Group, m: Member, code: number, why: string) => {
    // A replaying group only has members that started at its `after`.
    const last = m.delivered ?? g.after;
    const socket = m.ctx.subscriberSocket;
    leave(g, m);
    socket?.close(code, code === WsCloseCode.SubscriberTooSlow ? tooSlowReason(last) : why);
  };

  const hand = (g: Group, m: Member, d: Delivery): IteratorResult<ExecutionResult> => {
    m.inFlight = d.eventId;
    if (d.live && d.receivedAt !== undefined) g.ev.metrics?.eventDeliveryLag.observe(Math.max(0, g.ev.now() - Date.parse(d.receivedAt)) / 1000);
    return { value: d.result, done: false };
  };

  const publish = (g: Group, d: Delivery) => {
    for (const m of [...g.members]) {
      const w = m.waiter;
      if (w) {
        m.waiter = undefined;
        w.resolve(hand(g, m, d));
        continue;
      }
      m.queue.push(d);
      if (!d.live) m.replayQueued++;
      else if (m.queue.length - m.replayQueued > g.ev.maxPending) {
        m.ctx.logger.warn({ subscription: g.name, lastDelivered: m.delivered ?? g.after }, 'subscriber too slow: closing');
        closeMember(g, m, WsCloseCode.SubscriberTooSlow, '');
      }
    }
  };

  /** The stream ended or failed: members finish after what they already have queued. */
  const settle = (g: Group, failure: { error: unknown } | undefined) => {
    endGroup(g);
    for (const m of [...g.members]) {
      m.finished = true;
      m.failure = failure;
      const w = m.waiter;
      if (!w) continue;
      m.waiter = undefined;
      leave(g, m);
      if (failure) w.reject(failure.error);
      else w.resolve({ value: undefined, done: true });
    }
  };

  const backlogged = (g: Group) => {
    for (const m of g.members) if (m.replayQueued >= g.ev.maxPending) return true;
    return false;
  };

  /** One execution per event, in order, as graphql-js `subscribe` maps its source stream. */
  const pump = async (g: Group, source: AsyncIterator<unknown>, args: ExecutionArgs) => {
    try {
      for (;;) {
        while (!g.ended && backlogged(g)) await new Promise<void>((r) => (g.paced = r));
        if (g.ended) return;
        const next = await source.next();
        if (next.done || g.ended) break;
        const event = isLoggedEvent(next.value) ? next.value : undefined;
        const live = event !== undefined && event.eventId === g.lastLive;
        const result = await execute({ ...args, rootValue: next.value });
        // A later joiner of a replaying group would miss what is published from here on.
        if (g.after !== undefined) unlist(g);
        publish(g, { result, eventId: event?.eventId, receivedAt: event?.receivedAt, live });
      }
      settle(g, undefined);
    } catch (error) {
      settle(g, { error });
    }
  };

  const create = (key: string, args: ExecutionArgs, ctx: GatewayContext, ev: EventServices): Group => {
    const g: Group = { key, members: new Set(), ev, opening: Promise.resolve(undefined), source: undefined, name: undefined, after: undefined, lastLive: undefined, ended: false, paced: undefined };
    const shared: SharedStream = {
      opened: (name, after) => {
        g.name = name;
        g.after = after;
      },
      live: (e) => {
        g.lastLive = e.eventId;
      },
    };
    // The stream's overflow closes "the socket": here every member's, each with its own resume point.
    const socket: SubscriberSocket = { close: (code, why) => [...g.members].forEach((m) => closeMember(g, m, code, why)) };
    const groupArgs: ExecutionArgs = { ...args, contextValue: { ...ctx, subscriberSocket: socket, sharedStream: shared } satisfies GatewayContext };
    groups.set(key, g);
    g.opening = createSourceEventStream(groupArgs).then(
      (src) => {
        if (!(Symbol.asyncIterator in src)) {
          // Refused (bad `after`, bad workspaceId...): every member waiting gets the same errors.
          g.ended = true;
          unlist(g);
          return src;
        }
        const it = src[Symbol.asyncIterator]();
        g.source = it;
        if (g.ended) void it.return?.().catch(() => undefined);
        else void pump(g, it, groupArgs);
        return undefined;
      },
      (err: unknown) => {
        g.ended = true;
        unlist(g);
        throw err;
      },
    );
    return g;
  };

  const iterate = (g: Group, m: Member): AsyncIterableIterator<ExecutionResult> => {
    const it: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        if (m.inFlight !== undefined) {
          m.delivered = m.inFlight;
          m.inFlight = undefined;
        }
        const d = m.queue.shift();
        if (d) {
          if (!d.live) {
            m.replayQueued--;
            wake(g);
          }
          return hand(g, m, d);
        }
        const failure = m.failure;
        if (m.gone || m.finished) {
          leave(g, m);
          if (failure) throw failure.error;
          return { value: undefined, done: true };
        }
        return new Promise<IteratorResult<ExecutionResult>>((resolve, reject) => (m.waiter = { resolve, reject }));
      },
      async return() {
        leave(g, m);
        return { value: undefined, done: true };
      },
      async throw(e?: unknown) {
        leave(g, m);
        throw e;
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  };

  return {
    async subscribe(args) {
      const ctx = args.contextValue;
      const op = getOperationAST(args.document, args.operationName);
      if (op?.operation !== 'subscription' || !isGatewayContext(ctx)) return subscribe(args);
      const ev = ctx.services.events;
      const key = groupKey(args, ctx);
      const g = groups.get(key) ?? create(key, args, ctx, ev);
      // Joined before the stream opens, so no event published from then on can be missed.
      const m: Member = { ctx, queue: [], replayQueued: 0, waiter: undefined, inFlight: undefined, delivered: undefined, counted: false, gone: false, finished: false, failure: undefined };
      g.members.add(m);
      let refused: ExecutionResult | undefined;
      try {
        refused = await g.opening;
      } catch (err) {
        leave(g, m);
        throw err;
      }
      if (refused) {
        leave(g, m);
        return refused;
      }
      if (!m.gone && g.name !== undefined) {
        m.counted = true;
        ev.metrics?.openSubscriptions.inc({ subscription: g.name });
      }
      return iterate(g, m);
    },
  };
}
