/**
 * The gateway composed the way The Guild's tools do it, through their own CLIs: `mesh-compose`
 * (examples/mesh-compose/mesh.config.ts) reads the Gong and CRM subgraphs' `_service { sdl }` and
 * writes a supergraph; `hive-gateway supergraph` serves it. Every Query, Mutation and Subscription
 * field of the Gong subgraph survives composition; a query joins both subgraphs; a subscription
 * reaches a client through the router (the router subscribes to Gong over SSE).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountsFromCalls,
  startCrmSubgraph,
  type CrmSubgraph,
} from '../../examples/federation/crm-subgraph.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';
import { freePort } from '../support/ports.js';

const BIN = new URL('../../node_modules/.bin/', import.meta.url).pathname;
const CONFIG = new URL('../../examples/mesh-compose/mesh.config.ts', import.meta.url).pathname;

/** Runs a CLI to completion; rejects with its output when it fails. */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, cmd), args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} exited with ${code}:\n${out}`)),
    );
  });
}

let sandbox: Sandbox;
let gw: EventGateway;
let crm: CrmSubgraph;
let dir: string;
let supergraph: string;
let router: ChildProcess | undefined;
let routerUrl: string;

beforeAll(async () => {
  sandbox = await startEventSandbox();
  gw = await startEventGateway(sandbox);
  sandbox.control.addWebhookRule({ targetUrl: gw.webhookUrl() });
  crm = await startCrmSubgraph(accountsFromCalls(sandbox.control.allCalls()));
  dir = mkdtempSync(join(tmpdir(), 'mesh-compose-'));
  const out = join(dir, 'supergraph.graphql');
  await run('mesh-compose', ['-c', CONFIG, '-o', out], {
    GONG_SUBGRAPH_URL: gw.gateway.url,
    CRM_SUBGRAPH_URL: crm.url,
  });
  supergraph = readFileSync(out, 'utf8');

  const port = await freePort();
  routerUrl = `http://127.0.0.1:${port}/graphql`;
  router = spawn(
    join(BIN, 'hive-gateway'),
    ['supergraph', out, '--host', '127.0.0.1', '--port', String(port)],
    { env: { ...process.env, NODE_ENV: 'production' }, stdio: 'ignore' },
  );
  await eventually(
    async () =>
      (await fetch(`http://127.0.0.1:${port}/readiness`).then(
        (r) => r.ok,
        () => false,
      )) || undefined,
    30_000,
    'hive-gateway ready',
  );
}, 90_000);

afterAll(async () => {
  if (router && router.exitCode === null) {
    const exited = new Promise((resolve) => router?.once('exit', resolve));
    router.kill('SIGTERM');
    await exited;
  }
  await crm?.close();
  await gw?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fieldsOf = (t: GraphQLObjectType | null | undefined) =>
  Object.keys(t?.getFields() ?? {})
    .filter((f) => !f.startsWith('_'))
    .sort();

describe('Mesh Compose + Hive Gateway CLI', () => {
  it('keeps every root field of the Gong subgraph', () => {
    const composed = buildSchema(supergraph, { assumeValidSDL: true });
    for (const root of ['getQueryType', 'getMutationType', 'getSubscriptionType'] as const) {
      const gong = fieldsOf(gw.gateway.schema[root]());
      expect(gong.length, root).toBeGreaterThan(0);
      expect(fieldsOf(composed[root]()), root).toEqual(expect.arrayContaining(gong));
    }
  });

  it('answers a query that joins the Gong and CRM subgraphs', async () => {
    const res = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ accounts(first: 2) { name owner { id emailAddress } } }' }),
    });
    const body = (await res.json()) as {
      data?: { accounts: { name: string; owner: { emailAddress: string } }[] };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    expect(body.data?.accounts).toHaveLength(2);
    for (const a of body.data?.accounts ?? []) expect(a.owner.emailAddress).toMatch(/@/);
  });

  it('delivers a subscription event through the router', async () => {
    const ac = new AbortController();
    const res = await fetch(routerUrl, {
      method: 'POST',
      signal: ac.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: 'subscription { gongCallCreated { eventId call { id title } } }',
      }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    await eventually(
      async () => ((await gw.openSubscriptions()) > 0 ? true : undefined),
      10_000,
      'the router subscribed',
    );
    const id = await sandbox.control.endCall({ title: 'Through Mesh Compose', isPrivate: false });
    await sandbox.control.tick();
    let text = '';
    while (!text.includes('Through Mesh Compose')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toContain(`"id":"${id}"`);
    ac.abort();
    await reader.cancel().catch(() => undefined);
  });
});
