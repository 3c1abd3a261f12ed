/**
 * A connection granted only api:calls:read:basic can read one call: `gongCall(id)` selecting only
 * CallBasicData asks GET /v2/calls/{id}, not /v2/calls/extensive. Selecting a section still uses
 * the extensive endpoint, which such a connection may not use (FORBIDDEN, no request sent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startHarness, type Harness } from './harness.js';
import { scopedRegistry } from '../support/scoped-registry.js';

let h: Harness;
let callId: string;
let primaryUserId: string;
beforeAll(async () => {
  h = await startHarness({
    sandbox: { users: 10, calls: 40 },
    deps: (sb) => ({ registry: scopedRegistry(sb) }),
  });
  const call = h.sandbox.control.allCalls().find((c) => c.metaData.isPrivate !== true)!;
  callId = call.metaData.id;
  primaryUserId = call.metaData.primaryUserId!;
});
afterAll(() => h.close());

describe('gongCall with only basic fields', () => {
  it('reads GET /v2/calls/{id} with a basic-scope token, links included', async () => {
    h.reset();
    const r = await h.gql<{
      gongCall: { id: string; title: string; started: string; primaryUser: { id: string } };
    }>(`query($id: ID!) { gongCall(id: $id) { id title started primaryUser { id } } }`, {
      id: callId,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongCall).toMatchObject({ id: callId, primaryUser: { id: primaryUserId } });
    expect(h.upstream().map((e) => [e.endpoint, e.status, e.auth])).toEqual([
      ['GET /v2/calls/{id}', 200, 'bearer'],
      ['POST /v2/users/extensive', 200, 'bearer'],
    ]);
  });

  it('answers null for an unknown id (Gong: 404 "Call ID was not found")', async () => {
    h.reset();
    const r = await h.gql<{ gongCall: null }>(
      `{ gongCall(id: "1234567890123456789") { id title } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.gongCall).toBeNull();
    expect(h.upstream().map((e) => [e.endpoint, e.status])).toEqual([['GET /v2/calls/{id}', 404]]);
  });

  it('a section still needs the extensive scope: FORBIDDEN, nothing sent', async () => {
    h.reset();
    const r = await h.gql(`query($id: ID!) { gongCall(id: $id) { id parties { name } } }`, {
      id: callId,
    });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(h.upstream()).toEqual([]);
  });
});
