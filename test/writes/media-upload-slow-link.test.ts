/**
 * A media upload on a slow link: the upstream deadline (GONG_REQUEST_TIMEOUT_MS) measures silence,
 * not total time, so an upload that outlasts it but keeps moving reaches Gong, while one that
 * stalls longer than the deadline is cut off with a typed error.
 */
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startWritesHarness, type WritesHarness } from './harness.js';

const BOUNDARY = '----slow-link-boundary';
const DEADLINE_MS = 400;

/** A multipart body whose `mediaFile` arrives in `chunks` pieces of `size` bytes, `gapMs` apart. */
function trickle(chunks: number, size: number, gapMs: number, stallMs = 0): Readable {
  async function* parts(): AsyncGenerator<Buffer> {
    yield Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="mediaFile"; filename="call.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    );
    for (let i = 0; i < chunks; i++) {
      await sleep(i === 1 ? gapMs + stallMs : gapMs);
      yield Buffer.alloc(size, 0x41);
    }
    yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  }
  return Readable.from(parts());
}

function put(url: string, body: Readable): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${API_KEY}`,
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    body.pipe(req);
  });
}

let h: WritesHarness;
beforeAll(async () => {
  h = await startWritesHarness({ env: { GONG_REQUEST_TIMEOUT_MS: String(DEADLINE_MS) } });
});
afterAll(() => h?.close());

describe('media upload on a slow link', () => {
  it('succeeds when it lasts several deadlines but bytes keep moving', async () => {
    const callId = await h.sandbox.control.endCall();
    h.reset();
    // 16 chunks 60 ms apart: about 1 s in all, 2.5 deadlines, never 400 ms without progress.
    const reply = await put(`${h.origin}/calls/${callId}/media`, trickle(16, 64 * 1024, 60));
    expect(reply.status).toBe(201);
    expect(h.upstream()).toEqual([
      expect.objectContaining({
        endpoint: 'PUT /v2/calls/{id}/media',
        status: 201,
        mediaBytes: 16 * 64 * 1024,
      }),
    ]);
  });

  it('is cut off with a typed error when the upload stalls longer than the deadline', async () => {
    const callId = await h.sandbox.control.endCall();
    h.reset();
    const reply = await put(
      `${h.origin}/calls/${callId}/media`,
      trickle(4, 1024, 10, 3 * DEADLINE_MS),
    );
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'UPSTREAM_ERROR' } });
    expect(h.upstream().filter((e) => e.status === 201)).toEqual([]);
  });
});
