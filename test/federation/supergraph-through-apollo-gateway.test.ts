/**
 * The Gong subgraph composed with an independent company subgraph (examples/federation: CRM
 * accounts owned by Gong users, with Gong calls) by `@apollo/composition`, and queried end to end
 * through `@apollo/gateway` over HTTP: answers join both subgraphs, and the router's entity
 * fetches cost the minimal number of Gong requests.
 */
import type { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../examples/federation/crm-subgraph.js';
import type { Harness } from '../read/harness.js';
import { startCrmSupergraph, type CrmSupergraph } from './support.js';

let stack: CrmSupergraph | undefined;
let h: Harness;
let accounts: Account[];
let supergraphSdl: string;
let router: ApolloServer;

beforeAll(async () => {
  stack = await startCrmSupergraph({ users: 50, calls: 300 });
  ({ h, accounts, supergraphSdl, router } = stack);
});
afterAll(() => stack?.close());
beforeEach(() => h.reset());

async function run<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await router.executeOperation({ query, variables });
  if (res.body.kind !== 'single') throw new Error('expected a single result');
  expect(res.body.singleResult.errors).toBeUndefined();
  return res.body.singleResult.data as T;
}
const counts = () => h.sandbox.control.counters();
const upstreamTotal = () => h.upstream().length;

interface Person {
  id: string;
  emailAddress: string | null;
}

describe('supergraph: Gong subgraph + company CRM subgraph through @apollo/gateway', () => {
  it('composes with both subgraphs contributing to GongUser, and keeps the subscription', () => {
    expect(accounts).toHaveLength(20);
    const gongUser = /type GongUser\s([^{]*)\{/.exec(supergraphSdl)?.[1] ?? '';
    expect(gongUser).toContain('@join__type(graph: GONG, key: "id")');
    expect(gongUser).toContain('@join__type(graph: CRM, key: "id")');
    expect(supergraphSdl).toMatch(/gongCallCreated\(/);
    expect(supergraphSdl).not.toMatch(/_entities|_service/);
  });

  it('20 accounts with owner { emailAddress manager } and calls { title }: one users batch, one managers batch, one calls batch', async () => {
    const data = await run<{
      accounts: {
        id: string;
        name: string;
        owner: Person & { manager: Person | null };
        calls: { id: string; title: string | null }[];
      }[];
    }>(`{
      accounts(first: 20) {
        id name
        owner { id emailAddress manager { id emailAddress } }
        calls { id title }
      }
    }`);
    const titles = new Map(
      h.sandbox.control.allCalls().map((c) => [c.metaData.id, c.metaData.title ?? null]),
    );
    expect(data.accounts).toHaveLength(20);
    for (const [i, a] of data.accounts.entries()) {
      const seeded = accounts[i];
      expect(a.owner.id).toBe(seeded?.ownerId);
      expect(a.owner.emailAddress).toMatch(/@/);
      expect(a.calls.map((c) => c.id)).toEqual(seeded?.callIds);
      for (const c of a.calls) expect(c.title).toBe(titles.get(c.id));
    }
    expect(data.accounts.some((a) => a.owner.manager !== null)).toBe(true);

    // Managers who are themselves owners come from the owners' batch (same request, same loader).
    const owners = new Set(data.accounts.map((a) => a.owner.id));
    const otherManagers = data.accounts.some(
      (a) => a.owner.manager && !owners.has(a.owner.manager.id),
    );
    expect(counts()['POST /v2/users/extensive']).toBe(otherManagers ? 2 : 1);
    expect(counts()['POST /v2/calls/extensive']).toBe(1);
    expect(upstreamTotal()).toBe(otherManagers ? 3 : 2);
  });

  it('joins the other way: a Gong user’s CRM accounts and their Gong calls', async () => {
    const account = accounts[0];
    if (!account) throw new Error('no account');
    const data = await run<{
      gongUser: {
        id: string;
        emailAddress: string;
        ownedAccounts: { id: string; calls: { id: string; title: string | null }[] }[];
      } | null;
    }>(
      'query ($id: ID!) { gongUser(id: $id) { id emailAddress ownedAccounts { id name calls { id title } } } }',
      { id: account.ownerId },
    );
    expect(data.gongUser?.emailAddress).toMatch(/@/);
    expect(data.gongUser?.ownedAccounts.map((a) => a.id)).toContain(account.id);
    const calls = data.gongUser?.ownedAccounts.flatMap((a) => a.calls) ?? [];
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => typeof c.title === 'string')).toBe(true);
    expect(counts()['POST /v2/users/extensive']).toBe(1);
    expect(counts()['POST /v2/calls/extensive']).toBe(1);
    expect(upstreamTotal()).toBe(2);
  });

  it('Gong-only root fields pass through the router unchanged', async () => {
    const data = await run<{ gongCalls: { nodes: { id: string; primaryUser: Person | null }[] } }>(
      '{ gongCalls(first: 10) { nodes { id primaryUser { id emailAddress } } } }',
    );
    // A page of 10 may hold fewer: Gong counts private calls in a page, the gateway leaves them out.
    expect(data.gongCalls.nodes.length).toBeGreaterThan(0);
    expect(data.gongCalls.nodes.every((n) => n.primaryUser?.emailAddress)).toBe(true);
    expect(counts()['POST /v2/users/extensive']).toBe(1);
  });
});
