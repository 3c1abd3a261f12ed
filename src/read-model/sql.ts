/**
 * The one SQL surface of the read model. Two engines speak it: PGlite (Postgres compiled to WASM,
 * embedded, a directory on disk) and a Postgres server through `pg`. Every statement is plain
 * Postgres with `$n` parameters, so the same migrations and queries run on both; nothing above
 * this file knows which engine it talks to. Not public API.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PoolClient, QueryResultRow } from 'pg';

export type Engine = 'pglite' | 'postgres';

/** What a statement can run on: the pool, or one transaction. */
export interface SqlRunner {
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface Sql extends SqlRunner {
  readonly engine: Engine;
  /** Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Hands back the disk the engine's write-ahead log holds after many writes. PGlite is Postgres
   * in single-user mode: no checkpointer runs, so its WAL grows until a checkpoint; this writes
   * one. A server's checkpointer does it on its own (a no-op there).
   */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/**
 * PGlite in `dir` (created if missing). One process per directory: PGlite is single-user
 * Postgres, so two gateways must not share a READ_MODEL_DIR.
 */
export async function openPglite(dir: string): Promise<Sql> {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  // relaxedDurability: a write returns before the WAL reaches the disk; a crash can lose the last
  // writes, which the model gets back from Gong (the fill resumes from what was stored).
  // A small WAL: a checkpoint keeps (recycles) up to max_wal_size of segments for later writes,
  // and the default 1 GB made a filled 10,000-call directory 2.5 times its tables.
  const db = await PGlite.create({
    dataDir: path,
    relaxedDurability: true,
    startParams: [
      ...PGlite.defaultStartParams,
      '-c',
      'max_wal_size=64MB',
      '-c',
      'min_wal_size=32MB',
    ],
  });
  return {
    engine: 'pglite',
    query: async <R extends object>(text: string, params?: unknown[]) =>
      (await db.query<R>(text, params)).rows,
    transaction: <T>(fn: (tx: SqlRunner) => Promise<T>) =>
      db.transaction((tx) =>
        fn({
          query: async <R extends object>(text: string, params?: unknown[]) =>
            (await tx.query<R>(text, params)).rows,
        }),
      ),
    checkpoint: async () => {
      await db.query('CHECKPOINT');
    },
    close: () => db.close(),
  };
}

/** A Postgres server (DATABASE_URL), through a small `pg` pool shared by every query. */
export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Sql> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 5 });
  // An idle client that loses its server emits 'error' on the pool; the next query reconnects.
  pool.on('error', () => undefined);
  const run =
    (client: Pick<PoolClient, 'query'>) =>
    async <R extends object>(text: string, params?: unknown[]) =>
      (await client.query<R & QueryResultRow>(text, params)).rows as R[];
  return {
    engine: 'postgres',
    query: run(pool),
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({ query: run(client) });
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    checkpoint: () => Promise.resolve(),
    close: () => pool.end(),
  };
}
