import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A port free a moment ago on 127.0.0.1, for a server a test starts on it (redis-server, Postgres,
 * a gateway whose URL must be known first). It lies below the kernel's ephemeral range, so no
 * process's listen(0) or outgoing connection can take it between the pick and the bind; two
 * suites picking the same one is left to chance over ten thousand ports (and redis retries).
 */
export async function freePort(also: readonly number[] = []): Promise<number> {
  let low = 32768;
  try {
    low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
  } catch {
    // not Linux: the IANA range starts higher still
  }
  // `also`: offsets from the port that must be free too (a Redis Cluster node's bus at +10000).
  const top = low - 1 - Math.max(0, ...also);
  for (let i = 0; i < 50; i++) {
    const port = top - Math.floor(Math.random() * Math.min(10_000, top - 1024));
    if (await canBind(port)) {
      const rest = await Promise.all(also.map((d) => canBind(port + d)));
      if (rest.every(Boolean)) return port;
    }
  }
  if (also.length > 0) throw new Error(`no free port with ${also.join(', ')} above it free too`);
  return ephemeralPort();
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}
