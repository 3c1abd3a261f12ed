/**
 * The same policy cases over every transport a client can use (HTTP GET, POST and batches,
 * GraphQL over SSE in both graphql-sse modes, Apollo multipart, graphql-ws): GraphQL once ran
 * through four pipelines, and SSE and multipart answered introspection and "Did you mean"
 * suggestions in production, let a subscription outlive its JWT, and never applied a bound to a
 * subscriber that does not read. Each case is asserted on every transport, on one production
 * gateway with small limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';
import { STREAMING, TRANSPORTS, operationOver, subscribeOver, type Outcome } from './transports.js';
import { clientJwt } from '../support/client-jwt.js';

const SECRET = 'a-policy-table-secret-of-at-least-32-chars';
const KEY = 'policy-key';
const auth = { authorization: `Bearer ${KEY}` };
const jwt = (claims: Record<string, unknown>, expSeconds: number) =>
  clientJwt(SECRET, claims, expSeconds);

const codes = (o: Outcome) => o.errors.map((e) => e.code);
const text = (o: Outcome) => o.errors.map((e) => e.message).join(' ');

describe('one policy on every transport', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  let url: string;
  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, {
      NODE_ENV: 'production',
      GATEWAY_API_KEYS: KEY,
      GATEWAY_JWT_SECRET: SECRET,
      GRAPHQL_MAX_DEPTH: '6',
      GRAPHQL_MAX_ALIASES: '3',
      GRAPHQL_MAX_COST: '20',
    });
    url = gw.gateway.url;
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  // Each refused operation, and what every transport must answer.
  const refused: {
    name: string;
    query: string;
    headers?: () => Promise<Record<string, string>>;
    expect(o: Outcome): void;
  }[] = [
    {
      name: 'introspection is refused in production',
      query: '{ __schema { queryType { name } } }',
      expect: (o) => {
        expect(codes(o)).toContain('GRAPHQL_VALIDATION_FAILED');
        expect(text(o)).toMatch(/introspection/i);
        expect(o.data ?? null).toBeNull();
      },
    },
    {
      name: 'field suggestions are hidden in production',
      query: '{ gongUserz { id } }',
      expect: (o) => {
        expect(text(o)).toMatch(/Cannot query field "gongUserz"/);
        expect(text(o)).not.toMatch(/Did you mean/);
      },
    },
    {
      name: 'the depth limit',
      query:
        '{ gongCalls(first: 1) { nodes { primaryUser { manager { manager { manager { manager { id } } } } } } } }',
      expect: (o) => expect(codes(o)).toContain('GRAPHQL_VALIDATION_FAILED'),
    },
    {
      name: 'the alias limit',
      query:
        '{ a: gongWorkspaces { id } b: gongWorkspaces { id } c: gongWorkspaces { id } d: gongWorkspaces { id } }',
      expect: (o) => expect(codes(o)).toContain('GRAPHQL_VALIDATION_FAILED'),
    },
    {
      name: 'the cost limit',
      query:
        '{ gongCalls(first: 1) { nodes { id title started duration url scope media direction system language purpose meetingUrl isPrivate sdrDisposition clientUniqueId customData primaryUserId workspaceId } } }',
      expect: (o) => expect(codes(o)).toContain('GRAPHQL_VALIDATION_FAILED'),
    },
    {
      name: 'no credential is UNAUTHENTICATED',
      query: '{ gongWorkspaces { id } }',
      headers: () => Promise.resolve({}),
      expect: (o) => {
        expect(codes(o)).toContain('UNAUTHENTICATED');
        if (o.closeCode === undefined) expect(o.status).toBe(401);
        else expect(o.closeCode).toBe(4401);
      },
    },
    {
      name: 'an expired JWT is UNAUTHENTICATED',
      query: '{ gongWorkspaces { id } }',
      headers: async () => ({ authorization: `Bearer ${await jwt({ conn: 'default' }, -10)}` }),
      expect: (o) => expect(codes(o)).toContain('UNAUTHENTICATED'),
    },
    {
      name: "a JWT asking for another tenant's connection is FORBIDDEN",
      query: '{ gongWorkspaces { id } }',
      headers: async () => ({
        authorization: `Bearer ${await jwt({ conn: 'default' }, 300)}`,
        'x-gong-connection': 'other',
      }),
      expect: (o) => {
        expect(codes(o)).toContain('FORBIDDEN');
        if (o.closeCode === undefined) expect(o.status).toBe(403);
        else expect(o.closeCode).toBe(4403);
      },
    },
  ];

  for (const c of refused)
    describe(c.name, () => {
      for (const t of TRANSPORTS)
        it(`over ${t}`, async () => {
          const headers = c.headers ? await c.headers() : auth;
          const o = await operationOver(t, url, c.query, headers);
          expect(o.errors.length, JSON.stringify(o)).toBeGreaterThan(0);
          c.expect(o);
        });
    });

  it.each(TRANSPORTS)('an allowed query answers data over %s', async (t) => {
    const o = await operationOver(t, url, '{ gongWorkspaces { id } }', auth);
    expect(o.errors).toEqual([]);
    expect((o.data as { gongWorkspaces: unknown[] }).gongWorkspaces.length).toBeGreaterThan(0);
  });

  it('a subscription ends with UNAUTHENTICATED at its JWT exp, on every streaming transport', async () => {
    // All at once: one JWT expiry (about 2 s) covers the four transports.
    const token = await jwt({ conn: 'default' }, 2);
    const ends = await Promise.all(
      STREAMING.map(async (t) => {
        const live = await subscribeOver(t, url, 'subscription { gongCallCreated { eventId } }', {
          authorization: `Bearer ${token}`,
        });
        return { t, end: await live.ended };
      }),
    );
    for (const { t, end } of ends) {
      expect(codes(end), `${t}: ${JSON.stringify(end)}`).toContain('UNAUTHENTICATED');
      if (t === 'ws') expect(end.closeCode).toBe(4401);
    }
  });

  describe('a client that goes away ends its subscription', () => {
    it.each(STREAMING)('over %s', async (t) => {
      await eventually(async () => ((await gw.openSubscriptions()) === 0 ? true : undefined));
      const live = await subscribeOver(
        t,
        url,
        'subscription { gongCallCreated { eventId } }',
        auth,
      );
      await eventually(async () => ((await gw.openSubscriptions()) === 1 ? true : undefined));
      live.close();
      await eventually(async () => ((await gw.openSubscriptions()) === 0 ? true : undefined));
    });
  });
});
