/**
 * A client JWT as the gateway accepts them (GATEWAY_JWT_SECRET): HS256 over `claims`, expiring
 * `exp` from now (a jose time span such as '5m', or seconds, negative for one already expired).
 * Tests of the token's own shape (other algorithms, no exp, a subject) build theirs by hand.
 */
import { SignJWT, type JWTPayload } from 'jose';

export function clientJwt(
  secret: string,
  claims: JWTPayload,
  exp: string | number = '5m',
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(typeof exp === 'number' ? Math.floor(Date.now() / 1000) + exp : exp)
    .sign(new TextEncoder().encode(secret));
}
