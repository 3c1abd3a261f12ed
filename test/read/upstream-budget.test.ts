/**
 * Ask Gong only for what the query selects, and batch every link: 100 calls with workspace,
 * primary user and manager, party users and transcripts cost at most 5 distinct upstream requests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sandbox: { users: 50, calls: 400 } });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const signature = (e: {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}) => `${e.method} ${e.path} ${JSON.stringify(e.query)} ${JSON.stringify(e.body ?? null)}`;

describe('upstream budget', () => {
  it('100 calls with workspace, primaryUser { manager }, parties { user } and transcripts cost ≤ 5 distinct requests', async () => {
    const r = await h.gql<{
      gongCalls: {
        nodes: {
          id: string;
          workspace: { name: string };
          primaryUser: { id: string; manager: { id: string } | null };
          parties: { user: { id: string } | null }[];
          transcript: { monologues: { sentences: { text: string }[] }[] } | null;
        }[];
      };
    }>(`{
      gongCalls(first: 100, filter: { includePrivate: true }) {
        nodes {
          id title
          workspace { id name }
          primaryUser { id firstName manager { id emailAddress } }
          parties { name user { id emailAddress } }
          transcript { monologues { speakerId sentences { start end text } } }
        }
      }
    }`);
    expect(r.errors).toBeUndefined();
    const nodes = r.data?.gongCalls.nodes ?? [];
    expect(nodes).toHaveLength(100);
    expect(nodes.every((n) => n.workspace && n.primaryUser)).toBe(true);
    expect(nodes.some((n) => n.primaryUser.manager !== null)).toBe(true);
    expect(nodes.some((n) => n.parties.some((p) => p.user !== null))).toBe(true);
    expect(nodes.filter((n) => n.transcript !== null).length).toBeGreaterThan(50);

    const log = h.upstream();
    expect(log.length).toBeLessThanOrEqual(5);
    expect(new Set(log.map(signature)).size).toBe(log.length);
    expect(log.filter((e) => e.path === '/v2/users/extensive').length).toBeLessThanOrEqual(2);
    expect(log.filter((e) => e.path === '/v2/calls/transcript')).toHaveLength(1);
  });

  it('basic fields only: one /v2/calls/extensive request without a contentSelector (start-time window, same cost as GET /v2/calls)', async () => {
    const r = await h.gql(
      '{ gongCalls(first: 5) { nodes { id title started primaryUserId workspaceId isPrivate } } }',
    );
    expect(r.errors).toBeUndefined();
    const log = h.upstream();
    expect(log.map((e) => e.endpoint)).toEqual(['POST /v2/calls/extensive']);
    expect((log[0]?.body as { contentSelector?: unknown }).contentSelector).toBeUndefined();
  });

  it('selecting parties asks /v2/calls/extensive for parties and nothing else', async () => {
    const r = await h.gql('{ gongCalls(first: 5) { nodes { id parties { name speakerId } } } }');
    expect(r.errors).toBeUndefined();
    const log = h.upstream();
    expect(log.map((e) => e.endpoint)).toEqual(['POST /v2/calls/extensive']);
    expect((log[0]?.body as { contentSelector: unknown }).contentSelector).toEqual({
      exposedFields: { parties: true },
    });
  });

  it('builds the contentSelector from the whole operation, fragments included', async () => {
    const r = await h.gql(`
      query { gongCall(id: "${h.sandbox.control.allCalls().find((c) => !c.metaData.isPrivate)?.metaData.id}") { ...Sections } }
      fragment Sections on GongCall {
        content { brief trackers { name occurrences { startTime } } }
        interaction { interactionStats { name value } }
        context { system objects { objectType fields { name value } } }
      }`);
    expect(r.errors).toBeUndefined();
    const body = h.upstream()[0]?.body as { contentSelector: unknown; filter: unknown };
    expect(body.contentSelector).toEqual({
      context: 'Extended',
      exposedFields: {
        content: { brief: true, trackers: true, trackerOccurrences: true },
        interaction: { personInteractionStats: true },
      },
    });
  });
});
