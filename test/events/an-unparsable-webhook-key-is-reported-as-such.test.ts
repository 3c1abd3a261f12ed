/**
 * A connection whose configured webhook public key does not parse (a paste error in
 * GONG_WEBHOOK_PUBLIC_KEY) is told apart from one with no key: the refusal is logged as "does not
 * parse" with the parser's reason, never as "not set", so the operator fixes the right thing.
 * Gong still gets the same 401 as for any bad signature.
 */
import { describe, expect, it } from 'vitest';
import { createDeadLetters } from '../../src/events/dead-letters.js';
import { createMemoryEventLog } from '../../src/events/memory-event-log.js';
import { createWebhookIntake } from '../../src/events/webhook-intake.js';
import { createWebhookKeys } from '../../src/events/webhook-keys.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { captureLogs } from '../support/log-capture.js';

function intakeWith(defaultKey: string | undefined) {
  const logs = captureLogs();
  const store = createMemoryStore();
  const intake = createWebhookIntake({
    keys: createWebhookKeys({ store, defaultKey }),
    connectionExists: (ref) => Promise.resolve(ref === 'default'),
    log: createMemoryEventLog({ maxEvents: 10 }),
    deadLetters: createDeadLetters({ store }),
    logger: createLogger({ level: 'info', destination: logs.stream }),
    now: Date.now,
  });
  return {
    intake,
    warnings: () =>
      logs
        .lines()
        .filter((l) => l.level === 40)
        .map((l) => String(l.msg)),
  };
}

describe('the webhook public key of a connection', () => {
  it('is reported as not parsing when the configured text is not a public key', async () => {
    const { intake, warnings } = intakeWith('this is not a key');
    const checked = await intake.checkToken(
      'default',
      'Bearer x.y.z',
      'http://gw/webhooks/gong/default',
    );
    expect(checked).toEqual({ ok: false, why: 'unparsable-key' });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/does not parse/);
    expect(warnings()[0]).not.toMatch(/without a public key/);
  });

  it('is reported as missing when none is configured', async () => {
    const { intake, warnings } = intakeWith(undefined);
    const checked = await intake.checkToken(
      'default',
      'Bearer x.y.z',
      'http://gw/webhooks/gong/default',
    );
    expect(checked).toEqual({ ok: false, why: 'unknown-connection' });
    expect(warnings()).toEqual([expect.stringMatching(/without a public key/)]);
  });
});
