/**
 * The call-section table against the sandbox's /v2/calls/extensive (itself checked against Gong's
 * OpenAPI document in test/contract/): each section's flags bring back that section, in a flavour
 * that serves the need that asked for it, and no section that was not asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectorOf } from '../../src/cache/call-parts.js';
import type { CallData, ContentSelector } from '../../src/gong/wire.js';
import { CALL_SECTIONS, OCCURRENCES, PLAIN } from '../../src/gong/wire/call-sections.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { gong, sandbox } from '../sandbox/support.js';

let sb: Sandbox;
let ids: string[];

beforeAll(async () => {
  sb = await sandbox({ calls: 60 });
  ids = sb.control
    .allCalls()
    .slice(0, 20)
    .map((c) => c.metaData.id);
});
afterAll(() => sb.close());

async function extensive(selector: ContentSelector | undefined): Promise<CallData[]> {
  const r = await gong(sb, 'POST', '/v2/calls/extensive', {
    filter: { callIds: ids },
    ...(selector ? { contentSelector: selector } : {}),
  });
  expect(r.status).toBe(200);
  return (r.body as { calls: CallData[] }).calls;
}

const needs: [string, string][] = [
  ...CALL_SECTIONS.filter((s) => s.path !== 'context').map((s): [string, string] => [
    s.path,
    PLAIN,
  ]),
  ['content.trackers', OCCURRENCES],
  ['context', 'Basic:'],
  ['context', 'Extended:'],
];

describe('the call-section table', () => {
  it.each(needs)('asks for %s (%j) with flags that bring back it alone', async (path, flavour) => {
    const selector = selectorOf(new Map([[path, flavour]]));
    const calls = await extensive(selector);
    expect(calls.length).toBe(ids.length);
    for (const section of CALL_SECTIONS) {
      const carried = calls.map((c) => section.carried(c));
      if (section.path !== path) {
        // A section not asked for is absent (parties come with their calls' context only when asked).
        expect(carried.every((f) => f === undefined)).toBe(true);
        continue;
      }
      // Empty CRM context proves nothing; every call that has some carries what was asked.
      const answered = carried.filter((f) => f !== undefined);
      expect(answered.length).toBeGreaterThan(0);
      for (const f of answered) expect(section.serves(f ?? '', flavour)).toBe(true);
    }
  });

  it('serves plainer needs from richer flavours only', () => {
    const at = (path: string) => CALL_SECTIONS.find((s) => s.path === path)!;
    expect(at('content.trackers').serves(OCCURRENCES, PLAIN)).toBe(true);
    expect(at('content.trackers').serves(PLAIN, OCCURRENCES)).toBe(false);
    expect(at('context').serves('Extended:', 'Basic:')).toBe(true);
    expect(at('context').serves('Basic:', 'Extended:')).toBe(false);
    // Other timings hold other objects: never a Basic (Now) view.
    expect(at('context').serves('Extended:Now,TimeOfCall', 'Basic:')).toBe(false);
    expect(at('parties').serves('Extended:', PLAIN)).toBe(true);
    expect(at('parties').serves(PLAIN, 'Basic:')).toBe(false);
  });
});
