import { Readable } from 'node:stream';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorResponse,
  MediaUploadResponse,
  NewCallAddingResponse,
} from '../contract/support/gong-bodies.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { basicAuth, gong, sandbox } from './support.js';

let sb: Sandbox;
let sameCall: Sandbox;
let primary: string;
beforeAll(async () => {
  [sb, sameCall] = await Promise.all([
    sandbox({ calls: 20 }),
    sandbox({ calls: 20, duplicateCreate: 'same-call' }),
  ]);
  primary = sb.control.allCalls()[0]?.metaData.primaryUserId ?? '';
});
afterAll(() => Promise.all([sb.close(), sameCall.close()]));

const newCall = (clientUniqueId: string, extra: Record<string, unknown> = {}) => ({
  clientUniqueId,
  actualStart: '2025-06-01T10:00:00-07:00',
  direction: 'Outbound',
  primaryUser: primary,
  parties: [{ userId: primary }, { emailAddress: 'pat@customer.example', name: 'Pat' }],
  title: 'Uploaded call',
  ...extra,
});

describe('POST /v2/calls', () => {
  it('answers 400 with bean-validation messages for missing required fields', async () => {
    const r = await gong(sb, 'POST', '/v2/calls', { clientUniqueId: 'x', primaryUser: primary });
    expect(r.status).toBe(400);
    expect(ErrorResponse.parse(r.body).errors).toEqual(
      expect.arrayContaining([
        'parties: must not be null',
        'actualStart: must not be null',
        'direction: must not be null',
      ]),
    );
    const badEnum = await gong(sb, 'POST', '/v2/calls', newCall('y', { direction: 'Sideways' }));
    expect(ErrorResponse.parse(badEnum.body).errors?.[0]).toMatch(
      /^direction: must be one of Inbound, Outbound, Conference, Unknown/,
    );
    const noPrimaryParty = await gong(
      sb,
      'POST',
      '/v2/calls',
      newCall('z', { parties: [{ name: 'Someone' }] }),
    );
    expect(noPrimaryParty.status).toBe(400);
    expect((await gong(sb, 'POST', '/v2/calls', 'not json{')).status).toBe(400);
  });

  it('returns 200 {requestId, callId}; a repeated clientUniqueId is a 409 naming it (default)', async () => {
    const r = await gong(sb, 'POST', '/v2/calls', newCall('dup-1'));
    expect(r.status).toBe(200);
    expect(NewCallAddingResponse.parse(r.body).callId).toMatch(/^\d{18,19}$/);
    const again = await gong(sb, 'POST', '/v2/calls', newCall('dup-1'));
    expect(again.status).toBe(409);
    expect(ErrorResponse.parse(again.body).errors?.[0]).toContain("'dup-1'");
  });

  it("returns the same callId for a repeated clientUniqueId with duplicateCreate: 'same-call'", async () => {
    const p = sameCall.control.allCalls()[0]?.metaData.primaryUserId ?? '';
    const body = { ...newCall('dup-2'), primaryUser: p, parties: [{ userId: p }] };
    const a = NewCallAddingResponse.parse((await gong(sameCall, 'POST', '/v2/calls', body)).body);
    const b = NewCallAddingResponse.parse((await gong(sameCall, 'POST', '/v2/calls', body)).body);
    expect(b.callId).toBe(a.callId);
  });
});

/** Streams a multipart body with a `mediaFile` part of `size` bytes generated on the fly. */
function upload(
  callId: string,
  size: number,
  field = 'mediaFile',
): Promise<{ status: number; body: unknown }> {
  const boundary = '----sandbox-test-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="call.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 7);
  function* parts() {
    yield head;
    for (let left = size; left > 0; left -= chunk.length)
      yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    yield tail;
  }
  const url = new URL(`${sb.tenantUrl}/v2/calls/${callId}/media`);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'PUT',
        headers: {
          authorization: basicAuth(sb),
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString()),
          }),
        );
      },
    );
    req.on('error', reject);
    Readable.from(parts()).pipe(req);
  });
}

describe('PUT /v2/calls/{id}/media', () => {
  it('streams a multi-MB mediaFile, counts its bytes and answers 201 {requestId, callId, url}', async () => {
    const { callId } = NewCallAddingResponse.parse(
      (await gong(sb, 'POST', '/v2/calls', newCall('media-1'))).body,
    );
    const size = 24 * 1024 * 1024 + 123;
    const r = await upload(callId, size);
    expect(r.status).toBe(201);
    const body = MediaUploadResponse.parse(r.body);
    expect(body.callId).toBe(callId);
    expect(body.url).toContain(callId);
    const entry = sb.control
      .requestLog()
      .find((e) => e.endpoint === 'PUT /v2/calls/{id}/media' && e.status === 201);
    expect(entry?.mediaBytes).toBe(size);
    expect(entry?.body).toBeUndefined();
  });

  it('takes 200 MB with flat memory: the bytes are counted, never buffered', async () => {
    const { callId } = NewCallAddingResponse.parse(
      (await gong(sb, 'POST', '/v2/calls', newCall('media-big'))).body,
    );
    const size = 200 * 1024 * 1024;
    const base = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
    }, 10);
    try {
      expect((await upload(callId, size)).status).toBe(201);
    } finally {
      clearInterval(sampler);
    }
    expect(
      sb.control.requestLog().find((e) => e.status === 201 && e.mediaBytes === size),
    ).toBeDefined();
    // Buffered, the upload alone would add 200 MB; streamed, growth stays a few socket buffers.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers 400 without a mediaFile part and 404 for an unknown call', async () => {
    const { callId } = NewCallAddingResponse.parse(
      (await gong(sb, 'POST', '/v2/calls', newCall('media-2'))).body,
    );
    const wrong = await upload(callId, 10, 'somethingElse');
    expect(wrong.status).toBe(400);
    expect(ErrorResponse.parse(wrong.body).errors?.[0]).toContain('mediaFile');
    const unknown = await upload('1234567890123456789', 10);
    expect(unknown.status).toBe(404);
  });
});
