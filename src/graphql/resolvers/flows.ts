/**
 * Flows. Gong lists flows per owner (Company flows plus that owner's Personal and Shared ones),
 * so the full read without `ownerEmail` fans out over every active user and de-duplicates by id,
 * as Gong requires; the result goes through the full-read cache, and each refresh stays under
 * FLOWS_REFRESH_MAX_REQUESTS.
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import type { GatewayContext } from '../context.js';
import type { GongClient } from '../../gong/types.js';
import { z } from 'zod';
import { Flow } from '../../gong/wire.js';
import { collectPages } from '../../gong/reads/pages.js';
import { checkFirst, decodeCursor } from '../cursor.js';
import { readConnection, wholeList } from '../paging.js';
import { gongId } from './ids.js';

/**
 * A full flows read as the cache keeps it: the merged flows, and per owner (by email) when their
 * flows were last read from Gong and which ids they listed, so a refresh under its request ceiling
 * re-reads some owners and keeps the others' last answer.
 */
export const FlowsRead = z.object({
  flows: z.array(Flow),
  owners: z.record(z.string(), z.object({ readAt: z.number(), flowIds: z.array(z.string()) })),
  /** Active owners Gong listed at the last refresh. */
  ownersTotal: z.number(),
  /** Owners re-read by the last refresh (the rest kept their earlier answer, or have none yet). */
  ownersRefreshed: z.number(),
  refreshedAt: z.number(),
});
export type FlowsRead = z.infer<typeof FlowsRead>;

/**
 * Gong's answer for an owner who cannot have flows (unlicensed, inactive) is not documented: the
 * sandbox says 400, a real one was 200 with an empty list. Any 4xx for one owner skips that owner
 * (logged); 401 (credentials) and 429 (budget) concern every owner, so they fail the read.
 */
function ownerSkippable(e: unknown): e is GatewayError {
  const status = e instanceof GatewayError ? e.details?.status : undefined;
  return (
    typeof status === 'number' && status >= 400 && status < 500 && status !== 401 && status !== 429
  );
}

/** Thrown inside an owner's walk when the refresh's request ceiling is reached: that owner keeps its earlier answer. */
class CeilingReached extends Error {}

export interface AllFlowsOptions {
  /** FLOWS_REFRESH_MAX_REQUESTS: requests one refresh may send (the users list included). */
  maxRequests: number;
  now: () => number;
  logger?: Logger | undefined;
}

/**
 * The full read Gong requires: every active user's flows, de-duplicated by id. One request per
 * owner (more past 100 flows), so it has a ceiling: past `maxRequests`, the owners never read and
 * then those read longest ago go first, and the rest keep their earlier answer (`ownersRefreshed`
 * and each owner's `readAt` say how stale). It runs at background priority: interactive reads of
 * other clients go first in the connection's budget.
 */
export async function allFlows(
  client: GongClient,
  workspaceId: string | undefined,
  previous: FlowsRead | undefined,
  opts: AllFlowsOptions,
): Promise<FlowsRead> {
  let spent = 0;
  const spend = () => {
    if (spent >= opts.maxRequests) throw new CeilingReached();
    spent++;
  };
  const users = await collectPages({
    fetchPage: (cursor) => {
      spend();
      return client.listUsers({ cursor }, 'background');
    },
    idOf: (u) => u.id,
  }).catch((e: unknown) => {
    if (!(e instanceof CeilingReached)) throw e;
    if (previous) return undefined;
    throw new GatewayError(
      ErrorCode.UPSTREAM_RATE_LIMITED,
      `The full flows read needs more than FLOWS_REFRESH_MAX_REQUESTS (${opts.maxRequests}) requests for Gong's users list alone; raise it or read flows by ownerEmail`,
      { maxRequests: opts.maxRequests },
    );
  });
  if (!users) return previous as FlowsRead;
  const emails = users
    .filter((u) => u.active !== false && typeof u.emailAddress === 'string')
    .map((u) => u.emailAddress as string)
    .filter((e) => e.includes('@'));
  const before = previous?.owners ?? {};
  // Never read first, then the longest ago; the ceiling cuts the tail.
  const order = [...emails].sort(
    (a, b) => (before[a]?.readAt ?? -Infinity) - (before[b]?.readAt ?? -Infinity),
  );
  const chosen = order.slice(0, Math.max(0, opts.maxRequests - spent));
  const at = opts.now();
  const read = await Promise.all(
    chosen.map(async (email) => {
      try {
        const flows = await collectPages({
          fetchPage: (cursor) => {
            spend();
            return client.listFlows({ flowOwnerEmail: email, workspaceId, cursor }, 'background');
          },
          idOf: (f) => f.id,
        });
        return { email, flows };
      } catch (e) {
        if (e instanceof CeilingReached) return { email, flows: undefined };
        if (!ownerSkippable(e)) throw e;
        opts.logger?.info(
          { status: e.details?.status, code: e.code },
          'flows of one owner skipped: Gong refused that owner',
        );
        return { email, flows: [] };
      }
    }),
  );
  const known = new Map((previous?.flows ?? []).map((f) => [f.id, f]));
  const owners: FlowsRead['owners'] = {};
  const fresh = new Map<string, Flow>();
  let refreshed = 0;
  for (const r of read)
    if (r.flows) {
      refreshed++;
      owners[r.email] = { readAt: at, flowIds: r.flows.map((f) => f.id) };
      for (const f of r.flows) if (!fresh.has(f.id)) fresh.set(f.id, f);
    }
  // Owners not re-read keep their last answer; owners Gong no longer lists are dropped.
  for (const email of emails) {
    const kept = before[email];
    if (!owners[email] && kept) owners[email] = kept;
  }
  const byId = new Map<string, Flow>();
  for (const o of Object.values(owners))
    for (const id of o.flowIds) {
      const f = fresh.get(id) ?? known.get(id);
      if (f && !byId.has(id)) byId.set(id, f);
    }
  if (spent >= opts.maxRequests && refreshed < emails.length)
    opts.logger?.info(
      { owners: emails.length, refreshed, maxRequests: opts.maxRequests },
      'flows refresh stopped at its request ceiling; the other owners keep their last answer',
    );
  return {
    flows: [...byId.values()],
    owners,
    ownersTotal: emails.length,
    ownersRefreshed: refreshed,
    refreshedAt: at,
  };
}

/** The cached full read (one per workspace filter), refreshed under its ceiling. */
export const cachedFlows = (ctx: GatewayContext, workspaceId: string | undefined) =>
  ctx.loaders.cached<FlowsRead>(
    `flows:${workspaceId ?? '*'}`,
    (previous) =>
      allFlows(ctx.gong, workspaceId, previous, {
        maxRequests: ctx.settings.flowsRefreshMaxRequests,
        now: ctx.settings.now,
        logger: ctx.logger,
      }),
    FlowsRead,
  );

/** How current a full read is (GongFlowConnection.freshness). */
function freshnessOf(read: FlowsRead) {
  const times = Object.values(read.owners).map((o) => o.readAt);
  return {
    owners: read.ownersTotal,
    ownersRead: Object.keys(read.owners).length,
    ownersRefreshed: read.ownersRefreshed,
    refreshedAt: new Date(read.refreshedAt).toISOString(),
    oldestOwnerReadAt: times.length > 0 ? new Date(Math.min(...times)).toISOString() : null,
  };
}

export const flowResolvers: Resolvers = {
  Query: {
    gongFlows: async (_p, args, ctx) => {
      const first = checkFirst(args.first);
      const after = decodeCursor(args.after);
      const workspaceId = args.workspaceId ? gongId(args.workspaceId, 'workspaceId') : undefined;
      const ownerEmail = args.ownerEmail ?? undefined;
      if (ownerEmail !== undefined) {
        return readConnection({
          first,
          after,
          fetchPage: (cursor) =>
            ctx.gong.listFlows({ flowOwnerEmail: ownerEmail, workspaceId, cursor }),
          toNode: (f) => f,
        });
      }
      const read = await cachedFlows(ctx, workspaceId);
      const page = await readConnection({
        first,
        after,
        fetchPage: () => Promise.resolve(wholeList(read.flows)),
        toNode: (f) => f,
      });
      return { ...page, freshness: freshnessOf(read) };
    },
  },
  GongFlow: {
    // Gong has no flow-by-id endpoint: a reference resolves from the (cached) full read.
    __resolveReference: async (ref, ctx) => {
      const { flows } = await cachedFlows(ctx, undefined);
      return flows.find((f) => f.id === ref.id) ?? null;
    },
  },
};
