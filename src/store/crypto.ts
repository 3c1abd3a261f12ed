/**
 * Encryption of secrets at rest (OAuth tokens): AES-256-GCM with a random 96-bit IV per value.
 * A sealed value reads `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts); the key id (first
 * 8 hex chars of SHA-256 of the key) says which key sealed it, so during a rotation values
 * written under TOKEN_ENCRYPTION_KEY_PREVIOUS still open while new writes use the current key.
 * See docs/security.md for the rotation procedure.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { decodeKey } from '../config/config.js';
import { ErrorCode, GatewayError } from '../errors.js';

const VERSION = 'v1';
const IV_BYTES = 12;
/** GCM accepts tags cut down to 4 bytes, which makes forgeries cheap: only full tags open. */
const TAG_BYTES = 16;

export interface TokenCrypto {
  /** Id of the key new values are sealed with. */
  readonly keyId: string;
  /**
   * Seals `plaintext`. `context` (e.g. the connection ref) is bound as GCM additional data, so a
   * sealed value copied to another record does not open there.
   */
  seal(plaintext: string, context: string): string;
  /** Opens a sealed value; throws when it was tampered with, or sealed under an unknown key. */
  open(sealed: string, context: string): string;
  /** Whether a sealed value was written under a key other than the current one. */
  isStale(sealed: string): boolean;
}

export const keyIdOf = (key: Buffer): string =>
  createHash('sha256').update(key).digest('hex').slice(0, 8);

function checkKey(key: Buffer, what: string): void {
  if (key.length !== 32)
    throw new TypeError(`${what} must be 32 bytes for AES-256-GCM, got ${key.length}`);
}

export function createTokenCrypto(opts: { key: Buffer; previousKeys?: Buffer[] }): TokenCrypto {
  checkKey(opts.key, 'key');
  const keys = new Map<string, Buffer>();
  const keyId = keyIdOf(opts.key);
  keys.set(keyId, opts.key);
  for (const [i, k] of (opts.previousKeys ?? []).entries()) {
    checkKey(k, `previousKeys[${i}]`);
    if (!keys.has(keyIdOf(k))) keys.set(keyIdOf(k), k);
  }

  const fail = (why: string) =>
    new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, `Cannot decrypt a stored secret: ${why}`);

  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', opts.key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        keyId,
        iv.toString('base64url'),
        body.toString('base64url'),
        tag.toString('base64url'),
      ].join('.');
    },
    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION)
        throw fail(`expected a ${VERSION} sealed value`);
      const [, id, iv, body, tag] = parts as [string, string, string, string, string];
      const key = keys.get(id);
      if (key === undefined) {
        throw fail(
          `it was sealed under key ${id}, which is neither TOKEN_ENCRYPTION_KEY nor TOKEN_ENCRYPTION_KEY_PREVIOUS`,
        );
      }
      const tagBytes = Buffer.from(tag, 'base64url');
      if (tagBytes.length !== TAG_BYTES)
        throw fail(`the authentication tag must be ${TAG_BYTES} bytes, got ${tagBytes.length}`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([
          decipher.update(Buffer.from(body, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch (cause) {
        throw new GatewayError(
          ErrorCode.INTERNAL_SERVER_ERROR,
          'Cannot decrypt a stored secret: authentication failed (tampered, or sealed for another record)',
          {},
          { cause },
        );
      }
    },
    isStale(sealed) {
      return sealed.split('.')[1] !== keyId;
    },
  };
}

/**
 * The crypto from TOKEN_ENCRYPTION_KEY(_PREVIOUS). Without a key (memory store only; config
 * requires one with REDIS_URL) a random per-process key is used: nothing survives a restart
 * anyway, and tokens are still never held in plaintext.
 */
export function tokenCryptoFromConfig(c: {
  TOKEN_ENCRYPTION_KEY?: string | undefined;
  TOKEN_ENCRYPTION_KEY_PREVIOUS?: string | undefined;
}): TokenCrypto {
  const decode = (name: string, v: string): Buffer => {
    const k = decodeKey(v);
    if (k === undefined)
      throw new TypeError(`${name}: expected 32 bytes as 64 hex chars or base64`);
    return k;
  };
  const key =
    c.TOKEN_ENCRYPTION_KEY !== undefined
      ? decode('TOKEN_ENCRYPTION_KEY', c.TOKEN_ENCRYPTION_KEY)
      : randomBytes(32);
  const previous =
    c.TOKEN_ENCRYPTION_KEY_PREVIOUS !== undefined
      ? [decode('TOKEN_ENCRYPTION_KEY_PREVIOUS', c.TOKEN_ENCRYPTION_KEY_PREVIOUS)]
      : [];
  return createTokenCrypto({ key, previousKeys: previous });
}
