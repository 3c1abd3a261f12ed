/**
 * RSA keys for tests, made once per run by the global setup (./global-setup.ts) and handed to
 * every worker: a new 2048-bit key costs ~0.2 s of CPU, and a run used to make 25 of them.
 * The first signs every test sandbox's webhooks; the others go to tests that need a key of their
 * own (one a gateway must refuse, another tenant's). A process vitest did not start (a helper a
 * test forks, such as test/security/heap-gateway.ts) makes its own, as it needs them.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { inject } from 'vitest';

let provided: string[] | null | undefined;
/** The run's keys as PEM, or null outside vitest's workers (where `inject` has no run to ask). */
function runKeys(): string[] | null {
  if (provided !== undefined) return provided;
  try {
    provided = inject('testRsaKeys');
  } catch {
    provided = null;
  }
  return provided;
}

const made: KeyObject[] = [];
const key = (i: number): KeyObject => {
  const pems = runKeys();
  return (made[i] ??= pems
    ? createPrivateKey(pems[i]!)
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
};

/** The key every test sandbox signs its webhooks with. */
export function testWebhookSigningKey(): KeyObject {
  return key(0);
}

let next = 0;

/**
 * A key that is not the sandboxes' signing key. Successive calls give different keys (as many in
 * a row as the run has keys besides the signing key: four), so a test asking twice gets two that
 * do not verify each other's signatures.
 */
export function otherTestRsaKey(): KeyObject {
  const others = (runKeys()?.length ?? Infinity) - 1;
  return key(1 + (next++ % others));
}
