/**
 * Automation-rule webhooks: the delivered body and the signed JWT's claims.
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 */
import { z } from 'zod';
import { obj, opt } from './common.js';
import { CallData } from './calls.js';

/** Body of an automation-rule webhook delivery. */
export const WebhookPayload = obj({
  callData: CallData,
  isTest: opt(z.boolean()),
  isPrivate: opt(z.boolean()),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** Claims of the RS256 JWT Gong puts in a signed webhook's Authorization header. */
export const WebhookJwtClaims = obj({
  webhook_url: z.string(),
  body_sha256: z.string(),
  exp: z.number(),
});
