/**
 * GET /v2/settings/scorecards, GET /v2/settings/trackers, GET /v2/call-outcomes,
 * GET /v2/library/folders and GET /v2/library/folder-content: full reads without paging, as
 * Gong serves them. Call outcomes are newer than our copy of the spec: their envelope follows a
 * recorded live answer; their scope is unknown, so none is enforced. Internal to the sandbox.
 */
import { STATS_SCOPES } from '../gong/wire-stats.js';
import { badRequest, gongError, ok, type ApiRoute } from './api.js';
import { scorecardJson } from './seed-scorecards.js';

export const settingsLibraryRoutes: ApiRoute[] = [
  {
    method: 'GET',
    pattern: /^\/v2\/settings\/scorecards$/,
    label: 'GET /v2/settings/scorecards',
    scopes: () => [STATS_SCOPES.settingsScorecards],
    handle: (_req, ctx) => ok({ scorecards: ctx.insights.scorecards.map(scorecardJson) }),
  },
  {
    method: 'GET',
    pattern: /^\/v2\/settings\/trackers$/,
    label: 'GET /v2/settings/trackers',
    scopes: () => [STATS_SCOPES.settingsTrackers],
    handle(req, ctx) {
      // "When empty, all trackers in all workspaces are returned."
      const workspaceId = req.query.get('workspaceId');
      if (workspaceId && !ctx.tenant.workspaces.some((w) => w.id === workspaceId))
        throw gongError(404, 'Workspace not found');
      return ok({
        keywordTrackers: ctx.insights.trackers.filter(
          (t) => !workspaceId || t.workspaceId === workspaceId,
        ),
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\/call-outcomes$/,
    label: 'GET /v2/call-outcomes',
    scopes: () => [],
    handle: (_req, ctx) => ok({ outcomes: ctx.insights.callOutcomes }),
  },
  {
    method: 'GET',
    pattern: /^\/v2\/library\/folders$/,
    label: 'GET /v2/library/folders',
    scopes: () => [STATS_SCOPES.libraryRead],
    handle(req, ctx) {
      const workspaceId = req.query.get('workspaceId');
      // The spec's 404 for this endpoint; Gong's exact wording is not recorded.
      if (workspaceId && !ctx.tenant.workspaces.some((w) => w.id === workspaceId))
        throw gongError(404, 'No folders found for the specified period');
      return ok({
        folders: ctx.insights.folders
          .filter((f) => !workspaceId || f.workspaceId === workspaceId)
          .map((f) => f.folder),
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\/library\/folder-content$/,
    label: 'GET /v2/library/folder-content',
    scopes: () => [STATS_SCOPES.libraryRead],
    handle(req, ctx) {
      const folderId = req.query.get('folderId');
      if (folderId === null || folderId === '') throw badRequest('folderId: must not be null');
      const stored = ctx.insights.folders.find((f) => f.folder.id === folderId);
      // Inferred wording: Gong documents a 404 here but not its message.
      if (!stored) throw gongError(404, `Folder ${folderId} was not found`);
      const { id, name, createdBy, updated } = stored.folder;
      return ok({ id, name, createdBy, updated, calls: stored.calls });
    },
  },
];
