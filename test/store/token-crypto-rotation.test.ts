import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCrypto, keyIdOf, tokenCryptoFromConfig } from '../../src/store/crypto.js';
import { isGatewayError } from '../../src/errors.js';

describe('token crypto (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips and never repeats a ciphertext (random IV)', () => {
    const c = createTokenCrypto({ key });
    const a = c.seal('secret-token', 'conn-a');
    const b = c.seal('secret-token', 'conn-a');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret-token');
    expect(a.split('.')[0]).toBe('v1');
    expect(a.split('.')[1]).toBe(keyIdOf(key));
    expect(Buffer.from(a.split('.')[2]!, 'base64url')).toHaveLength(12);
    expect(c.open(a, 'conn-a')).toBe('secret-token');
  });

  it('refuses a value moved to another record (context bound as AAD) or tampered with', () => {
    const c = createTokenCrypto({ key });
    const sealed = c.seal('secret-token', 'conn-a');
    expect(() => c.open(sealed, 'conn-b')).toThrow(/authentication failed/);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => c.open(parts.join('.'), 'conn-a')).toThrow(/authentication failed/);
  });

  it('opens values sealed under the previous key after a rotation, and seals new writes with the new key', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = createTokenCrypto({ key: oldKey });
    const sealedOld = before.seal('refresh-token', 'conn-a');

    const during = createTokenCrypto({ key: newKey, previousKeys: [oldKey] });
    expect(during.open(sealedOld, 'conn-a')).toBe('refresh-token');
    expect(during.isStale(sealedOld)).toBe(true);
    const sealedNew = during.seal('refresh-token', 'conn-a');
    expect(during.isStale(sealedNew)).toBe(false);
    expect(sealedNew.split('.')[1]).toBe(keyIdOf(newKey));

    const after = createTokenCrypto({ key: newKey });
    expect(after.open(sealedNew, 'conn-a')).toBe('refresh-token');
    let err: unknown;
    try {
      after.open(sealedOld, 'conn-a');
    } catch (e) {
      err = e;
    }
    expect(isGatewayError(err) && err.message).toMatch(
      new RegExp(`sealed under key ${keyIdOf(oldKey)}`),
    );
  });

  it('reads keys from config as hex or base64, and makes a random key when none is set', () => {
    const hex = randomBytes(32);
    const prev = randomBytes(32);
    const c = tokenCryptoFromConfig({
      TOKEN_ENCRYPTION_KEY: hex.toString('hex'),
      TOKEN_ENCRYPTION_KEY_PREVIOUS: prev.toString('base64'),
    });
    expect(c.keyId).toBe(keyIdOf(hex));
    expect(c.open(createTokenCrypto({ key: prev }).seal('x', 'r'), 'r')).toBe('x');
    const r1 = tokenCryptoFromConfig({});
    const r2 = tokenCryptoFromConfig({});
    expect(r1.keyId).not.toBe(r2.keyId);
    expect(r1.open(r1.seal('y', 'r'), 'r')).toBe('y');
  });
});
