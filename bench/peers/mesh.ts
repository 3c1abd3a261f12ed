/**
 * The GraphQL Mesh peer: Gong's own OpenAPI document composed with `@graphql-mesh/compose-cli` +
 * `@omnigraph/openapi`, served by `@graphql-hive/gateway` with its response cache on (the
 * one-line setup a team would try first). The spec changes it needs are in `gong-spec-for-mesh.ts`
 * and listed in bench/peers/README.md. A view is what a Mesh client must send: the call with its
 * parties and the transcript in one operation, then the users the call names in a second one.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/types.js';
import { expectData, gql } from '../lib/stack.js';
import { gongSpecForMesh } from './gong-spec-for-mesh.js';

/** The operations Mesh exposes as Query fields (Gong reads by POST; Mesh would make them mutations, which no cache keeps). */
export const READ_OPERATIONS = [
  { type: 'Query', fieldName: 'listCallsExtensive' },
  { type: 'Query', fieldName: 'getCallTranscripts' },
  { type: 'Query', fieldName: 'listMultipleUsers' },
] as const;

// Mesh types each answer as a union of the 200 body and ErrorResponse (one per status).
const CALL = `query Call($id: String!) {
  call: listCallsExtensive(input: { filter: { callIds: [$id] }, contentSelector: { exposedFields: { parties: true } } }) {
    ... on Calls { calls { metaData { id title started duration primaryUserId } parties { id name emailAddress userId } } }
    ... on ErrorResponse { errors }
  }
  transcript: getCallTranscripts(input: { filter: { callIds: [$id] } }) {
    ... on CallTranscripts { callTranscripts { callId transcript { speakerId topic sentences { start end text } } } }
    ... on ErrorResponse { errors }
  }
}`;
const USERS = `query Users($ids: [String]) {
  listMultipleUsers(input: { filter: { userIds: $ids } }) {
    ... on UsersMetadata { users { id emailAddress firstName lastName } }
    ... on ErrorResponse { errors }
  }
}`;

interface CallAnswer {
  call: {
    errors?: unknown;
    calls?: {
      metaData: { id: string; primaryUserId?: string | null };
      parties?: { userId?: string | null }[] | null;
    }[];
  } | null;
  transcript: {
    errors?: unknown;
    callTranscripts?: { callId: string; transcript: unknown[] }[];
  } | null;
}

export type MeshPeer =
  | {
      available: true;
      start(): Promise<{ view(id: string): Promise<ViewShape>; close(): Promise<void> }>;
    }
  | { available: false; reason: string };

/** The shape call-page-views counts (the same as the gateway's answer). */
interface ViewShape {
  /** Gong refused a part (ErrorResponse, e.g. a 429 after the retries): the view is incomplete. */
  failed?: boolean;
  gongCall: {
    id: string;
    primaryUser: { id: string } | null;
    parties: { user: { id: string } | null }[] | null;
    transcript: { monologues: unknown[] } | null;
  } | null;
}

/** Composition's own logger, silenced: its warnings are about spec parts this workload never uses. */
function quietLogger(): Record<string, unknown> {
  const self: Record<string, unknown> = { name: 'compose' };
  for (const m of ['log', 'warn', 'info', 'error', 'debug']) self[m] = () => undefined;
  self.child = () => self;
  self.addPrefix = () => self;
  return self;
}

export async function meshPeer(sb: Sandbox, log: (line: string) => void): Promise<MeshPeer> {
  let compose: typeof import('@graphql-mesh/compose-cli');
  let openapi: typeof import('@omnigraph/openapi');
  let hive: typeof import('@graphql-hive/gateway');
  try {
    compose = await import('@graphql-mesh/compose-cli');
    openapi = await import('@omnigraph/openapi');
    hive = await import('@graphql-hive/gateway');
  } catch (e) {
    return {
      available: false,
      reason: `not installed (npm i -D @graphql-mesh/compose-cli @omnigraph/openapi @graphql-hive/gateway): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gg-mesh-'));
  const specPath = join(dir, 'gong-openapi.json');
  const original = JSON.parse(
    readFileSync(new URL('../../docs/reference/gong-openapi.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  writeFileSync(specPath, JSON.stringify(gongSpecForMesh(original)));
  const auth = `Basic ${Buffer.from(`${sb.accessKey}:${sb.accessKeySecret}`).toString('base64')}`;
  const supergraph = await compose.getComposedSchemaFromConfig(
    {
      subgraphs: [
        {
          sourceHandler: openapi.loadOpenAPISubgraph('Gong', {
            source: specPath,
            endpoint: sb.url,
            operationHeaders: { Authorization: auth },
            selectQueryOrMutationField: [...READ_OPERATIONS],
          }),
        },
      ],
    },
    quietLogger() as Parameters<typeof compose.getComposedSchemaFromConfig>[1],
  );
  writeFileSync(join(dir, 'supergraph.graphql'), supergraph);
  log(`views: Mesh supergraph composed: ${join(dir, 'supergraph.graphql')}`);

  return {
    available: true,
    async start() {
      // The cache the `hive-gateway` CLI uses when none is configured (localforage, in memory on Node).
      const cache = new hive.LocalForageCacheStorage();
      // Gong's 429s are retried after Retry-After (Hive Gateway's upstreamRetry): Mesh has no limiter of its own.
      const runtime = hive.createGatewayRuntime({
        supergraph,
        cache,
        responseCaching: { session: () => null },
        upstreamRetry: { maxRetries: 20 },
        logging: false,
      });
      const server: Server = createServer(runtime.requestListener);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      return {
        async view(id: string): Promise<ViewShape> {
          const first = expectData(await gql<CallAnswer>(url, CALL, { id }), `mesh call ${id}`);
          const call = first.call?.calls?.[0];
          const failed = first.call?.errors !== undefined || first.transcript?.errors !== undefined;
          if (!call) return { failed, gongCall: null };
          const userIds = [
            ...new Set(
              [call.metaData.primaryUserId, ...(call.parties ?? []).map((p) => p.userId)].filter(
                (u): u is string => typeof u === 'string' && u.length > 0,
              ),
            ),
          ].sort();
          const users = userIds.length
            ? (expectData(
                await gql<{
                  listMultipleUsers: { errors?: unknown; users?: { id: string }[] } | null;
                }>(url, USERS, { ids: userIds }),
                `mesh users ${id}`,
              ).listMultipleUsers ?? {})
            : {};
          const usersFailed = 'errors' in users && users.errors !== undefined;
          const byId = new Map(('users' in users ? (users.users ?? []) : []).map((u) => [u.id, u]));
          const transcript = first.transcript?.callTranscripts?.find((t) => t.callId === id);
          return {
            failed: failed || usersFailed,
            gongCall: {
              id,
              primaryUser: call.metaData.primaryUserId
                ? (byId.get(call.metaData.primaryUserId) ?? null)
                : null,
              parties: (call.parties ?? []).map((p) => ({
                user: p.userId ? (byId.get(p.userId) ?? null) : null,
              })),
              transcript: transcript ? { monologues: transcript.transcript } : null,
            },
          };
        },
        async close() {
          await new Promise<void>((r) => server.close(() => r()));
          await runtime.dispose();
        },
      };
    },
  };
}
