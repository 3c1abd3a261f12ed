/**
 * Calls to read again by id with the index's selector: a change said they changed, or the model
 * saw them without a section its filters need (a `GET /v2/calls` page, a webhook's empty
 * context, a transcript of a call not seen yet). The queue is a table, so it survives restarts
 * and instances sharing a Postgres server read each call once: a batch is claimed (`FOR UPDATE
 * SKIP LOCKED`) by one of them. Calls the fill will still reach are not queued. Not public API.
 */
import type { Sql } from './sql.js';

export interface RefreshQueue {
  /** Read these again whatever the model holds. */
  enqueue(conn: number, callIds: readonly string[]): Promise<void>;
  /** Read these again if the model lacks one of their sections (and the fill will not read them). */
  enqueueIfLacking(conn: number, callIds: readonly string[]): Promise<void>;
  /** Claims up to `limit` due calls of one connection; `all` ignores the linger. */
  claim(
    limit: number,
    opts?: { all?: boolean },
  ): Promise<{ conn: number; callIds: string[] } | undefined>;
  /** Drops processed calls from the queue. */
  done(conn: number, callIds: readonly string[]): Promise<void>;
  /** Makes claimed calls due again after `delayMs` (a failed read). */
  retry(conn: number, callIds: readonly string[], delayMs: number): Promise<void>;
  /** Calls waiting. */
  size(): Promise<number>;
}

export function createRefreshQueue(sql: Sql, opts: { lingerMs: number }): RefreshQueue {
  const linger = opts.lingerMs;
  return {
    async enqueue(conn, callIds) {
      if (callIds.length === 0) return;
      await sql.query(
        `INSERT INTO rm_refresh (conn, call_id, due_at, changed)
         SELECT $1::int, unnest($2::text[]), now() + $3::int * interval '1 millisecond', true
         ON CONFLICT (conn, call_id) DO UPDATE SET changed = true`,
        [conn, callIds, linger],
      );
    },
    async enqueueIfLacking(conn, callIds) {
      if (callIds.length === 0) return;
      await sql.query(
        `INSERT INTO rm_refresh (conn, call_id, due_at, changed)
         SELECT c.conn, c.call_id, now() + $3::int * interval '1 millisecond', false
         FROM rm_call c JOIN rm_call_record d ON d.conn = c.conn AND d.call_id = c.call_id
           LEFT JOIN rm_fill f ON f.conn = c.conn
         WHERE c.conn = $1 AND c.call_id = ANY($2::text[])
           AND (d.parties IS NULL OR d.context IS NULL OR d.trackers IS NULL OR d.topics IS NULL)
           AND (f.conn IS NULL OR f.done_at IS NOT NULL OR c.started < f.position
             OR c.started >= f.target_to)
         ON CONFLICT DO NOTHING`,
        [conn, callIds, linger],
      );
    },
    async claim(limit, claimOpts = {}) {
      const due = claimOpts.all ? 'true' : 'r.due_at <= now()';
      const [first] = await sql.query<{ conn: number }>(
        `SELECT conn FROM rm_refresh r
         WHERE ${due} AND (r.claimed_until IS NULL OR r.claimed_until < now())
         ORDER BY due_at LIMIT 1`,
      );
      if (!first) return undefined;
      const rows = await sql.query<{ call_id: string }>(
        `UPDATE rm_refresh SET claimed_until = now() + interval '5 minutes'
         WHERE conn = $1 AND call_id IN (
           SELECT r.call_id FROM rm_refresh r
           WHERE r.conn = $1 AND ${due} AND (r.claimed_until IS NULL OR r.claimed_until < now())
           ORDER BY r.due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING call_id`,
        [first.conn, limit],
      );
      // Queued only for a missing section that another read has brought meanwhile: nothing to do.
      const moot = await sql.query<{ call_id: string }>(
        `DELETE FROM rm_refresh r USING rm_call_record d
         WHERE r.conn = $1 AND r.call_id = ANY($2::text[]) AND NOT r.changed
           AND d.conn = r.conn AND d.call_id = r.call_id AND d.parties IS NOT NULL
           AND d.context IS NOT NULL AND d.trackers IS NOT NULL AND d.topics IS NOT NULL
         RETURNING r.call_id`,
        [first.conn, rows.map((r) => r.call_id)],
      );
      const skip = new Set(moot.map((r) => r.call_id));
      return {
        conn: first.conn,
        callIds: rows.map((r) => r.call_id).filter((id) => !skip.has(id)),
      };
    },
    async done(conn, callIds) {
      if (callIds.length === 0) return;
      await sql.query('DELETE FROM rm_refresh WHERE conn = $1 AND call_id = ANY($2::text[])', [
        conn,
        callIds,
      ]);
    },
    async retry(conn, callIds, delayMs) {
      if (callIds.length === 0) return;
      await sql.query(
        `UPDATE rm_refresh SET claimed_until = NULL,
           due_at = now() + $3::int * interval '1 millisecond'
         WHERE conn = $1 AND call_id = ANY($2::text[])`,
        [conn, callIds, delayMs],
      );
    },
    async size() {
      const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_refresh');
      return row?.n ?? 0;
    },
  };
}
