/**
 * Call root fields. Lists use GET /v2/calls when the operation selects only CallBasicData (and
 * the filter needs nothing GET /v2/calls lacks), else POST /v2/calls/extensive with the
 * operation's contentSelector. Private calls are left out unless `includePrivate: true`.
 */
import type { Resolvers } from '../../generated/resolvers-types.js';
import type { CallData } from '../../gong/wire.js';
import { checkFirst, decodeCursor } from '../cursor.js';
import { readConnection } from '../paging.js';
import type { CallParent } from '../parents.js';
import { loadCall, loadOneCall, planOf, primeCalls } from './call-plan.js';
import { dateWindow, gongId, gongIds } from './ids.js';

export const callResolvers: Resolvers = {
  Query: {
    gongCalls: async (_p, args, ctx, info) => {
      const first = checkFirst(args.first);
      const after = decodeCursor(args.after);
      const f = args.filter ?? {};
      const includePrivate = f.includePrivate === true;
      const ids = f.ids ? gongIds(f.ids, 'filter.ids') : undefined;
      const primaryUserIds = f.primaryUserIds ? gongIds(f.primaryUserIds, 'filter.primaryUserIds') : undefined;
      const workspaceId = f.workspaceId ? gongId(f.workspaceId, 'filter.workspaceId') : undefined;
      const plan = planOf(ctx, info);
      const { now, syncStartDays } = ctx.settings;

      // The window and endpoint are fixed by the first page: Gong's cursor is only valid for the same request.
      const fixed = after?.w ?? {
        ...(ids && !f.from && !f.to ? {} : dateWindow(f.from, f.to, now(), syncStartDays)),
        k: plan.basicOnly && !ids && !primaryUserIds ? 'basic' : 'extensive',
      };
      const keep = (c: CallData) => includePrivate || c.metaData.isPrivate !== true;

      if (fixed.k === 'basic') {
        return readConnection<CallData, CallParent>({
          first, after, fixed, keep,
          fetchPage: async (cursor) => {
            const page = await ctx.gong.listCalls({ fromDateTime: fixed.from ?? '', toDateTime: fixed.to ?? '', workspaceId, cursor });
            return { ...page, items: page.items.map((metaData) => ({ metaData })) };
          },
          // Sections (should a later page select them) come through the by-id loader.
          toNode: (call) => ({ call, sections: plan.basicOnly }),
        });
      }
      return readConnection<CallData, CallParent>({
        first, after, fixed, keep,
        fetchPage: async (cursor) => {
          const page = await ctx.gong.callsExtensive({
            cursor,
            filter: { fromDateTime: fixed.from, toDateTime: fixed.to, workspaceId, callIds: ids, primaryUserIds },
            ...(plan.selector ? { contentSelector: plan.selector } : {}),
          });
          primeCalls(ctx, info, page.items);
          return page;
        },
        toNode: (call) => ({ call, sections: true }),
      });
    },
    gongCall: (_p, args, ctx, info) => loadOneCall(ctx, info, gongId(args.id, 'id'), args.includePrivate === true),
    gongCallsByIds: (_p, args, ctx, info) =>
      Promise.all(gongIds(args.ids, 'ids').map((id) => loadCall(ctx, info, id, args.includePrivate === true))),
  },
};
