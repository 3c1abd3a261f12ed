/**
 * What the search suites share: a gateway with the read model on either engine (PGlite in a fresh
 * copied directory, or a database on a real Postgres server), ground truth from the sandbox's own
 * tenant, and a helper that walks every page of a search.
 */
import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import type { CallData } from '../../src/gong/wire.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { startHarness, type Harness } from '../read/harness.js';
import { pgliteDir } from '../support/pglite.js';
import { describePostgres, runPostgres, type PostgresServer } from '../support/postgres.js';

export type Engine = 'pglite' | 'postgres';
export const ENGINES: Engine[] = ['pglite', 'postgres'];

/** `describe` for one engine: Postgres suites skip loudly when the server is not installed (never under CI). */
export const describeEngine = (engine: Engine): typeof describe =>
  engine === 'postgres' ? describePostgres : describe;

/** One database per gateway: a PGlite directory, or a database on the test run's Postgres server. */
export interface EngineStore {
  env(name: string): Promise<Record<string, string>>;
  /** Removes its PGlite directories (after the gateways using them closed). */
  close(): void;
}

export function engineStore(engine: Engine): EngineStore {
  const dirs: { remove(): void }[] = [];
  const server: PostgresServer | undefined = engine === 'postgres' ? runPostgres() : undefined;
  return {
    async env(name): Promise<Record<string, string>> {
      // The run's server is shared: a name of this suite's own.
      if (server)
        return {
          DATABASE_URL: await server.createDatabase(`${name}_${randomBytes(4).toString('hex')}`),
        };
      const d = await pgliteDir();
      dirs.push(d);
      return { READ_MODEL_DIR: d.dir };
    },
    close() {
      for (const d of dirs) d.remove();
    },
  };
}

/** A gateway over a fresh sandbox with the read model on; resolves once the first fill is done. */
export async function startSearchHarness(
  store: EngineStore,
  name: string,
  opts: Parameters<typeof startHarness>[0] = {},
): Promise<Harness> {
  const h = await startHarness({
    ...opts,
    sandbox: { users: 20, calls: 120, ...opts.sandbox },
    env: { READ_MODEL: 'on', ...(await store.env(name)), ...opts.env },
  });
  await h.gateway.readModel?.fillsSettled();
  await h.gateway.readModel?.settle();
  return h;
}

/** The sandbox's calls as Gong holds them (every section, private ones included). */
export const tenantCalls = (sb: Sandbox): CallData[] => sb.control.allCalls();

/** The tenant's transcripts, read straight from the sandbox's API (not through the gateway). */
export async function tenantTranscripts(
  sb: Sandbox,
  callIds: string[],
): Promise<Map<string, { speakerId: string | null; text: string }[]>> {
  const out = new Map<string, { speakerId: string | null; text: string }[]>();
  const auth = `Basic ${Buffer.from(`${sb.accessKey}:${sb.accessKeySecret}`).toString('base64')}`;
  for (let i = 0; i < callIds.length; i += 100) {
    let cursor: string | undefined;
    do {
      const res = await fetch(`${sb.url}/v2/calls/transcript`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ filter: { callIds: callIds.slice(i, i + 100) }, cursor }),
      });
      const body = (await res.json()) as {
        records: { cursor?: string };
        callTranscripts: {
          callId: string;
          transcript: { speakerId?: string | null; sentences: { text: string }[] }[];
        }[];
      };
      for (const t of body.callTranscripts)
        out.set(
          t.callId,
          t.transcript.flatMap((m) =>
            m.sentences.map((s) => ({ speakerId: m.speakerId ?? null, text: s.text })),
          ),
        );
      cursor = body.records.cursor;
    } while (cursor);
  }
  return out;
}

export interface Hit {
  score: number | null;
  call: { id: string; started: string; isPrivate: boolean | null };
  snippets: {
    speakerId: string | null;
    startMs: number | null;
    text: string;
    speaker: { speakerId: string | null } | null;
  }[];
}

export interface SearchPage {
  totalCount: number;
  hits: Hit[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  indexedThrough: string | null;
}

const SEARCH = `query($f: GongCallSearchFilter!, $first: Int, $after: String, $p: Boolean) {
  gongCallSearch(filter: $f, first: $first, after: $after, includePrivate: $p) {
    totalCount indexedThrough pageInfo { hasNextPage endCursor }
    hits { score call { id started isPrivate } snippets { speakerId startMs text speaker { speakerId } } }
  }
}`;

export async function searchPage(
  h: Harness,
  filter: Record<string, unknown>,
  opts: {
    first?: number;
    after?: string;
    includePrivate?: boolean;
    headers?: Record<string, string>;
  } = {},
): Promise<SearchPage> {
  const r = await h.gql<{ gongCallSearch: SearchPage }>(
    SEARCH,
    { f: filter, first: opts.first ?? 100, after: opts.after, p: opts.includePrivate ?? false },
    opts.headers,
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.gongCallSearch;
}

/** Every hit of a search, page after page; checks each page's totalCount agrees. */
export async function searchAll(
  h: Harness,
  filter: Record<string, unknown>,
  opts: { first?: number; includePrivate?: boolean; headers?: Record<string, string> } = {},
): Promise<{ totalCount: number; hits: Hit[] }> {
  const hits: Hit[] = [];
  let after: string | undefined;
  let totalCount = -1;
  for (let i = 0; i < 100; i++) {
    const page = await searchPage(h, filter, { ...opts, ...(after ? { after } : {}) });
    if (totalCount >= 0 && page.totalCount !== totalCount)
      throw new Error(`totalCount changed between pages: ${totalCount} then ${page.totalCount}`);
    totalCount = page.totalCount;
    hits.push(...page.hits);
    if (!page.pageInfo.hasNextPage) return { totalCount, hits };
    after = page.pageInfo.endCursor ?? undefined;
  }
  throw new Error('more than 100 pages');
}

/** Ids newest first (ties by id, descending), as an unranked search orders them. */
export const newestFirst = (calls: CallData[]): string[] =>
  [...calls]
    .sort(
      (a, b) =>
        Date.parse(b.metaData.started ?? '') - Date.parse(a.metaData.started ?? '') ||
        (a.metaData.id < b.metaData.id ? 1 : -1),
    )
    .map((c) => c.metaData.id);
