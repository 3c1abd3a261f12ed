import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
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

/**
 * A free port below the kernel's ephemeral range, for a server that binds it only seconds later
 * (the run's Postgres, after initdb): `freePort()` hands out ephemeral ports, so no test can be
 * given this one in the meantime.
 */
export async function freePortBelowEphemeral(): Promise<number> {
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
  return freePort();
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
