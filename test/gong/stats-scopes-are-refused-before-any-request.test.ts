import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { makeClients, rejectionOf, scopedRegistry } from './support/clients.js';

describe('stats, settings and library scopes', () => {
  let sb: Sandbox;
  let clients: ReturnType<typeof makeClients>;

  beforeAll(async () => {
    sb = await startSandbox({ rateLimit: false, users: 10, calls: 40 });
    clients = makeClients(sb, {
      registry: scopedRegistry(sb, [
        { ref: 'limited', scopes: ['api:users:read'], status: 'ACTIVE' },
      ]),
    });
  });
  afterAll(async () => {
    await clients.close();
    await sb.close();
  });

  it('each endpoint whose scope the connection lacks is FORBIDDEN naming that scope, and Gong is never asked', async () => {
    const gong = clients.client('limited');
    const filter = { fromDate: '2024-01-01', toDate: '2024-02-01', userIds: ['1'] };
    const cases: [Promise<unknown>, string, string][] = [
      [
        gong.activityAggregate({ filter }),
        'api:stats:user-actions',
        'POST /v2/stats/activity/aggregate',
      ],
      [
        gong.activityByPeriod({ filter, aggregationPeriod: 'WEEK' }),
        'api:stats:user-actions',
        'POST /v2/stats/activity/aggregate-by-period',
      ],
      [
        gong.activityDayByDay({ filter }),
        'api:stats:user-actions:detailed',
        'POST /v2/stats/activity/day-by-day',
      ],
      [gong.interactionStats({ filter }), 'api:stats:interaction', 'POST /v2/stats/interaction'],
      [
        gong.answeredScorecards({ filter: {} }),
        'api:stats:scorecards',
        'POST /v2/stats/activity/scorecards',
      ],
      [gong.listScorecards(), 'api:settings:scorecards:read', 'GET /v2/settings/scorecards'],
      [gong.listTrackers(), 'api:settings:trackers:read', 'GET /v2/settings/trackers'],
      [gong.listLibraryFolders(), 'api:library:read', 'GET /v2/library/folders'],
      [gong.libraryFolderContent('1'), 'api:library:read', 'GET /v2/library/folder-content'],
    ];
    for (const [attempt, scope, endpoint] of cases) {
      const e = await rejectionOf(attempt);
      expect(e.code).toBe('FORBIDDEN');
      expect(e.details.scope).toBe(scope);
      expect(e.message).toContain(scope);
      expect(sb.control.counters()[endpoint] ?? 0).toBe(0);
    }
  });
});
