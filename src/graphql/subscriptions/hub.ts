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
import {
  getOperationAST,
  OperationTypeNode,
  print,
  subscribe,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { GatewayContext } from '../context.js';
import { stableStringify } from '../../util/stable-stringify.js';
import { createGroups } from './group.js';
import type { Member } from './member.js';

export type SubscribeOutcome = AsyncIterableIterator<ExecutionResult> | ExecutionResult;

export interface SubscriptionHub {
  /** graphql-ws's `subscribe`: shares subscription operations, hands anything else to graphql-js. */
  subscribe: (args: ExecutionArgs) => Promise<SubscribeOutcome>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isGatewayContext(v: unknown): v is GatewayContext {
  return (
    isObject(v) &&
    typeof v.connectionRef === 'string' &&
    isObject(v.principal) &&
    isObject(v.services)
  );
}

/** Everything a result depends on; `admin` is the only authorization bit a principal carries besides its connection. */
function groupKey(args: ExecutionArgs, ctx: GatewayContext): string {
  // Sorted keys: `{a, b}` and `{b, a}` variables make one group.
  return stableStringify([
    ctx.connectionRef,
    ctx.principal.admin,
    args.operationName ?? null,
    print(args.document),
    args.variableValues ?? {},
  ]);
}

export function createSubscriptionHub(): SubscriptionHub {
  const { find, create, leave, iterate } = createGroups();

  return {
    async subscribe(args) {
      const ctx = args.contextValue;
      const op = getOperationAST(args.document, args.operationName);
      if (op?.operation !== OperationTypeNode.SUBSCRIPTION || !isGatewayContext(ctx))
        return subscribe(args);
      const ev = ctx.services.events;
      const key = groupKey(args, ctx);
      const g = find(key) ?? create(key, args, ctx, ev);
      // Joined before the stream opens, so no event published from then on can be missed.
      const m: Member = {
        ctx,
        queue: [],
        replayQueued: 0,
        waiter: undefined,
        inFlight: undefined,
        delivered: undefined,
        counted: false,
        state: { kind: 'open' },
      };
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
      if (m.state.kind !== 'gone' && g.name !== undefined) {
        m.counted = true;
        ev.metrics?.openSubscriptions.inc({ subscription: g.name });
      }
      return iterate(g, m);
    },
  };
}
