/**
 * Groups of identical subscriptions: one source stream and one execution per event for the whole
 * group, published to each member's queue (src/graphql/subscriptions/member.ts). A group is
 * `opening`, then `streaming`, then `ended`; the rules on slow members and replays are in
 * src/graphql/subscriptions/hub.ts. Internal to the subscription hub.
 */
import {
  GraphQLError,
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import { WsCloseCode } from '../../close-codes.js';
import type { GatewayContext } from '../context.js';
import { createRequestBudget, runInOperation } from '../../scheduler/operation-scope.js';
import type { LoggedEvent } from '../../events/event-log.js';
import {
  tooSlowReason,
  type EventServices,
  type SharedStream,
  type SubscriberSocket,
} from '../../events/services.js';
import { memberIterator, tagEventId, type Delivery, type Member } from './member.js';

/** A group is `opening` until its source stream exists, then `streaming`, then `ended` for good. */
export type GroupPhase = 'opening' | 'streaming' | 'ended';

/** Read through a call: the phase changes while the pump awaits, which narrowing cannot see. */
const ended = (g: { phase: GroupPhase }) => g.phase === 'ended';

export interface Group {
  key: string;
  members: Set<Member>;
  ev: EventServices;
  opening: Promise<ExecutionResult | undefined>;
  source: AsyncIterator<unknown> | undefined;
  /** The subscription field and replay start, told by the stream as it opens (SharedStream). */
  name: string | undefined;
  after: string | undefined;
  lastLive: string | undefined;
  phase: GroupPhase;
  /** Wakes the pump when it waits for a replay backlog to drain. */
  paced: (() => void) | undefined;
  /** Aborted when the group ends: its queued Gong requests are dropped. */
  gone: AbortController;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isLoggedEvent(v: unknown): v is LoggedEvent {
  return isObject(v) && typeof v.eventId === 'string' && typeof v.receivedAt === 'string';
}

/** The error result for a group whose connection can no longer be used, if it cannot. */
async function connectionGone(args: ExecutionArgs): Promise<ExecutionResult | undefined> {
  const ctx = args.contextValue as GatewayContext;
  try {
    await ctx.gong.assertGranted([], 'a subscription event');
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : 'The Gong connection is gone';
    return { errors: [new GraphQLError(message, { originalError: error as Error })] };
  }
}

/** The live groups, keyed by what makes subscriptions identical, and what a member does with its group. */
export function createGroups() {
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
    if (g.phase === 'ended') return;
    g.phase = 'ended';
    unlist(g);
    wake(g);
    g.gone.abort(new Error('The subscription group ended'));
    // Ends the stream's listener; a pending source.next() then resolves done and the pump stops.
    void g.source?.return?.().catch(() => undefined);
  };

  const leave = (g: Group, m: Member) => {
    if (m.state.kind === 'gone') return;
    m.state = { kind: 'gone', failure: m.state.kind === 'finishing' ? m.state.failure : undefined };
    m.queue.length = 0;
    m.replayQueued = 0;
    g.members.delete(m);
    if (m.counted && g.name !== undefined)
      g.ev.metrics?.openSubscriptions.dec({ subscription: g.name });
    const w = m.waiter;
    m.waiter = undefined;
    w?.resolve({ value: undefined, done: true });
    if (g.members.size === 0) endGroup(g);
    else wake(g);
  };

  /** Closes a member's socket; for 4413 with the reason naming where that member resumes. */
  const closeMember = (g: Group, m: Member, code: WsCloseCode, why: string) => {
    // A replaying group only has members that started at its `after`.
    const last = m.delivered ?? g.after;
    const socket = m.ctx.subscriberSocket;
    leave(g, m);
    socket?.close(code, code === WsCloseCode.SubscriberTooSlow ? tooSlowReason(last) : why);
  };

  const hand = (g: Group, m: Member, d: Delivery): IteratorResult<ExecutionResult> => {
    m.inFlight = d.eventId;
    if (d.live && d.receivedAt !== undefined)
      g.ev.metrics?.eventDeliveryLag.observe(
        Math.max(0, g.ev.now() - Date.parse(d.receivedAt)) / 1000,
      );
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
        m.ctx.logger.warn(
          { subscription: g.name, lastDelivered: m.delivered ?? g.after },
          'subscriber too slow: closing',
        );
        closeMember(g, m, WsCloseCode.SubscriberTooSlow, '');
      }
    }
  };

  /** The stream ended or failed: members finish after what they already have queued. */
  const settle = (g: Group, failure: { error: unknown } | undefined) => {
    endGroup(g);
    for (const m of [...g.members]) {
      m.state = { kind: 'finishing', failure };
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
        while (!ended(g) && backlogged(g)) await new Promise<void>((r) => (g.paced = r));
        if (ended(g)) return;
        const next = await source.next();
        if (next.done || ended(g)) break;
        const event = isLoggedEvent(next.value) ? next.value : undefined;
        const live = event !== undefined && event.eventId === g.lastLive;
        // The connection may have been disconnected (on any instance) since the stream opened:
        // its subscribers are told so, once, and the group ends.
        const gone = await connectionGone(args);
        if (gone) {
          publish(g, { result: gone, eventId: undefined, receivedAt: undefined, live: false });
          break;
        }
        // Each event is an operation of its own: its own ceiling, the group's turn in the queue.
        const ctx = args.contextValue as GatewayContext;
        const result = await runInOperation(
          {
            owner: g,
            signal: g.gone.signal,
            budget: createRequestBudget(ctx.requestBudget.ceiling),
          },
          () => execute({ ...args, rootValue: next.value }),
        );
        tagEventId(result, event?.eventId);
        // A later joiner of a replaying group would miss what is published from here on.
        if (g.after !== undefined) unlist(g);
        publish(g, { result, eventId: event?.eventId, receivedAt: event?.receivedAt, live });
      }
      settle(g, undefined);
    } catch (error) {
      settle(g, { error });
    }
  };

  const create = (
    key: string,
    args: ExecutionArgs,
    ctx: GatewayContext,
    ev: EventServices,
  ): Group => {
    const g: Group = {
      key,
      members: new Set(),
      ev,
      opening: Promise.resolve(undefined),
      source: undefined,
      name: undefined,
      after: undefined,
      lastLive: undefined,
      phase: 'opening',
      paced: undefined,
      gone: new AbortController(),
    };
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
    const socket: SubscriberSocket = {
      close: (code, why) => [...g.members].forEach((m) => closeMember(g, m, code, why)),
    };
    const groupArgs: ExecutionArgs = {
      ...args,
      contextValue: {
        ...ctx,
        subscriberSocket: socket,
        sharedStream: shared,
      } satisfies GatewayContext,
    };
    groups.set(key, g);
    // The group outlives the member that created it: its work runs in a scope of its own.
    const scope = { owner: g, signal: g.gone.signal };
    g.opening = runInOperation(scope, () => createSourceEventStream(groupArgs)).then(
      (src) => {
        if (!(Symbol.asyncIterator in src)) {
          // Refused (bad `after`, bad workspaceId...): every member waiting gets the same errors.
          g.phase = 'ended';
          unlist(g);
          return src;
        }
        const it = src[Symbol.asyncIterator]();
        g.source = it;
        if (g.phase === 'ended') void it.return?.().catch(() => undefined);
        else {
          g.phase = 'streaming';
          void runInOperation(scope, () => pump(g, it, groupArgs));
        }
        return undefined;
      },
      (err: unknown) => {
        g.phase = 'ended';
        unlist(g);
        throw err;
      },
    );
    return g;
  };

  const iterate = (g: Group, m: Member) =>
    memberIterator(m, {
      hand: (d) => hand(g, m, d),
      leave: () => leave(g, m),
      replayTaken: () => wake(g),
    });

  return { find: (key: string) => groups.get(key), create, leave, iterate };
}
