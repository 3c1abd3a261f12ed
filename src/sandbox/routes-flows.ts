/** GET /v2/workspaces and GET /v2/flows (docs/gong-contract.md §2 Workspaces, Flows). Internal to the sandbox. */
import { SCOPES, type Flow } from '../gong/wire.js';
import { badRequest, ok, pagedRead, queryInputs, type ApiRoute } from './api.js';
import { formatDate } from './dates.js';

export const flowRoutes: ApiRoute[] = [
  {
    method: 'GET',
    pattern: /^\/v2\/workspaces$/,
    label: 'GET /v2/workspaces',
    scopes: () => [SCOPES.workspacesRead],
    // No paging and no `records`: Gong returns every workspace at once.
    handle: (_req, ctx) => ok({ workspaces: ctx.tenant.workspaces }),
  },
  {
    method: 'GET',
    pattern: /^\/v2\/flows$/,
    label: 'GET /v2/flows',
    scopes: () => [SCOPES.flowsRead],
    handle(req, ctx) {
      const email = req.query.get('flowOwnerEmail');
      if (email === null || email.trim() === '')
        throw badRequest('flowOwnerEmail: must not be null');
      const owner = ctx.tenant.userByEmail(email.trim());
      // Messages for these three cases are our inference: Gong answers 400 but its wording is unknown.
      if (!owner || owner.role === 'avatar')
        throw badRequest(`flowOwnerEmail: no Gong user with email '${email}'`);
      if (!owner.meta.active) throw badRequest(`flowOwnerEmail: user '${email}' is not active`);
      if (!owner.engageLicensed)
        throw badRequest(`flowOwnerEmail: user '${email}' does not have a Gong Engage license`);
      const workspaceId = req.query.get('workspaceId');
      const ownerId = owner.meta.id;
      const page = pagedRead(
        ctx,
        this.label,
        req.query.get('cursor') ?? undefined,
        queryInputs(req.query),
        () =>
          ctx.tenant.flows.flatMap((f): Flow[] => {
            if (workspaceId !== null && f.workspaceId !== workspaceId) return [];
            const visibility =
              f.kind === 'Company'
                ? 'Company'
                : f.ownerId === ownerId
                  ? 'Personal'
                  : f.sharedWith.includes(ownerId)
                    ? 'Shared'
                    : undefined;
            if (!visibility) return [];
            return [
              {
                id: f.id,
                name: f.name,
                folderId: f.folderId,
                folderName: f.folderName,
                visibility,
                creationDate: formatDate(f.creationMs, ctx.tenant.opts.utcOffset),
                exclusive: f.exclusive,
              },
            ];
          }),
      );
      return ok({ records: page.records, flows: page.items });
    },
  },
];
