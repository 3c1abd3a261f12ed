/**
 * The access-key connection (`default`): one Gong company reached with Basic auth built from
 * GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET (or the sandbox's keys). Access keys are not
 * scope-checked by Gong, hence `scopes: null`.
 */
import { ErrorCode, GatewayError } from '../errors.js';
import type { Connection, ConnectionRegistry } from './types.js';

export interface AccessKeyRegistryOptions {
  /** @default 'default' */
  ref?: string;
  baseUrl: string;
  accessKey: string;
  accessKeySecret: string;
}

export function createAccessKeyRegistry(opts: AccessKeyRegistryOptions): ConnectionRegistry {
  const ref = opts.ref ?? 'default';
  if (!/^https?:\/\//.test(opts.baseUrl))
    throw new TypeError(`baseUrl must be an http(s) URL, but got: ${JSON.stringify(opts.baseUrl)}`);
  if (opts.accessKey === '' || opts.accessKeySecret === '')
    throw new TypeError('accessKey and accessKeySecret must be non-empty');
  const at = new Date().toISOString();
  const connection: Connection = {
    ref,
    authKind: 'ACCESS_KEY',
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    scopes: null,
    status: 'ACTIVE',
    createdAt: at,
    updatedAt: at,
  };
  const header = `Basic ${Buffer.from(`${opts.accessKey}:${opts.accessKeySecret}`).toString('base64')}`;
  return {
    get: (r) => Promise.resolve(r === ref ? { ...connection } : null),
    list: () => Promise.resolve([{ ...connection }]),
    authorization(r) {
      if (r !== ref)
        return Promise.reject(
          new GatewayError(
            ErrorCode.NOT_FOUND,
            `No Gong connection with ref ${JSON.stringify(r)}`,
            { connectionRef: r },
          ),
        );
      // A refresh cannot help an access key; the caller maps the second 401 to UNAUTHENTICATED.
      return Promise.resolve(header);
    },
  };
}
