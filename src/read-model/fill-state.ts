/**
 * The fill's durable state per connection (rm_fill): the window it walks, where it is, what it
 * has read, what it spent today (the read model's daily share of the Gong budget, shared by the
 * fill and the refreshes, and by every instance on one Postgres server) and which instance holds
 * the lease to run it. Not public API.
 */
import type { Sql } from './sql.js';

export interface FillRow {
  windowFrom: Date;
  targetTo: Date;
  /** Every call that started in [windowFrom, position) has been read in this run. */
  position: Date;
  /** Every call that started in [the model's window start, through) has been read (indexedThrough). */
  through: Date;
  callsRead: number;
  callsExpected: number;
  transcriptsRead: number;
  requests: number;
  day: number;
  dayRequests: number;
  doneAt: Date | null;
}

interface Row {
  window_from: Date;
  target_to: Date;
  position: Date;
  through: Date;
  calls_read: number;
  calls_expected: number;
  transcripts_read: number;
  requests: number;
  day: number;
  day_requests: number;
  done_at: Date | null;
}

const COLUMNS = `window_from, target_to, position, through, calls_read, calls_expected,
  transcripts_read, requests, day, day_requests, done_at`;

const toFill = (r: Row): FillRow => ({
  windowFrom: new Date(r.window_from),
  targetTo: new Date(r.target_to),
  position: new Date(r.position),
  through: new Date(r.through),
  callsRead: r.calls_read,
  callsExpected: r.calls_expected,
  transcriptsRead: r.transcripts_read,
  requests: r.requests,
  day: r.day,
  dayRequests: r.day_requests,
  doneAt: r.done_at ? new Date(r.done_at) : null,
});

export const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export interface FillState {
  get(conn: number): Promise<FillRow | undefined>;
  all(): Promise<FillRow[]>;
  /** The state, created for a first run over [from, to) when there is none. */
  ensure(conn: number, from: number, to: number): Promise<FillRow>;
  /** Starts a run over [from, to) after a finished one; `through` stays where it was. */
  restart(conn: number, from: number, to: number): Promise<FillRow>;
  /** A page was stored: the walk reached `position`. */
  advance(
    conn: number,
    step: { position: number; calls: number; transcripts: number; expected?: number },
  ): Promise<void>;
  finish(conn: number, at: number): Promise<void>;
  /**
   * Spends `n` requests of today's share (UTC day of `now`) if they fit under `cap`; false when
   * they do not (nothing is spent).
   */
  spend(conn: number, n: number, cap: number, now: number): Promise<boolean>;
  /** Takes (or renews) the lease to run the fill; false while another instance holds it. */
  lease(conn: number, owner: string, ms: number): Promise<boolean>;
  release(conn: number, owner: string): Promise<void>;
}

export function createFillState(sql: Sql): FillState {
  const one = async (text: string, params: unknown[]) => {
    const [row] = await sql.query<Row>(text, params);
    if (!row) throw new Error('rm_fill: no row for the connection');
    return toFill(row);
  };
  return {
    async get(conn) {
      const [row] = await sql.query<Row>(`SELECT ${COLUMNS} FROM rm_fill WHERE conn = $1`, [conn]);
      return row ? toFill(row) : undefined;
    },
    async all() {
      return (await sql.query<Row>(`SELECT ${COLUMNS} FROM rm_fill`)).map(toFill);
    },
    async ensure(conn, from, to) {
      await sql.query(
        `INSERT INTO rm_fill (conn, window_from, target_to, position, through)
         VALUES ($1, $2::timestamptz, $3::timestamptz, $2::timestamptz, $2::timestamptz)
         ON CONFLICT (conn) DO NOTHING`,
        [conn, iso(from), iso(to)],
      );
      return one(`SELECT ${COLUMNS} FROM rm_fill WHERE conn = $1`, [conn]);
    },
    restart: (conn, from, to) =>
      one(
        `UPDATE rm_fill SET window_from = $2::timestamptz, target_to = $3::timestamptz,
           position = $2::timestamptz, calls_read = 0, calls_expected = 0, transcripts_read = 0,
           done_at = NULL
         WHERE conn = $1 RETURNING ${COLUMNS}`,
        [conn, iso(from), iso(to)],
      ),
    async advance(conn, step) {
      await sql.query(
        `UPDATE rm_fill SET position = GREATEST(position, $2::timestamptz),
           through = GREATEST(through, $2::timestamptz),
           calls_read = calls_read + $3, transcripts_read = transcripts_read + $4,
           calls_expected = COALESCE($5::int, calls_expected)
         WHERE conn = $1`,
        [conn, iso(step.position), step.calls, step.transcripts, step.expected ?? null],
      );
    },
    async finish(conn, at) {
      await sql.query(
        `UPDATE rm_fill SET position = target_to, through = GREATEST(through, target_to),
           done_at = $2::timestamptz, calls_expected = calls_read
         WHERE conn = $1`,
        [conn, iso(at)],
      );
    },
    async spend(conn, n, cap, now) {
      const day = Math.floor(now / DAY_MS);
      const rows = await sql.query(
        `UPDATE rm_fill SET day = $2, requests = requests + $3,
           day_requests = CASE WHEN day = $2 THEN day_requests + $3 ELSE $3 END
         WHERE conn = $1 AND (CASE WHEN day = $2 THEN day_requests ELSE 0 END) + $3 <= $4
         RETURNING day_requests`,
        [conn, day, n, cap],
      );
      return rows.length > 0;
    },
    async lease(conn, owner, ms) {
      const rows = await sql.query(
        `UPDATE rm_fill SET lease_owner = $2, lease_until = now() + $3::int * interval '1 millisecond'
         WHERE conn = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now())
         RETURNING conn`,
        [conn, owner, ms],
      );
      return rows.length > 0;
    },
    async release(conn, owner) {
      await sql.query(
        'UPDATE rm_fill SET lease_owner = NULL, lease_until = NULL WHERE conn = $1 AND lease_owner = $2',
        [conn, owner],
      );
    },
  };
}
