/**
 * How a cached call is split into parts: the parts a contentSelector asks for, the selector that
 * fetches a set of missing parts (Gong's flag names, its personInteractionStats quirk included),
 * which stored flavour serves which need, and what a delivery from elsewhere provably carries.
 */
import { describe, expect, it } from 'vitest';
import {
  carriedParts,
  mergeCall,
  missingParts,
  partsOf,
  selectorOf,
} from '../../src/cache/call-parts.js';
import type { CallData } from '../../src/gong/wire.js';

const ttl = { callMs: 60_000, mediaMs: 25_200_000 };
const meta = {
  id: '1',
  url: 'https://app.gong.io/call?id=1',
  started: '2026-11-30T10:00:00Z',
} as CallData['metaData'];

describe('call parts', () => {
  it('turns a selector into parts and the parts back into the same selector', () => {
    const selector = {
      context: 'Extended' as const,
      contextTiming: ['TimeOfCall' as const, 'Now' as const],
      exposedFields: {
        parties: true,
        content: { topics: true, trackers: true, trackerOccurrences: true },
        interaction: { personInteractionStats: true },
        collaboration: { publicComments: true },
        media: true,
      },
    };
    const parts = partsOf(selector);
    expect(Object.fromEntries(parts)).toEqual({
      context: 'Extended:Now,TimeOfCall',
      parties: 'Extended:Now,TimeOfCall',
      'content.topics': '',
      'content.trackers': 'occurrences',
      'interaction.interactionStats': '',
      'collaboration.publicComments': '',
      media: '',
    });
    expect(selectorOf(parts)).toEqual({ ...selector, contextTiming: ['Now', 'TimeOfCall'] });
    expect(selectorOf(new Map())).toBeUndefined();
  });

  it('serves plain needs from richer parts, never the other way round, and nothing once metaData expired', () => {
    const rich = mergeCall(
      undefined,
      { metaData: meta, parties: [], content: { trackers: [] } },
      partsOf({
        context: 'Basic',
        exposedFields: { parties: true, content: { trackerOccurrences: true } },
      }),
      0,
      ttl,
    );
    const plain = partsOf({ exposedFields: { parties: true, content: { trackers: true } } });
    expect(missingParts(rich, plain, 1_000).size).toBe(0);
    const poor = mergeCall(
      undefined,
      { metaData: meta, parties: [], content: { trackers: [] } },
      plain,
      0,
      ttl,
    );
    const needsContext = partsOf({ context: 'Basic', exposedFields: { parties: true } });
    expect(Object.fromEntries(missingParts(poor, needsContext, 1_000))).toEqual({
      context: 'Basic:',
      parties: 'Basic:',
    });
    expect(missingParts(poor, plain, 60_000).size).toBe(2);
  });

  it('keeps media URLs for less time than Gong keeps them valid, and merges new parts into the record', () => {
    const long = { callMs: 24 * 3_600_000, mediaMs: 7 * 3_600_000 };
    const first = mergeCall(
      undefined,
      { metaData: meta, media: { audioUrl: 'a' } },
      partsOf({ exposedFields: { media: true } }),
      0,
      long,
    );
    expect(first.parts.media?.[1]).toBe(7 * 3_600_000);
    const second = mergeCall(
      first,
      { metaData: meta, content: { topics: [{ name: 'Pricing' }] } },
      partsOf({ exposedFields: { content: { topics: true } } }),
      10,
      long,
    );
    expect(second.call).toEqual({
      media: { audioUrl: 'a' },
      content: { topics: [{ name: 'Pricing' }] },
    });
    expect(Object.keys(second.parts).sort()).toEqual(['content.topics', 'media']);
    expect(first.call).toEqual({ media: { audioUrl: 'a' } });
  });

  it('counts as carried only what a delivery holds completely', () => {
    const thin: CallData = {
      metaData: meta,
      context: [],
      parties: [{ id: 'p1' }],
      content: { topics: [], trackers: [{ id: 't', name: 'Pricing', count: 1 }], brief: undefined },
      interaction: { interactionStats: [] },
      collaboration: {},
    };
    expect(Object.fromEntries(carriedParts(thin))).toEqual({
      parties: '',
      'content.topics': '',
      'interaction.interactionStats': '',
    });
    const complete = {
      ...thin,
      content: { trackers: [{ id: 't', phrases: [], occurrences: [] }] },
      media: { audioUrl: 'a' },
    };
    expect(Object.fromEntries(carriedParts(complete))).toMatchObject({
      'content.trackers': 'occurrences',
      media: '',
    });
  });
});
