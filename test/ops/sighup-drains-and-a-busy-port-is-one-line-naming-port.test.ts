/**
 * `npm start`'s process (src/main.ts, embedded sandbox) as an operator meets it: SIGHUP (a closed
 * terminal, some supervisors) drains and exits 0 like SIGTERM instead of dying at once, and a
 * PORT that another process holds is one line on stderr naming PORT, with exit code 1.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { eventually, spawnMain as main } from './support.js';

describe('npm start', () => {
  it('SIGHUP drains the query in flight, then exits 0', async () => {
    const m = main({ PORT: '0', LOG_LEVEL: 'info', SANDBOX_CALLS: '20', SANDBOX_USERS: '5' });
    try {
      const [graphqlUrl, sandboxUrl] = await eventually(
        () => {
          const g = /GraphQL: (http:\/\/\S+)/.exec(m.out.stdout)?.[1];
          const s = /embedded Gong sandbox at (http:\/\/\S+)/.exec(m.out.stdout)?.[1];
          return g && s ? [g, s] : undefined;
        },
        20_000,
        'main.ts to print its URLs',
      );
      // A query whose second upstream request (the users) the sandbox holds for a second.
      await fetch(`${sandboxUrl}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: { type: 'latency', ms: 1000 },
          count: 1,
          pathPrefix: '/v2/users',
        }),
      });
      const query = fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ gongCalls(first: 2) { nodes { id primaryUser { id } } } }',
        }),
      }).then((r) => r.json() as Promise<{ data?: { gongCalls: { nodes: unknown[] } } }>);
      await eventually(
        async () => {
          const r = (await (await fetch(`${sandboxUrl}/__sandbox/requests`)).json()) as {
            requests: { path: string }[];
          };
          return r.requests.some((q) => q.path.startsWith('/v2/calls')) ? true : undefined;
        },
        10_000,
        'the query to reach the sandbox',
      );
      m.proc.kill('SIGHUP');
      expect((await query).data?.gongCalls.nodes).toHaveLength(2);
      expect(await m.exited).toBe(0);
      expect(m.out.stdout).toMatch(/"shutdown":"SIGHUP","inFlight":1,.*shutting down/);
    } finally {
      if (m.proc.exitCode === null) m.proc.kill('SIGKILL');
    }
  });

  it('a busy PORT is one line naming PORT, exit 1', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    try {
      const m = main({
        PORT: String(port),
        LOG_LEVEL: 'silent',
        SANDBOX_CALLS: '20',
        SANDBOX_USERS: '5',
      });
      expect(await m.exited).toBe(1);
      expect(m.out.stderr.trimEnd().split('\n')).toEqual([
        `Cannot start: PORT: port ${port} is already in use by another process; stop it or set PORT to a free port (0 picks one)`,
      ]);
    } finally {
      holder.close();
    }
  });
});
