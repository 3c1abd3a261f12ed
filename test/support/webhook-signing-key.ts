/**
 * One RSA key for every test sandbox's webhooks in this worker: a new 2048-bit key costs ~0.2 s of
 * CPU, and some 60 sandboxes sign webhooks in a run. Tests that need a key of their own (a
 * signature that must not verify) generate it themselves.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

let key: KeyObject | undefined;

export function testWebhookSigningKey(): KeyObject {
  key ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return key;
}
