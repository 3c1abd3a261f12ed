/**
 * Call root fields. A list's date window always means the call's START time (as Gong documents
 * it for /v2/calls/extensive), whatever fields are selected: lists read POST /v2/calls/extensive,
 * with no contentSelector (metaData only, same cost as GET /v2/calls) when only basic fields are
 * selected. GET /v2/calls would filter Gong-recorded web conferences on their scheduled time, so
 * it serves only connections without the extensive scope (README "Date windows").
 * Private calls are left out unless `includePrivate: true`, deleted ones always (the privacy rule:
 * each page's calls are checked against the newest knowledge in one lookup).
 */
import type { Resolvers } from '../../generated/resolvers-types.js';
import type { Page } from '../../gong/types.js';
import type { CallData } from '../../gong/wire.js';
import { checkFirst, decodeCursor } from '../cursor.js';
import { readConnection } from '../paging.js';
import { decodeDescCursor, readNewestFirst } from '../newest-first.js';
import type { CallParent } from '../parents.js';
import { loadCall, loadOneCall, planOf, primeCalls } from './call-plan.js';
import { dateWindow, gongId, gongIds } from './ids.js';
import { isGatewayError } from '../../errors.js';
import { hiddenIds } from '../../privacy/call-privacy.js';
import { SCOPES } from '../../gong/wire.js';

export const callResolvers: Resolvers = {
  Query: {
    gongCalls: async (_p, args, ctx, info) => {
      const first = checkFirst(args.first);
      const desc = args.orderBy === 'STARTED_DESC';
      // Each order has its own cursor shape: one from the other order is refused as not ours.
      const descAfter = desc ? decodeDescCursor(args.after) : undefined;
      const after = desc ? undefined : decodeCursor(args.after);
      const f = args.filter ?? {};
      const includePrivate = f.includePrivate === true;
      const ids = f.ids ? gongIds(f.ids, 'filter.ids') : undefined;
      const primaryUserIds = f.primaryUserIds
        ? gongIds(f.primaryUserIds, 'filter.primaryUserIds')
        : undefined;
      const workspaceId = f.workspaceId ? gongId(f.workspaceId, 'filter.workspaceId') : undefined;
      const plan = planOf(ctx, info);
      const { now, syncStartDays } = ctx.settings;

      // The window and endpoint are fixed by the first page: Gong's cursor is only valid for the same request.
      const window = descAfter?.w ??
        after?.w ?? {
          ...(ids && !f.from && !f.to ? {} : dateWindow(f.from, f.to, now(), syncStartDays)),
          k: 'extensive',
        };
      const hidden = new Set<string>();
      const keep = (c: CallData) => !hidden.has(c.metaData.id);
      const check = async (page: Page<CallData>): Promise<Page<CallData>> => {
        const ids = page.items.map((c) => ({ id: c.metaData.id, isPrivate: c.metaData.isPrivate }));
        for (const id of await hiddenIds(ctx.loaders.standings, ids, includePrivate))
          hidden.add(id);
        return page;
      };

      // One Gong page of a window `[from, to)`, by either endpoint; the extensive one primes by-id loads.
      const fetchBasic = async (
        w: { from?: string; to?: string },
        cursor: string | undefined,
      ): Promise<Page<CallData>> => {
        const page = await ctx.gong.listCalls({
          fromDateTime: w.from ?? '',
          toDateTime: w.to ?? '',
          workspaceId,
          cursor,
        });
        return check({ ...page, items: page.items.map((metaData) => ({ metaData })) });
      };
      const fetchExtensive = async (
        w: { from?: string; to?: string },
        cursor: string | undefined,
      ): Promise<Page<CallData>> => {
        const page = await ctx.gong.callsExtensive({
          cursor,
          filter: {
            fromDateTime: w.from,
            toDateTime: w.to,
            workspaceId,
            callIds: ids,
            primaryUserIds,
          },
          ...(plan.selector ? { contentSelector: plan.selector } : {}),
        });
        primeCalls(ctx, info, page.items);
        return check(page);
      };
      // Basic pages carry metaData only: sections (should a later page select them) come through the by-id loader.
      const toNode =
        (fixed: Record<string, string>) =>
        (call: CallData): CallParent => ({
          call,
          sections: fixed.k === 'basic' ? plan.basicOnly : true,
        });

      const read = (fixed: Record<string, string>) => {
        const fetchWindow = fixed.k === 'basic' ? fetchBasic : fetchExtensive;
        if (desc)
          return readNewestFirst<CallData, CallParent>({
            first,
            after: descAfter,
            fixed,
            keep,
            fetchPage: fetchWindow,
            toNode: toNode(fixed),
          });
        return readConnection<CallData, CallParent>({
          first,
          after,
          fixed,
          keep,
          fetchPage: (cursor) => fetchWindow(fixed, cursor),
          toNode: toNode(fixed),
        });
      };
      if (window.k === 'basic') return read(window);
      try {
        return await read(window);
      } catch (e) {
        // Refused before any request: a basic-scope connection lists through GET /v2/calls (scheduled-time caveat).
        const basicFallback = !after && !descAfter && plan.basicOnly && !ids && !primaryUserIds;
        if (
          basicFallback &&
          isGatewayError(e) &&
          e.code === 'FORBIDDEN' &&
          e.details?.scope === SCOPES.callsExtensive
        )
          return read({ ...window, k: 'basic' });
        throw e;
      }
    },
    gongCall: (_p, args, ctx, info) =>
      loadOneCall(ctx, info, gongId(args.id, 'id'), args.includePrivate === true),
    gongCallsByIds: (_p, args, ctx, info) =>
      Promise.all(
        gongIds(args.ids, 'ids').map((id) => loadCall(ctx, info, id, args.includePrivate === true)),
      ),
  },
};
