/**
 * `GET /metrics` is Prometheus text from the gateway's own registry, and its counters move when
 * queries run: upstream requests and latency, DataLoader batches, GraphQL operations by name,
 * type and outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';
import { sample } from './support.js';

/** Every family the issue asks for, by its exported name. */
const FAMILIES = [
  'gong_gateway_upstream_requests_total',
  'gong_gateway_upstream_latency_seconds',
  'gong_gateway_upstream_429_total',
  'gong_gateway_rate_limit_queue_depth',
  'gong_gateway_daily_budget_remaining',
  'gong_gateway_dataloader_batch_size',
  'gong_gateway_graphql_operations_total',
  'gong_gateway_open_subscriptions',
  'gong_gateway_webhooks_received_total',
  'gong_gateway_event_delivery_lag_seconds',
];

describe('GET /metrics', () => {
  let h: Harness;
  const scrape = async () => {
    const res = await fetch(new URL('/metrics', h.gateway.url));
    expect(res.status).toBe(200);
    return { type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('exposes every gong_gateway_ family in the Prometheus text format', async () => {
    const { type, text } = await scrape();
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const f of FAMILIES) expect(text).toContain(`# TYPE ${f} `);
    for (const line of text.split('\n'))
      if (line.startsWith('# TYPE ')) expect(line.split(' ')[2]).toMatch(/^gong_gateway_/);
  });

  it('counts upstream requests, latency, loader batches and the operation when a query runs', async () => {
    const before = (await scrape()).text;
    h.reset();
    const r = await h.gql(
      'query RecentCalls { gongCalls(first: 5) { nodes { id primaryUser { firstName } } } }',
    );
    expect(r.errors).toBeUndefined();
    const upstream = h.upstream().length;
    expect(upstream).toBeGreaterThan(0);

    const after = (await scrape()).text;
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    // One counted upstream request per request the sandbox saw.
    expect(delta('gong_gateway_upstream_requests_total', { status: '200' })).toBe(upstream);
    expect(delta('gong_gateway_upstream_latency_seconds_count')).toBe(upstream);
    // The five primary users were fetched through one DataLoader batch or more.
    expect(delta('gong_gateway_dataloader_batch_size_count')).toBeGreaterThan(0);
    expect(delta('gong_gateway_dataloader_batch_size_sum')).toBeGreaterThan(0);
    expect(
      delta('gong_gateway_graphql_operations_total', {
        operation: 'RecentCalls',
        type: 'query',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      sample(after, 'gong_gateway_daily_budget_remaining', { connection: 'default' }),
    ).toBeGreaterThan(0);
  });

  it('counts failed operations with a bounded label', async () => {
    const before = (await scrape()).text;
    const bad = await h.gql('query Broken { gongCalls(first: 1) { nope } }');
    expect(bad.errors?.length).toBeGreaterThan(0);
    const anon = await h.gql('{ gongWorkspaces { id } }');
    expect(anon.errors).toBeUndefined();
    const after = (await scrape()).text;
    const delta = (labels: Record<string, string>) =>
      sample(after, 'gong_gateway_graphql_operations_total', labels) -
      sample(before, 'gong_gateway_graphql_operations_total', labels);
    expect(delta({ operation: '(invalid)', type: 'unknown', outcome: 'error' })).toBe(1);
    expect(delta({ operation: '(anonymous)', type: 'query', outcome: 'success' })).toBe(1);
  });
});
