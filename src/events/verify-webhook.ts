/**
 * Verification of Gong's signed-JWT webhook header (docs/gong-contract.md §4): RS256 against the
 * connection's public key, `webhook_url` equal to the URL that was called, `body_sha256` equal to
 * the hex SHA-256 of the raw body, and `exp` not passed. Pure: no I/O, and it never throws on
 * bad input; every refusal is a typed result so the HTTP edge can answer 401 with a reason.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { WebhookJwtClaims } from '../gong/wire.js';

export type WebhookRefusal =
  | 'missing-signature'
  | 'bad-signature'
  | 'expired'
  | 'claims-invalid'
  | 'url-mismatch'
  | 'body-mismatch';

export type WebhookVerification =
  | { ok: true; claims: { webhookUrl: string; bodySha256: string; exp: number } }
  | { ok: false; reason: WebhookRefusal; message: string };

export type ParsedKey = { ok: true; key: CryptoKey } | { ok: false; message: string };

/**
 * Parses a public key as Gong's UI shows it (bare base64 SPKI, whitespace allowed) or as PEM.
 * Never throws: a key that does not parse is `{ok: false}` with a message for the admin.
 */
export async function parseWebhookPublicKey(text: string): Promise<ParsedKey> {
  const trimmed = text.trim();
  let pem: string;
  if (trimmed.includes('-----BEGIN PUBLIC KEY-----')) pem = trimmed;
  else {
    const bare = trimmed.replace(/\s+/g, '');
    if (bare.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(bare)) {
      return {
        ok: false,
        message:
          'expected a bare base64 SPKI public key (as Gong shows it) or a PEM "BEGIN PUBLIC KEY" block',
      };
    }
    const lines = bare.match(/.{1,64}/g) ?? [];
    pem = `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----`;
  }
  try {
    return { ok: true, key: await importSPKI(pem, 'RS256') };
  } catch (e) {
    return {
      ok: false,
      message: `not an RSA SPKI public key (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}

/**
 * The form two webhook URLs are compared in: lowercase scheme and host (default port dropped),
 * the path without trailing slashes, and the query as given. Undefined when not an absolute URL.
 */
export function normaliseWebhookUrl(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return undefined;
  }
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.host.toLowerCase()}${path}${u.search}`;
}

const sha256Hex = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface VerifyWebhookInput {
  /** The Authorization header: a bare JWT (Gong) or `Bearer <jwt>`. */
  authorization: string | undefined;
  /** Exact bytes received. */
  rawBody: Uint8Array;
  /** The public URL this request was sent to (PUBLIC_URL + path). */
  expectedUrl: string;
  key: CryptoKey;
  /** Clock for `exp`. @default Date.now */
  now?: () => number;
}

const refuse = (reason: WebhookRefusal, message: string): WebhookVerification => ({
  ok: false,
  reason,
  message,
});

/** What can be checked before the body is read: everything but `body_sha256`. */
export type WebhookTokenInput = Omit<VerifyWebhookInput, 'rawBody'>;

/**
 * Verifies the signature, `exp` and `webhook_url` of a delivery's JWT, so a forged or missing
 * token is refused before a byte of the body is read. Never throws.
 */
export async function verifyWebhookToken(input: WebhookTokenInput): Promise<WebhookVerification> {
  const header = input.authorization?.trim() ?? '';
  const token = header.replace(/^Bearer\s+/i, '');
  if (token.length === 0)
    return refuse('missing-signature', "Authorization header with Gong's signed JWT is missing");

  let payload: unknown;
  try {
    const now = input.now ?? Date.now;
    const verified = await jwtVerify(token, input.key, {
      algorithms: ['RS256'],
      requiredClaims: ['exp'],
      currentDate: new Date(now()),
    });
    payload = verified.payload;
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired)
      return refuse('expired', 'the webhook signature has expired (exp is in the past)');
    if (e instanceof joseErrors.JWTClaimValidationFailed)
      return refuse('claims-invalid', `JWT claims invalid: ${e.message}`);
    return refuse(
      'bad-signature',
      "Authorization is not an RS256 JWT signed by this connection's Gong webhook key",
    );
  }

  const claims = WebhookJwtClaims.safeParse(payload);
  if (!claims.success)
    return refuse(
      'claims-invalid',
      'JWT must carry string webhook_url, string body_sha256 and numeric exp',
    );
  const { webhook_url: webhookUrl, body_sha256: bodySha256, exp } = claims.data;

  const expected = normaliseWebhookUrl(input.expectedUrl);
  const signed = normaliseWebhookUrl(webhookUrl);
  if (expected === undefined || signed === undefined || expected !== signed) {
    return refuse(
      'url-mismatch',
      `webhook_url ${JSON.stringify(webhookUrl)} is not this endpoint (${input.expectedUrl})`,
    );
  }
  return { ok: true, claims: { webhookUrl, bodySha256, exp } };
}

/** The last check, once the body is read: `body_sha256` is the hex SHA-256 of the exact bytes. */
export function verifyWebhookBody(
  verified: WebhookVerification,
  rawBody: Uint8Array,
): WebhookVerification {
  if (!verified.ok) return verified;
  if (!sameHex(verified.claims.bodySha256, sha256Hex(rawBody))) {
    return refuse('body-mismatch', 'body_sha256 does not match the SHA-256 of the body received');
  }
  return verified;
}

/** Verifies one delivery (token, then body). Never throws. */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<WebhookVerification> {
  return verifyWebhookBody(await verifyWebhookToken(input), input.rawBody);
}
