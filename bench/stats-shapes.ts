/**
 * Upstream requests for the stats, scorecard and library shapes: the gateway vs the lower bound
 * (a perfect REST client: one request per endpoint per dependency level, Gong's 100-record pages)
 * vs a per-user client (what resolvers without batching do: one request per user per endpoint).
 * Counts only, rate limit off: each extra request costs 1/3 s at Gong's limit.
 */
import { startSandbox } from '../src/sandbox/index.js';
import type { BenchOptions, ScenarioResult } from './lib/scenario.js';
import { restClient, type Rest } from './lib/rest.js';
import { counted, expectData, gql, startGatewayOn } from './lib/stack.js';
import { medianOf, repeat, verdict, type Row } from './lib/stats.js';

interface Paged {
  records?: { cursor?: string };
}

/** Every page of a paged POST (the cursor goes back in the body). */
async function allPagesOf<T extends Paged>(
  gong: Rest,
  path: string,
  body: Record<string, unknown>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page: T | null = await gong.post<T>(path, { ...body, ...(cursor ? { cursor } : {}) });
    if (!page) break;
    out.push(page);
    cursor = page.records?.cursor;
  } while (cursor);
  return out;
}

const day = (ms: number) => new Date(ms - 7 * 3_600_000).toISOString().slice(0, 10); // the tenant's -07:00

interface Shape {
  query: string;
  lowerBound(gong: Rest): Promise<void>;
  perUser(gong: Rest): Promise<void>;
}

function shapes(
  userIds: string[],
  folderIds: string[],
  from: string,
  to: string,
): Record<string, Shape> {
  const filter = (ids: string[]) => ({ filter: { fromDate: from, toDate: to, userIds: ids } });
  const each = (fn: (id: string) => Promise<unknown>) => async () =>
    void (await Promise.all(userIds.map(fn)));
  const ids = JSON.stringify(userIds);
  return {
    'activity-100-users (aggregate, by period, day by day)': {
      query: `{ gongActivity(userIds: ${ids}, from: "${from}", to: "${to}") { aggregate { callsAsHost } byPeriod { callsAsHost } days { callsAsHost } } }`,
      lowerBound: async (g) =>
        void (await Promise.all([
          allPagesOf(g, '/v2/stats/activity/aggregate', filter(userIds)),
          allPagesOf(g, '/v2/stats/activity/aggregate-by-period', {
            ...filter(userIds),
            aggregationPeriod: 'WEEK',
          }),
          allPagesOf(g, '/v2/stats/activity/day-by-day', filter(userIds)),
        ])),
      perUser: (g) =>
        each(async (id) =>
          Promise.all([
            g.post('/v2/stats/activity/aggregate', filter([id])),
            g.post('/v2/stats/activity/aggregate-by-period', {
              ...filter([id]),
              aggregationPeriod: 'WEEK',
            }),
            g.post('/v2/stats/activity/day-by-day', filter([id])),
          ]),
        )(),
    },
    'interaction-100-users': {
      query: `{ gongInteractionStats(userIds: ${ids}, from: "${from}", to: "${to}") { questionRate } }`,
      lowerBound: async (g) => void (await allPagesOf(g, '/v2/stats/interaction', filter(userIds))),
      perUser: (g) => each((id) => g.post('/v2/stats/interaction', filter([id])))(),
    },
    'users-scorecards-received (100 users, definitions)': {
      query: `{ gongUsers(first: 100) { nodes { id scorecardsReceived(from: "${from}") { scorecard { scorecardName } } } } }`,
      lowerBound: async (g) =>
        void (await Promise.all([
          g.get('/v2/users'),
          allPagesOf(g, '/v2/stats/activity/scorecards', {
            filter: { reviewFromDate: from, reviewedUserIds: userIds },
          }),
          g.get('/v2/settings/scorecards'),
        ])),
      perUser: async (g) => {
        await g.get('/v2/users');
        await g.get('/v2/settings/scorecards');
        await each((id) =>
          allPagesOf(g, '/v2/stats/activity/scorecards', {
            filter: { reviewFromDate: from, reviewedUserIds: [id] },
          }),
        )();
      },
    },
    'library-folders-calls (every folder, calls with host)': {
      query: '{ gongLibraryFolders { name calls { title primaryUser { emailAddress } } } }',
      // Gong reads one folder per request; the folders' calls are one extensive batch, their hosts one users batch.
      lowerBound: async (g) => {
        await g.get('/v2/library/folders');
        const contents = await Promise.all(
          folderIds.map((id) =>
            g.get<{ calls: { id: string }[] }>('/v2/library/folder-content', { folderId: id }),
          ),
        );
        const callIds = [...new Set(contents.flatMap((c) => c?.calls.map((x) => x.id) ?? []))];
        const calls = await g.post<{ calls: { metaData: { primaryUserId: string } }[] }>(
          '/v2/calls/extensive',
          { filter: { callIds } },
        );
        await g.post('/v2/users/extensive', {
          filter: {
            userIds: [...new Set(calls?.calls.map((c) => c.metaData.primaryUserId) ?? [])],
          },
        });
      },
      perUser: async (g) => {
        await g.get('/v2/library/folders');
        for (const id of folderIds) {
          const content = await g.get<{ calls: { id: string }[] }>('/v2/library/folder-content', {
            folderId: id,
          });
          for (const c of content?.calls ?? []) {
            const call = await g.get<{ call: { primaryUserId: string } }>(`/v2/calls/${c.id}`);
            if (call) await g.get(`/v2/users/${call.call.primaryUserId}`);
          }
        }
      },
    },
  };
}

export async function statsShapes(o: BenchOptions): Promise<ScenarioResult> {
  const tenant = o.quick ? { users: 30, calls: 300 } : { users: 120, calls: 2000 };
  const sandbox = await startSandbox({ seed: 42, ...tenant, rateLimit: false });
  const gw = await startGatewayOn(sandbox, {
    CACHE_TTL_SECONDS: '0',
    GONG_RATE_PER_SECOND: '1000',
    GONG_DAILY_BUDGET: '1000000',
  });
  const gong = restClient(sandbox.url, sandbox.accessKey, sandbox.accessKeySecret);
  const rows: Row[] = [];
  const raw: Record<string, { gateway: number; lowerBound: number; perUser: number }[]> = {};
  try {
    const users = expectData(
      await gql<{ gongUsers: { nodes: { id: string }[] }; gongLibraryFolders: { id: string }[] }>(
        gw.url,
        '{ gongUsers(first: 100) { nodes { id } } gongLibraryFolders { id } }',
      ),
      'ids',
    );
    const userIds = users.gongUsers.nodes.map((u) => u.id);
    const folderIds = users.gongLibraryFolders.map((f) => f.id);
    const to = day(Date.now());
    const from = day(Date.now() - 30 * 86_400_000);
    for (const [name, s] of Object.entries(shapes(userIds, folderIds, from, to))) {
      const runs = await repeat(o.runs, async () => ({
        gateway: await counted(
          sandbox,
          async () => void expectData(await gql(gw.url, s.query), name),
        ),
        lowerBound: await counted(sandbox, () => s.lowerBound(gong)),
        perUser: await counted(sandbox, () => s.perUser(gong)),
      }));
      raw[name] = runs;
      const m = (f: (r: (typeof runs)[number]) => number) => medianOf(runs, f);
      rows.push({
        shape: name,
        'gateway req': m((r) => r.gateway),
        'lower bound': m((r) => r.lowerBound),
        'per-user client req': m((r) => r.perUser),
        'per-user / gateway': m((r) => r.perUser / r.gateway),
        'target: = lower bound': verdict(m((r) => r.gateway) <= m((r) => r.lowerBound)),
      });
      o.log(
        `upstream ${name}: gateway ${m((r) => r.gateway)} / lower ${m((r) => r.lowerBound)} / per-user ${m((r) => r.perUser)}`,
      );
    }
  } finally {
    await gw.close();
    await sandbox.close();
  }
  return {
    raw,
    tables: [
      {
        title: 'Upstream efficiency: stats, scorecards and the library',
        note: `Tenant: ${tenant.users} users, ${tenant.calls} calls (seed 42); 100 users, the last 30 days. Request counts with the rate limit off (gateway cache off). Lower bound = a perfect REST client (one request per endpoint per dependency level; Gong pages 100 records; the library reads one folder per request). Per-user client = one request per user (per folder, per call) per endpoint, counted. Medians of ${o.runs} run(s).`,
        columns: [
          'shape',
          'gateway req',
          'lower bound',
          'per-user client req',
          'per-user / gateway',
          'target: = lower bound',
        ],
        rows,
      },
    ],
  };
}
