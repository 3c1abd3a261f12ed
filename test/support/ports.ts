import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A port free a moment ago on 127.0.0.1, for a server a test starts on it (redis-server, Postgres,
 * a gateway whose URL must be known first). It lies below the kernel's ephemeral range, so no
 * process's listen(0) or outgoing connection can take it between the pick and the bind; two
 * suites picking the same one is left to chance over ten thousand ports (and redis retries).
 */
export async function freePort(): Promise<number> {
  let low = 32768;
  try {
    low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
  } catch {
    // not Linux: the IANA range starts higher still
  }
  for (let i = 0; i < 50; i++) {
    const port = low - 1 - Math.floor(Math.random() * Math.min(10_000, low - 1024));
    if (await canBind(port)) return port;
  }
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
