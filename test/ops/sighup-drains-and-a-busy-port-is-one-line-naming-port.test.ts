/**
 * `npm start`'s process (built, embedded sandbox) as an operator meets it: SIGHUP (a closed
 * terminal, some supervisors) drains and exits 0 like SIGTERM instead of dying at once, and a
 * PORT that another process holds is one line on stderr naming PORT, with exit code 1.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  holdNextAnswer,
  runMain,
  startGatewayProcess,
  untilSandboxSaw,
} from '../support/gateway-process.js';

const ENV = { HOST: '127.0.0.1', SANDBOX_CALLS: '20', SANDBOX_USERS: '5' };

describe('npm start', () => {
  it('SIGHUP drains the query in flight, then exits 0', async () => {
    const m = await startGatewayProcess({ ...ENV, PORT: '0', LOG_LEVEL: 'info' });
    try {
      const graphqlUrl = m.url;
      const sandboxUrl = m.sandboxUrl!;
      // A query whose second upstream request (the users) the sandbox holds for a second.
      await holdNextAnswer(sandboxUrl, '/v2/users', 1000);
      const query = fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ gongCalls(first: 2) { nodes { id primaryUser { id } } } }',
        }),
      }).then((r) => r.json() as Promise<{ data?: { gongCalls: { nodes: unknown[] } } }>);
      await untilSandboxSaw(sandboxUrl, '/v2/calls');
      m.proc.kill('SIGHUP');
      expect((await query).data?.gongCalls.nodes).toHaveLength(2);
      expect(await m.exited).toBe(0);
      expect(m.output()).toMatch(/"shutdown":"SIGHUP","inFlight":1,.*shutting down/);
    } finally {
      await m.stop(0);
    }
  });

  it('a busy PORT is one line naming PORT, exit 1', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    try {
      const m = await runMain({ ...ENV, PORT: String(port), LOG_LEVEL: 'silent' });
      expect(m.code).toBe(1);
      expect(m.stderr.trimEnd().split('\n')).toEqual([
        `Cannot start: PORT: port ${port} is already in use by another process; stop it or set PORT to a free port (0 picks one)`,
      ]);
    } finally {
      holder.close();
    }
  });
});
