/**
 * POST /v2/calls/transcript (docs/gong-contract.md §2 Transcripts): by callIds and/or start-time range
 * (both: the intersection). A call whose transcript is still processing is absent. Internal.
 */
import { SCOPES, TranscriptsRequest } from '../gong/wire.js';
import {
  filterWindow,
  gongError,
  inRange,
  jsonObject,
  ok,
  pagedRead,
  validate,
  type ApiRoute,
} from './api.js';
import { NO_CALLS_FOUND } from './gong-answers.js';
import { omit } from '../util/omit.js';

export const transcriptRoutes: ApiRoute[] = [
  {
    method: 'POST',
    pattern: /^\/v2\/calls\/transcript$/,
    label: 'POST /v2/calls/transcript',
    scopes: () => [SCOPES.transcripts],
    handle(req, ctx) {
      const body = validate(TranscriptsRequest, jsonObject(req));
      const f = body.filter;
      const { from, to } = filterWindow(f);
      const ids = f.callIds ? new Set(f.callIds) : undefined;
      const inputs = omit(body, 'cursor');
      const page = pagedRead(ctx, this.label, body.cursor, inputs, (snapshot) =>
        ctx.tenant
          .visibleCalls(snapshot)
          .filter(
            (c) =>
              ctx.tenant.transcriptAvailable(c, snapshot) &&
              inRange(c.startedMs, from, to) &&
              (!ids || ids.has(c.id)) &&
              (f.workspaceId === undefined || c.meta.workspaceId === f.workspaceId),
          )
          .sort((a, b) => a.startedMs - b.startedMs || a.id.localeCompare(b.id)),
      );
      if (page.records.totalRecords === 0) throw gongError(404, NO_CALLS_FOUND);
      return ok({
        records: page.records,
        callTranscripts: page.items.map((c) => ctx.tenant.transcriptOf(c)),
      });
    },
  },
];
