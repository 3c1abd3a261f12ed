import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorResponse,
  UsersResponse,
  WorkspacesResponse,
} from '../contract/support/gong-bodies.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { gong, REQUEST_ID, sandbox } from './support.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await sandbox({ calls: 10 });
});
afterEach(() => sb.control.clearFaults());
afterAll(() => sb.close());

describe('fault injection', () => {
  it('answers injected 5xx with Gong ErrorResponse bodies, `count` times only', async () => {
    sb.control.addFault({ kind: { type: 'status', status: 503 }, count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const r = await gong(sb, 'GET', '/v2/workspaces');
      statuses.push(r.status);
      if (r.status === 503) expect(ErrorResponse.parse(r.body).requestId).toMatch(REQUEST_ID);
    }
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('injects 429 with an integer Retry-After header', async () => {
    sb.control.addFault({ kind: { type: 'status', status: 429, retryAfterSeconds: 7 }, count: 1 });
    const r = await gong(sb, 'GET', '/v2/users');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(ErrorResponse.parse(r.body).errors?.length).toBe(1);
  });

  it('limits faults to pathPrefix', async () => {
    sb.control.addFault({ kind: { type: 'status', status: 500 }, pathPrefix: '/v2/users' });
    expect((await gong(sb, 'GET', '/v2/users')).status).toBe(500);
    expect((await gong(sb, 'GET', '/v2/workspaces')).status).toBe(200);
  });

  it('sends a malformed JSON body with status 200', async () => {
    sb.control.addFault({ kind: { type: 'malformed' }, count: 1 });
    const r = await gong(sb, 'GET', '/v2/workspaces');
    expect(r.status).toBe(200);
    expect((): unknown => JSON.parse(r.text)).toThrow();
  });

  it('resets the connection', async () => {
    sb.control.addFault({ kind: { type: 'reset' }, count: 1 });
    await expect(gong(sb, 'GET', '/v2/workspaces')).rejects.toThrow();
    expect(
      WorkspacesResponse.parse((await gong(sb, 'GET', '/v2/workspaces')).body).workspaces,
    ).toHaveLength(3);
  });

  it('delays with latency, then answers normally; rate 0 never fires', async () => {
    sb.control.addFault({ kind: { type: 'latency', ms: 20 }, count: 1 });
    sb.control.addFault({ kind: { type: 'status', status: 502 }, rate: 0 });
    const r = await gong(sb, 'GET', '/v2/users');
    expect(UsersResponse.parse(r.body).users.length).toBe(50);
  });

  it('rejects a malformed fault rule', () => {
    expect(() => sb.control.addFault({ kind: { type: 'status', status: 418 as 500 } })).toThrow(
      /429, 500, 502 or 503/,
    );
    expect(() => sb.control.addFault({ kind: { type: 'latency', ms: 1 }, rate: 2 })).toThrow(
      /between 0 and 1/,
    );
  });
});
