/**
 * Bytes per cached call: a gateway with the entity cache on reads N calls by id with every section
 * the schema has (selection built from the schema, so a new field is measured too), then their
 * transcripts; `gong_gateway_entity_cache_bytes` after each step, divided by N. Links to users and
 * workspaces are left out, so only calls and transcripts are in the cache. Rate limit off.
 */
import {
  getNamedType,
  isObjectType,
  isNonNullType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxOptions } from '../../src/sandbox/types.js';
import { expectData, gql, startGatewayOn } from '../lib/stack.js';
import type { Row } from '../lib/stats.js';

/**
 * Entity links (cached as users / full reads, not as part of a call), the transcript (its own
 * step) and answered scorecards (`GongCall.scorecards` is a stats read, not a call section).
 */
const SKIP_TYPES = new Set([
  'GongUser',
  'GongWorkspace',
  'GongTranscript',
  'GongAnsweredScorecard',
]);

/** Every field of `type`, recursively, leaving out fields with required arguments and the types above. */
export function fullSelection(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  path: readonly string[] = [],
): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (SKIP_TYPES.has(named.name)) continue;
    if (!isObjectType(named)) {
      if (!('getTypes' in named) && !('getFields' in named)) parts.push(field.name);
      continue;
    }
    if (path.includes(named.name) || path.length > 6) continue;
    const inner = fullSelection(schema, named, [...path, named.name]);
    if (inner) parts.push(`${field.name} { ${inner} }`);
  }
  return parts.join(' ');
}

// `parties` keeps the call on the cached by-id path: a call selected with metaData only is read by GET /v2/calls/{id}, which the entity cache does not serve.
const TRANSCRIPT = `query T($id: ID!) { gongCall(id: $id, includePrivate: true) { id parties { id } transcript { callId monologues { speakerId topic sentences { start end text } } } } }`;

export async function cachedCallBytes(
  options: SandboxOptions,
  n: number,
  log: (line: string) => void,
): Promise<{ rows: Row[]; raw: Record<string, unknown> }> {
  const sb = await startSandbox({ ...options, rateLimit: false });
  const gw = await startGatewayOn(sb, {
    GONG_RATE_PER_SECOND: '1000',
    GONG_DAILY_BUDGET: '10000000',
    CACHE_MAX_BYTES: String(1 << 30),
  });
  try {
    const callType = gw.schema.getType('GongCall');
    if (!isObjectType(callType)) throw new Error('no GongCall type');
    const selection = fullSelection(gw.schema, callType);
    const query = `query C($id: ID!) { gongCall(id: $id, includePrivate: true) { ${selection} } }`;
    const ids = sb.control
      .allCalls()
      .slice(-n)
      .map((c) => c.metaData.id);
    const bytes = async () =>
      (await gw.metrics.entityCacheBytes.get()).values.reduce((s, v) => s + v.value, 0);
    const upstream = () =>
      Object.entries(sb.control.counters()).filter(([k]) => k.includes(' /v2/'));

    sb.control.resetLog();
    for (const id of ids)
      expectData(await gql(gw.url, query, { id }), `call ${id} with every section`);
    const callsBytes = await bytes();
    const callRequests = upstream();
    let withTranscript = 0;
    for (const id of ids)
      if (
        expectData(
          await gql<{ gongCall: { transcript: unknown } | null }>(gw.url, TRANSCRIPT, { id }),
          `transcript ${id}`,
        ).gongCall?.transcript
      )
        withTranscript++;
    const allBytes = await bytes();
    // A second read of everything must be served from the cache: proof that all of it is held.
    sb.control.resetLog();
    for (const id of ids) {
      expectData(await gql(gw.url, query, { id }), `call ${id} again`);
      expectData(await gql(gw.url, TRANSCRIPT, { id }), `transcript ${id} again`);
    }
    const againBy = upstream();
    const again = againBy.reduce((s, [, c]) => s + c, 0);
    log(
      `views: cache bytes: ${n} calls ${callsBytes} B, with ${withTranscript} transcripts ${allBytes} B; upstream for the calls ${JSON.stringify(Object.fromEntries(callRequests))}, second read ${JSON.stringify(Object.fromEntries(againBy))}`,
    );
    const row = (what: string, b: number, count: number): Row => ({
      cached: what,
      items: count,
      'entity cache bytes': b,
      'bytes per item': count > 0 ? b / count : undefined,
      'KiB per item': count > 0 ? b / count / 1024 : undefined,
      'second read: upstream requests': again,
    });
    return {
      rows: [
        row('call with every section (no transcript)', callsBytes, n),
        row('transcript alone', allBytes - callsBytes, withTranscript),
        row('call with every section + its transcript', allBytes, n),
      ],
      raw: {
        n,
        withTranscript,
        callsBytes,
        allBytes,
        again: Object.fromEntries(againBy),
        firstRead: Object.fromEntries(callRequests),
        selection,
      },
    };
  } finally {
    await gw.close();
    await sb.close();
  }
}
