/**
 * A stitched company gateway (@graphql-tools/stitch, examples/stitching) over the real Gong
 * gateway: HR's Employee joins GongUser by id both ways with batched type merging (N employees →
 * one Gong users request), and gongCallCreated flows through the stitched gateway over graphql-ws,
 * each event joined with HR data.
 */
import { parse, subscribe, graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildEmployeesSchema,
  employeesFromGongUsers,
  type Employee,
  type GongUserSeed,
} from '../../examples/stitching/employees-subschema.js';
import {
  employeesSubschema,
  gongExecutor,
  gongSubschema,
  loadGongSchema,
  stitch,
} from '../../examples/stitching/stitched-gateway.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  startEventGateway,
  startEventSandbox,
  subscribed,
  type EventGateway,
} from '../events/gateway-harness.js';

let sandbox: Sandbox;
let gw: EventGateway;
let employees: Employee[];
let stitched: GraphQLSchema;
let dispose: () => Promise<void>;

beforeAll(async () => {
  sandbox = await startEventSandbox();
  gw = await startEventGateway(sandbox);
  sandbox.control.addWebhookRule({ targetUrl: gw.webhookUrl() });
  const endpoint = { url: gw.gateway.url };
  // HR's start-up sync: match employees to Gong users by work e-mail.
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: '{ gongUsers(first: 100) { nodes { id emailAddress firstName lastName } } }',
    }),
  });
  const users =
    ((await res.json()) as ExecutionResult<{ gongUsers: { nodes: GongUserSeed[] } }>).data
      ?.gongUsers.nodes ?? [];
  employees = employeesFromGongUsers(users);
  const gong = gongExecutor(endpoint);
  dispose = () => gong.dispose();
  stitched = stitch([
    gongSubschema(await loadGongSchema(endpoint), gong.executor),
    employeesSubschema(buildEmployeesSchema(employees)),
  ]);
});
afterAll(async () => {
  await dispose?.();
  await gw?.close();
  await sandbox?.close();
});
beforeEach(() => sandbox.control.resetLog());

async function run<T>(source: string, variableValues: Record<string, unknown> = {}): Promise<T> {
  const r = await graphql({ schema: stitched, source, variableValues });
  expect(r.errors).toBeUndefined();
  return r.data as T;
}
const counts = () => sandbox.control.counters();

describe('stitched gateway: HR employees merged with Gong users', () => {
  it('N employees with their Gong user cost one POST /v2/users/extensive', async () => {
    const data = await run<{
      employees: {
        email: string;
        department: string;
        gongUser: { id: string; emailAddress: string; title: string | null } | null;
      }[];
    }>('{ employees { email department gongUser { id emailAddress title } } }');
    const seated = data.employees.filter((e) => e.gongUser !== null);
    expect(seated.length).toBe(employees.length - 1);
    expect(seated.length).toBeGreaterThan(5);
    for (const e of seated) expect(e.gongUser?.emailAddress.toLowerCase()).toBe(e.email);
    expect(data.employees.find((e) => e.gongUser === null)?.department).toBe('Finance');
    expect(counts()).toEqual({ 'POST /v2/users/extensive': 1 });
  });

  it('joins the other way: a page of Gong users with their HR records costs one Gong request', async () => {
    const data = await run<{
      gongUsers: {
        nodes: {
          id: string;
          emailAddress: string;
          employee: { department: string; gongUser: { id: string } } | null;
        }[];
      };
    }>(
      '{ gongUsers(first: 100) { nodes { id emailAddress employee { department gongUser { id } } } } }',
    );
    expect(data.gongUsers.nodes.length).toBe(employees.length - 1);
    for (const u of data.gongUsers.nodes) expect(u.employee?.gongUser.id).toBe(u.id);
    expect(counts()).toEqual({ 'GET /v2/users': 1 });
  });

  it('calls with their primary user’s department: one calls page, one users batch', async () => {
    const data = await run<{
      gongCalls: {
        nodes: { title: string; primaryUser: { employee: { department: string } | null } | null }[];
      };
    }>(
      '{ gongCalls(first: 20) { nodes { title primaryUser { emailAddress employee { department } } } } }',
    );
    expect(data.gongCalls.nodes.length).toBeGreaterThan(0);
    expect(data.gongCalls.nodes.every((c) => c.primaryUser?.employee?.department)).toBe(true);
    expect(counts()['POST /v2/users/extensive']).toBe(1);
    expect(Object.values(counts()).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('merges GongCall by id through gongCallsByIds (ids order kept)', async () => {
    const ids = sandbox.control
      .allCalls()
      .slice(0, 5)
      .map((c) => c.metaData.id);
    const data = await run<{ gongCallsByIds: ({ id: string } | null)[] }>(
      'query ($ids: [ID!]!) { gongCallsByIds(ids: $ids, includePrivate: true) { id } }',
      { ids },
    );
    expect(data.gongCallsByIds.map((c) => c?.id)).toEqual(ids);
  });

  it('gongCallCreated reaches a subscriber of the stitched gateway, joined with HR data', async () => {
    const events = await subscribe({
      schema: stitched,
      document: parse(
        'subscription { gongCallCreated { eventId call { id title primaryUser { emailAddress employee { name department } } } } }',
      ),
    });
    if (!(Symbol.asyncIterator in events))
      throw new Error(`subscribe failed: ${JSON.stringify(events.errors)}`);
    const iterator = events[Symbol.asyncIterator]();
    const next = iterator.next();
    await subscribed(gw, 1);
    const owner = employees[0]?.gongUserId;
    if (!owner) throw new Error('no seated employee');
    const callId = await sandbox.control.endCall({
      title: 'Stitched renewal',
      primaryUserId: owner,
    });
    await sandbox.control.tick();

    const first = await next;
    expect(first.done).toBe(false);
    const result = first.value as ExecutionResult<{
      gongCallCreated: {
        call: {
          id: string;
          title: string;
          primaryUser: { employee: { name: string; department: string } | null };
        };
      };
    }>;
    expect(result.errors).toBeUndefined();
    expect(result.data?.gongCallCreated.call).toMatchObject({
      id: callId,
      title: 'Stitched renewal',
      primaryUser: { employee: { name: employees[0]?.name, department: employees[0]?.department } },
    });
    await iterator.return?.();
  });
});
