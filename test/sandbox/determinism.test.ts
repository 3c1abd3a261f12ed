import { describe, expect, it } from 'vitest';
import { Tenant } from '../../src/sandbox/tenant.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { omit } from '../../src/util/omit.js';

const opts = (seed: number) => ({
  seed,
  users: 30,
  calls: 300,
  days: 30,
  anchorMs: Date.UTC(2025, 5, 1),
  utcOffset: '-07:00',
  appUrl: 'https://us-1.app.gong.io',
});
const snapshot = (t: Tenant) =>
  JSON.stringify({
    users: t.users,
    flows: t.flows,
    ws: t.workspaces,
    calls: t.allCalls(),
    tr: t
      .allCalls()
      .slice(0, 20)
      .map((c) => t.transcriptOf(c)),
  });

describe('seeded tenant', () => {
  it('is the same for the same seed and anchor, and differs for another seed', () => {
    expect(snapshot(new Tenant(opts(7)))).toBe(snapshot(new Tenant(opts(7))));
    expect(snapshot(new Tenant(opts(7)))).not.toBe(snapshot(new Tenant(opts(8))));
  });

  it('puts every seeded call in the `days` before the anchor, with real users as internal parties', () => {
    const t = new Tenant(opts(3));
    const ids = new Set(t.users.map((u) => u.meta.id));
    const from = Date.UTC(2025, 5, 1) - 30 * 86_400_000;
    for (const c of t.allCalls()) {
      expect(c.startedMs).toBeGreaterThanOrEqual(from);
      expect(c.startedMs).toBeLessThan(Date.UTC(2025, 5, 1));
      for (const p of c.parties) {
        if (p.affiliation === 'Internal') expect(ids.has(p.userId ?? '')).toBe(true);
        else expect(p).not.toHaveProperty('userId');
      }
      expect(
        c.parties.some((p) => p.speakerId === null) ||
          c.parties.every((p) => typeof p.speakerId === 'string'),
      ).toBe(true);
    }
    expect(t.allCalls().some((c) => c.parties.some((p) => p.speakerId === null))).toBe(true);
  });

  it('gives two sandboxes with the same seed and anchor the same calls through control.allCalls()', async () => {
    const a = await startSandbox({
      seed: 11,
      calls: 50,
      anchor: Date.UTC(2025, 0, 1),
      rateLimit: false,
    });
    const b = await startSandbox({
      seed: 11,
      calls: 50,
      anchor: Date.UTC(2025, 0, 1),
      rateLimit: false,
    });
    try {
      const strip = (s: typeof a) => s.control.allCalls().map((c) => omit(c, 'media'));
      expect(strip(a)).toEqual(strip(b));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
