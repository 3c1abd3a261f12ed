/**
 * GET /v2/calls, GET /v2/calls/{id}, POST /v2/calls/extensive (docs/gong-contract.md §2 Calls). An empty
 * result is a 404 with Gong's "No calls found" message, never an empty 200. Internal.
 */
import { CallsExtensiveRequest, SCOPES } from '../gong/wire.js';
import {
  badRequest,
  checkRange,
  dateParam,
  filterWindow,
  gongError,
  inRange,
  jsonObject,
  ok,
  pagedRead,
  queryInputs,
  validate,
  type ApiRoute,
} from './api.js';
import { selectCall } from './call-view.js';
import { callNotFound, NO_CALLS_FOUND } from './gong-answers.js';
import type { StoredCall } from './seed-calls.js';
import { omit } from '../util/omit.js';

const byListKey = (a: StoredCall, b: StoredCall) =>
  a.listKeyMs - b.listKeyMs || a.id.localeCompare(b.id);
const byStart = (a: StoredCall, b: StoredCall) =>
  a.startedMs - b.startedMs || a.id.localeCompare(b.id);

function requiredQuery(query: URLSearchParams, name: string): string {
  const v = query.get(name);
  if (v === null || v === '') throw badRequest(`${name}: must not be null`);
  return v;
}

/** `contentSelector.exposedFields.media: true` also needs the media-url scope. */
function wantsMedia(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const cs: unknown = (json as { contentSelector?: unknown }).contentSelector;
  const ef: unknown =
    typeof cs === 'object' && cs !== null
      ? (cs as { exposedFields?: unknown }).exposedFields
      : undefined;
  return typeof ef === 'object' && ef !== null && (ef as { media?: unknown }).media === true;
}

export const callReadRoutes: ApiRoute[] = [
  {
    method: 'GET',
    pattern: /^\/v2\/calls$/,
    label: 'GET /v2/calls',
    scopes: () => [SCOPES.callsBasic],
    handle(req, ctx) {
      const from = dateParam('fromDateTime', requiredQuery(req.query, 'fromDateTime'));
      const to = dateParam('toDateTime', requiredQuery(req.query, 'toDateTime'));
      checkRange(from, to);
      const workspaceId = req.query.get('workspaceId');
      // Scheduled time for Gong-recorded web conferences, actual start otherwise (listKeyMs).
      const page = pagedRead(
        ctx,
        this.label,
        req.query.get('cursor') ?? undefined,
        queryInputs(req.query),
        (snapshot) =>
          ctx.tenant
            .visibleCalls(snapshot)
            .filter(
              (c) =>
                inRange(c.listKeyMs, from, to) &&
                (workspaceId === null || c.meta.workspaceId === workspaceId),
            )
            .sort(byListKey)
            .map((c) => c.meta),
      );
      if (page.records.totalRecords === 0) throw gongError(404, NO_CALLS_FOUND);
      return ok({ records: page.records, calls: page.items });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\/calls\/(?<id>[^/]+)$/,
    label: 'GET /v2/calls/{id}',
    scopes: () => [SCOPES.callsBasic],
    handle(_req, ctx, params) {
      const call = ctx.tenant.callById(params.id ?? '');
      if (!call || call.visibleAt === undefined || call.visibleAt > ctx.now)
        throw gongError(404, callNotFound(params.id ?? ''));
      return ok({ call: call.meta });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v2\/calls\/extensive$/,
    label: 'POST /v2/calls/extensive',
    scopes: (req) =>
      wantsMedia(req.json)
        ? [SCOPES.callsExtensive, SCOPES.callsMediaUrl]
        : [SCOPES.callsExtensive],
    handle(req, ctx) {
      const body = validate(CallsExtensiveRequest, jsonObject(req));
      // Spec: contextTiming "can be provided only when the context field is set to 'Extended'".
      if (
        body.contentSelector?.contextTiming !== undefined &&
        body.contentSelector.context !== 'Extended'
      )
        throw badRequest(
          "contentSelector.contextTiming: can be provided only when contentSelector.context is 'Extended'",
        );
      const f = body.filter;
      const { from, to } = filterWindow(f);
      const ids = f.callIds ? new Set(f.callIds) : undefined;
      const primaries = f.primaryUserIds ? new Set(f.primaryUserIds) : undefined;
      const inputs = omit(body, 'cursor');
      // The extensive endpoint filters on the actual start time.
      const page = pagedRead(ctx, this.label, body.cursor, inputs, (snapshot) =>
        ctx.tenant
          .visibleCalls(snapshot)
          .filter(
            (c) =>
              inRange(c.startedMs, from, to) &&
              (!ids || ids.has(c.id)) &&
              (!primaries || primaries.has(c.meta.primaryUserId ?? '')) &&
              (f.workspaceId === undefined || c.meta.workspaceId === f.workspaceId),
          )
          .sort(byStart),
      );
      if (page.records.totalRecords === 0) throw gongError(404, NO_CALLS_FOUND);
      const view = { now: ctx.now, mediaOrigin: ctx.mediaOrigin };
      return ok({
        records: page.records,
        calls: page.items.map((c) => selectCall(c, body.contentSelector, view)),
      });
    },
  },
];
