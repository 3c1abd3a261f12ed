/**
 * `examples/node-subscription/subscribe.ts` run as a real process: it prints each
 * gongCallCreated event as a JSON line, and when its connection drops it subscribes again with
 * `after` and prints what happened meanwhile, once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { eventually } from './support.js';

describe('the Node subscription example', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  let proc: ChildProcess | undefined;
  let out = '';
  let err = '';
  const printed = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { eventId: string; callId: string; title: string });

  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox);
    sandbox.control.addWebhookRule({ targetUrl: gw.webhookUrl() });
  });
  afterAll(async () => {
    proc?.kill('SIGKILL');
    await gw?.close();
    await sandbox?.close();
  });

  it('prints events and resumes after a reconnect without duplicates', async () => {
    const upgraded: Duplex[] = [];
    gw.gateway.server.on('upgrade', (_req, socket: Duplex) => upgraded.push(socket));
    proc = spawn(process.execPath, ['--import', 'tsx', 'examples/node-subscription/subscribe.ts'], {
      cwd: new URL('../..', import.meta.url),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GATEWAY_WS_URL: gw.wsUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    await eventually(
      async () => ((await gw.openSubscriptions()) === 1 ? true : undefined),
      15_000,
      'the example to subscribe',
    );

    const first = await sandbox.control.endCall({ title: 'Example first', isPrivate: false });
    await sandbox.control.tick();
    await eventually(
      () => (printed().some((e) => e.callId === first) ? true : undefined),
      10_000,
      'the first event',
    );

    // Drop its connection from the server side (as a crashed or drained replica would), then let an event happen meanwhile.
    for (const s of upgraded) s.destroy();
    await eventually(
      async () => ((await gw.openSubscriptions()) === 0 ? true : undefined),
      10_000,
      'the subscription to end',
    );
    const second = await sandbox.control.endCall({ title: 'Example second', isPrivate: false });
    await sandbox.control.tick();
    await eventually(
      () => (printed().some((e) => e.callId === second) ? true : undefined),
      15_000,
      'the event after the reconnect',
    );

    expect(err).toMatch(/resuming after \d+-\d+/);
    const ids = printed().map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(printed().map((e) => e.callId)).toEqual([first, second]);
  });
});
