/**
 * How a connection is kept in the KeyValueStore: `conn:<ref>` holds a JSON record whose tokens
 * are one AES-256-GCM sealed blob bound to the ref and the base URL (../store/crypto.ts). Nothing
 * else about a connection is secret, so the rest stays readable for admin listings; but a base
 * URL rewritten in the store no longer opens the tokens, so it cannot send them to another host.
 */
import { z } from 'zod';
import { ErrorCode, GatewayError } from '../errors.js';
import type { TokenCrypto } from '../store/crypto.js';
import type { KeyValueStore } from '../store/types.js';
import type { Connection } from './types.js';
import { omit } from '../util/omit.js';

export const CONNECTION_KEY_PREFIX = 'conn:';
export const connectionKey = (ref: string) => `${CONNECTION_KEY_PREFIX}${ref}`;
export const refreshLockKey = (ref: string) => `lock:refresh:${ref}`;

/** The plaintext inside the sealed blob. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken?: string;
  /** ms since epoch; undefined when Gong gave no expires_in. */
  expiresAt?: number;
}

export interface StoredConnection extends Connection {
  /** Sealed OAuthTokens; absent for access keys and after a disconnect. */
  sealedTokens?: string;
}

const Record = z.object({
  ref: z.string(),
  authKind: z.enum(['ACCESS_KEY', 'OAUTH']),
  baseUrl: z.string(),
  scopes: z.array(z.string()).nullable(),
  status: z.enum(['ACTIVE', 'RECONNECT_REQUIRED', 'REVOKED']),
  createdAt: z.string(),
  updatedAt: z.string(),
  sealedTokens: z.string().optional(),
});

const Tokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string().optional(),
  expiresAt: z.number().optional(),
});

/** Sealed before the base URL was bound: opened with the ref alone until the next refresh re-seals it. */
const legacyContext = (ref: string) => `gong-connection:${ref}`;
const tokenContext = (ref: string, baseUrl: string) =>
  `gong-connection:${ref}\nbase-url:${baseUrl}`;

export interface ConnectionRecords {
  read(ref: string): Promise<StoredConnection | null>;
  write(rec: StoredConnection): Promise<void>;
  refs(): Promise<string[]>;
  openTokens(rec: StoredConnection): OAuthTokens | undefined;
  sealTokens(ref: string, baseUrl: string, tokens: OAuthTokens): string;
}

export function createConnectionRecords(
  store: KeyValueStore,
  crypto: TokenCrypto,
): ConnectionRecords {
  return {
    async read(ref) {
      const raw = await store.get(connectionKey(ref));
      if (raw === null) return null;
      const parsed = Record.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        throw new GatewayError(
          ErrorCode.INTERNAL_SERVER_ERROR,
          `Stored connection '${ref}' does not match the record shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        );
      }
      return parsed.data;
    },
    async write(rec) {
      await store.set(connectionKey(rec.ref), JSON.stringify(rec));
    },
    async refs() {
      return (await store.keys(CONNECTION_KEY_PREFIX)).map((k) =>
        k.slice(CONNECTION_KEY_PREFIX.length),
      );
    },
    openTokens(rec) {
      if (rec.sealedTokens === undefined) return undefined;
      let plain: string;
      try {
        plain = crypto.open(rec.sealedTokens, tokenContext(rec.ref, rec.baseUrl));
      } catch (e) {
        // A blob sealed with the base URL never opens under the ref alone, so this is no downgrade.
        try {
          plain = crypto.open(rec.sealedTokens, legacyContext(rec.ref));
        } catch {
          throw e;
        }
      }
      return Tokens.parse(JSON.parse(plain));
    },
    sealTokens(ref, baseUrl, tokens) {
      return crypto.seal(JSON.stringify(tokens), tokenContext(ref, baseUrl));
    },
  };
}

/** The public view of a record: never the sealed tokens. */
export function publicConnection(rec: StoredConnection): Connection {
  return omit(rec, 'sealedTokens');
}
