import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallsExtensiveResponse,
  CallsResponse,
  CURSOR_INVALID,
  ErrorResponse,
} from '../contract/support/gong-bodies.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { ALL_TIME, clock, gong, q, sandbox } from './support.js';

const time = clock();
let sb: Sandbox;
beforeAll(async () => {
  sb = await sandbox({
    calls: 250,
    now: time.now,
    cursorTtlMs: 60_000,
    processingDelayMs: 1000,
    transcriptDelayMs: 2000,
  });
});
afterAll(() => sb.close());

async function firstCursor(): Promise<string> {
  const page = CallsResponse.parse((await gong(sb, 'GET', `/v2/calls${q(ALL_TIME)}`)).body);
  const cursor = page.records.cursor;
  if (!cursor) throw new Error('expected a cursor on page 0');
  return cursor;
}

const errors = (body: unknown) => ErrorResponse.parse(body).errors ?? [];

describe('cursors', () => {
  it('reject a tampered cursor with 400 "Failed to verify cursor"', async () => {
    const cursor = await firstCursor();
    const [h, p, s] = cursor.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, pageNumber: 2 })).toString('base64url')}.${s}`;
    for (const bad of [forged, `${cursor}x`, 'not-a-cursor']) {
      const r = await gong(sb, 'GET', `/v2/calls${q({ ...ALL_TIME, cursor: bad })}`);
      expect(r.status).toBe(400);
      expect(errors(r.body)).toEqual([CURSOR_INVALID]);
    }
  });

  it('are bound to the other inputs of the request', async () => {
    const cursor = await firstCursor();
    const r = await gong(
      sb,
      'GET',
      `/v2/calls${q({ ...ALL_TIME, toDateTime: '2099-01-01T00:00:00Z', cursor })}`,
    );
    expect(r.status).toBe(400);
    expect(errors(r.body)).toEqual([CURSOR_INVALID]);
    const post = await gong(sb, 'POST', '/v2/calls/extensive', { cursor, filter: {} });
    expect(post.status).toBe(400);
  });

  it('expire after cursorTtlMs with a message containing "cursor has expired"', async () => {
    const cursor = await firstCursor();
    time.advance(60_001);
    const r = await gong(sb, 'GET', `/v2/calls${q({ ...ALL_TIME, cursor })}`);
    expect(r.status).toBe(400);
    expect(errors(r.body).join(' ')).toContain('cursor has expired');
  });

  it('keep a paged read consistent while a new call becomes visible (snapshot time)', async () => {
    const first = CallsExtensiveResponse.parse(
      (await gong(sb, 'POST', '/v2/calls/extensive', { filter: {} })).body,
    );
    expect(first.records.totalRecords).toBe(250);
    await sb.control.endCall({ startedAgoMs: 3_600_000 });
    time.advance(5000);
    await sb.control.tick();
    const second = CallsExtensiveResponse.parse(
      (await gong(sb, 'POST', '/v2/calls/extensive', { cursor: first.records.cursor, filter: {} }))
        .body,
    );
    expect(second.records.totalRecords).toBe(250);
    expect(second.records.currentPageNumber).toBe(1);
    const fresh = CallsExtensiveResponse.parse(
      (await gong(sb, 'POST', '/v2/calls/extensive', { filter: {} })).body,
    );
    expect(fresh.records.totalRecords).toBe(251);
  });
});
