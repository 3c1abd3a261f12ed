/**
 * A real browser (Debian's chromium, driven by playwright-core; no browser download) loads
 * examples/browser and the development explorer (GraphiQL from node_modules), runs a query and
 * receives a subscription event in each. Any request the page makes to an address outside this
 * machine is blocked and fails the test. Without chromium the suite is skipped loudly, except
 * under CI, where it must run (.ci/run installs chromium).
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleServer } from '../../examples/browser/serve.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import {
  startEventGateway,
  startEventSandbox,
  type EventGateway,
} from '../events/gateway-harness.js';
import { eventually } from '../events/support.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) {
  if (process.env.CI)
    throw new Error(
      'chromium is not installed: CI must run the browser suite (.ci/run installs it with apt-get)',
    );
  console.warn(
    '\n\n!!!!!!!!!! BROWSER SUITE SKIPPED: chromium is not installed (apt-get install -y chromium) !!!!!!!!!!\n\n',
  );
}

const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]']);

describe.skipIf(!CHROMIUM)('in headless chromium', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  let example: Server;
  let browser: Browser;
  const outside: string[] = [];

  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox);
    sandbox.control.addWebhookRule({ targetUrl: gw.webhookUrl() });
    example = exampleServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => example.once('listening', resolve));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => example?.close(resolve));
    await gw?.close();
    await sandbox?.close();
  });

  /** A page whose requests outside this machine are refused and recorded. */
  async function localPage(): Promise<Page> {
    const context = await browser.newContext();
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || LOCAL.has(url.hostname))
        return route.continue();
      outside.push(url.href);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('websocket', (ws) => {
      if (!LOCAL.has(new URL(ws.url()).hostname)) outside.push(ws.url());
    });
    return page;
  }

  const openSubscriptionsAbove = (n: number) =>
    eventually(
      async () => ((await gw.openSubscriptions()) > n ? true : undefined),
      10_000,
      `more than ${n} open subscriptions`,
    );

  const endCall = async (title: string) => {
    const id = await sandbox.control.endCall({ title, isPrivate: false });
    await sandbox.control.tick();
    return id;
  };

  it('examples/browser shows the newest calls, stays connected and receives a live call', async () => {
    const page = await localPage();
    const port = (example.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${port}/?gateway=${encodeURIComponent(gw.wsUrl)}`);
    await page.waitForFunction(() =>
      document.getElementById('status')?.textContent?.startsWith('connected to'),
    );
    await page.waitForFunction(() =>
      document.getElementById('calls')?.textContent?.startsWith('['),
    );
    const calls = JSON.parse((await page.textContent('#calls')) ?? '[]') as { started: string }[];
    expect(calls.length).toBeGreaterThan(0);
    const started = calls.map((c) => Date.parse(c.started));
    for (const t of started) expect(Date.now() - t).toBeLessThan(14 * 86_400_000);
    expect(started).toEqual([...started].sort((a, b) => b - a));

    await openSubscriptionsAbove(0);
    await endCall('Seen in the browser example');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#events li')].some((li) =>
        li.textContent?.includes('Seen in the browser example'),
      ),
    );
    expect(await page.textContent('#status')).toMatch(/^connected to /);
    expect(outside).toEqual([]);
  });

  it('the development explorer (GraphiQL, offline) runs the README query and receives a subscription event', async () => {
    const page = await localPage();
    await page.goto(gw.gateway.url);
    await page.waitForSelector('.graphiql-execute-button');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() =>
      document.querySelector('.result-window')?.textContent?.includes('"totalCount"'),
    );

    // The second tab holds the README's subscription.
    await page.locator('.graphiql-tab').nth(1).click();
    const before = await gw.openSubscriptions();
    await page.click('.graphiql-execute-button');
    await openSubscriptionsAbove(before);
    await endCall('Seen in GraphiQL');
    await page.waitForFunction(() =>
      document.querySelector('.result-window')?.textContent?.includes('Seen in GraphiQL'),
    );
    expect(outside).toEqual([]);
  });
});
