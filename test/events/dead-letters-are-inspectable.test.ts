/**
 * Dead letters keep what a webhook could not become, so nothing Gong sent is lost; read through GraphQL: a signed but malformed webhook delivery is refused
 * with 400 and an admin reads it back (newest first, body as received) with
 * gongWebhookDeadLetters; a non-admin API key gets FORBIDDEN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startEventGateway, startEventSandbox, type EventGateway } from './gateway-harness.js';
import { signDelivery, testKeyPair } from './support.js';

const DEAD_LETTERS = `query ($ref: String!, $first: Int) {
  gongWebhookDeadLetters(connectionRef: $ref, first: $first) { id receivedAt reason body truncated }
}`;

interface DeadLetterView {
  id: string;
  receivedAt: string;
  reason: string;
  body: string;
  truncated: boolean;
}

describe('gongWebhookDeadLetters', () => {
  let sandbox: Sandbox;
  let gw: EventGateway;
  const key = testKeyPair();

  beforeAll(async () => {
    sandbox = await startEventSandbox();
    gw = await startEventGateway(sandbox, {
      GONG_WEBHOOK_PUBLIC_KEY: key.publicKey,
      GATEWAY_API_KEYS: 'reader-key',
      GATEWAY_ADMIN_API_KEYS: 'admin-key',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  const deliver = async (body: string) => {
    const url = gw.webhookUrl('default');
    const authorization = await signDelivery({ privateKey: key.privateKey, url, body });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body,
    });
    await res.body?.cancel();
    return res.status;
  };
  const gql = async (apiKey: string, variables: Record<string, unknown>) => {
    const res = await fetch(`${gw.publicUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: DEAD_LETTERS, variables }),
    });
    return (await res.json()) as {
      data?: { gongWebhookDeadLetters: DeadLetterView[] } | null;
      errors?: { extensions?: { code?: string } }[];
    };
  };

  it('an admin reads back signed malformed deliveries, newest first, body as received', async () => {
    const notJson = '{"callData": ';
    const badShape = JSON.stringify({
      callData: { metaData: { id: 'not-numeric' } },
      isTest: false,
    });
    expect(await deliver(notJson)).toBe(400);
    expect(await deliver(badShape)).toBe(400);

    const all = await gql('admin-key', { ref: 'default' });
    expect(all.errors).toBeUndefined();
    const letters = all.data?.gongWebhookDeadLetters ?? [];
    expect(letters.map((l) => l.body)).toEqual([badShape, notJson]);
    expect(letters[0]?.reason).toContain('callData.metaData.id');
    expect(letters[1]).toMatchObject({ reason: 'malformed JSON', truncated: false });
    expect(Date.parse(letters[0]?.receivedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(letters[1]?.receivedAt ?? ''),
    );

    const newest = await gql('admin-key', { ref: 'default', first: 1 });
    expect(newest.data?.gongWebhookDeadLetters.map((l) => l.body)).toEqual([badShape]);
    // Letters are per connection.
    expect((await gql('admin-key', { ref: 'other' })).data?.gongWebhookDeadLetters).toEqual([]);
  });

  it('a non-admin API key is FORBIDDEN, and `first` outside 1..100 is BAD_USER_INPUT', async () => {
    const reader = await gql('reader-key', { ref: 'default' });
    expect(reader.data ?? null).toBeNull();
    expect(reader.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const tooMany = await gql('admin-key', { ref: 'default', first: 101 });
    expect(tooMany.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});
