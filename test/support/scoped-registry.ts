/** A `default` connection with fewer scopes than an access key has, for the scope-aware reads. */
import type { ConnectionRegistry } from '../../src/connections/types.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { bearerToken } from '../sandbox/support.js';

export const BASIC_SCOPES = ['api:calls:read:basic', 'api:users:read'];

/** `default` as an OAuth connection holding a real sandbox token with `scopes`. */
export function scopedRegistry(sb: Sandbox, scopes: string[] = BASIC_SCOPES): ConnectionRegistry {
  const at = new Date().toISOString();
  const conn = {
    ref: 'default',
    authKind: 'OAUTH' as const,
    baseUrl: sb.tenantUrl,
    scopes,
    status: 'ACTIVE' as const,
    createdAt: at,
    updatedAt: at,
  };
  const token = bearerToken(sb, scopes);
  return {
    get: (ref) => Promise.resolve(ref === 'default' ? conn : null),
    list: () => Promise.resolve([conn]),
    authorization: async () => `Bearer ${(await token).access_token}`,
  };
}
