/** GET /v2/users, GET /v2/users/{id}, POST /v2/users/extensive (docs/gong-contract.md §2 Users). Internal. */
import { SCOPES, UsersExtensiveRequest } from '../gong/wire.js';
import {
  badRequest,
  checkRange,
  dateParam,
  gongError,
  inRange,
  jsonObject,
  ok,
  pagedRead,
  queryInputs,
  validate,
  type ApiRoute,
} from './api.js';
import { USER_NOT_FOUND, usersNotFound } from './gong-answers.js';
import { omit } from '../util/omit.js';

const usersScope = () => [SCOPES.usersRead];

function booleanParam(name: string, v: string | null): boolean {
  if (v === null || v === 'false') return false;
  if (v === 'true') return true;
  throw badRequest(`${name}: must be true or false, got '${v}'`);
}

export const userRoutes: ApiRoute[] = [
  {
    method: 'GET',
    pattern: /^\/v2\/users$/,
    label: 'GET /v2/users',
    scopes: usersScope,
    handle(req, ctx) {
      const includeAvatars = booleanParam('includeAvatars', req.query.get('includeAvatars'));
      const page = pagedRead(
        ctx,
        this.label,
        req.query.get('cursor') ?? undefined,
        queryInputs(req.query),
        () => ctx.tenant.listedUsers(includeAvatars).map((u) => u.meta),
      );
      return ok({ records: page.records, users: page.items });
    },
  },
  {
    method: 'GET',
    pattern: /^\/v2\/users\/(?<id>[^/]+)$/,
    label: 'GET /v2/users/{id}',
    scopes: usersScope,
    handle(_req, ctx, params) {
      const user = ctx.tenant.userById(params.id ?? '');
      if (!user) throw gongError(404, USER_NOT_FOUND);
      return ok({ user: user.meta });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v2\/users\/extensive$/,
    label: 'POST /v2/users/extensive',
    scopes: usersScope,
    handle(req, ctx) {
      const body = validate(UsersExtensiveRequest, jsonObject(req));
      const f = body.filter;
      const from =
        f.createdFromDateTime === undefined
          ? undefined
          : dateParam('filter.createdFromDateTime', f.createdFromDateTime);
      const to =
        f.createdToDateTime === undefined
          ? undefined
          : dateParam('filter.createdToDateTime', f.createdToDateTime);
      checkRange(from, to);
      const users = ctx.tenant.listedUsers(f.includeAvatars ?? false);
      if (f.userIds) {
        // Avatars (Gong staff) are left out unless includeAvatars: their ids are "not found" then.
        const known = new Set(users.map((u) => u.meta.id));
        const missing = f.userIds.filter((id) => !known.has(id));
        if (missing.length > 0) throw gongError(404, usersNotFound(missing));
      }
      const wanted = f.userIds ? new Set(f.userIds) : undefined;
      const inputs = omit(body, 'cursor');
      const page = pagedRead(ctx, this.label, body.cursor, inputs, () =>
        ctx.tenant.users
          .filter(
            (u) =>
              users.includes(u) &&
              (!wanted || wanted.has(u.meta.id)) &&
              inRange(u.createdMs, from, to),
          )
          .map((u) => u.meta),
      );
      return ok({ records: page.records, users: page.items });
    },
  },
];
