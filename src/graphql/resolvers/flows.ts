/**
 * Flows. Gong lists flows per owner (Company flows plus that owner's Personal and Shared ones),
 * so the full read without `ownerEmail` fans out over every active user and de-duplicates by id,
 * as Gong requires; the result goes through the full-read cache.
 */
import { GatewayError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import type { GongClient } from '../../gong/types.js';
import { z } from 'zod';
import { Flow } from '../../gong/wire.js';
import { collectPages } from '../../gong/reads/pages.js';
import { checkFirst, decodeCursor } from '../cursor.js';
import { readConnection, wholeList } from '../paging.js';
import { gongId } from './ids.js';

/** What a cached flows read must look like when it comes back from Redis. */
const FlowList = z.array(Flow);

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

/**
 * The fan-out is one request per active user (dozens at 3/s), so it runs at background priority:
 * interactive reads of other clients go first in the connection's budget.
 */
export async function allFlows(
  client: GongClient,
  workspaceId: string | undefined,
  logger?: Logger,
): Promise<Flow[]> {
  const users = await collectPages({
    fetchPage: (cursor) => client.listUsers({ cursor }, 'background'),
    idOf: (u) => u.id,
  });
  const owners = users.filter(
    (u) => u.active !== false && typeof u.emailAddress === 'string' && u.emailAddress.includes('@'),
  );
  const perOwner = await Promise.all(
    owners.map((u) =>
      collectPages({
        fetchPage: (cursor) =>
          client.listFlows(
            { flowOwnerEmail: u.emailAddress as string, workspaceId, cursor },
            'background',
          ),
        idOf: (f) => f.id,
      }).catch((e: unknown) => {
        if (!ownerSkippable(e)) throw e;
        logger?.info(
          { ownerUserId: u.id, status: e.details?.status, code: e.code },
          'flows of one owner skipped: Gong refused that owner',
        );
        return [];
      }),
    ),
  );
  const byId = new Map<string, Flow>();
  for (const flows of perOwner) for (const f of flows) if (!byId.has(f.id)) byId.set(f.id, f);
  return [...byId.values()];
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
      const flows = await ctx.loaders.cached(
        `flows:${workspaceId ?? '*'}`,
        () => allFlows(ctx.gong, workspaceId, ctx.logger),
        FlowList,
      );
      return readConnection({
        first,
        after,
        fetchPage: () => Promise.resolve(wholeList(flows)),
        toNode: (f) => f,
      });
    },
  },
  GongFlow: {
    // Gong has no flow-by-id endpoint: a reference resolves from the (cached) full read.
    __resolveReference: async (ref, ctx) => {
      const flows = await ctx.loaders.cached(
        'flows:*',
        () => allFlows(ctx.gong, undefined, ctx.logger),
        FlowList,
      );
      return flows.find((f) => f.id === ref.id) ?? null;
    },
  },
};
