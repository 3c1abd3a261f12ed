/**
 * Writes to the read model: calls (with the sections a record holds), transcripts, deletions and
 * privacy changes. Each batch is one transaction that first upserts the calls' own rows, which
 * locks them, so two instances writing the same call one after the other never interleave its
 * child rows. Not public API.
 */
import type { CallData, CallTranscript } from '../gong/wire.js';
import type { ConfigOf } from './languages.js';
import { phraseGrams, type SaidLexeme } from './phrases.js';
import {
  basicContext,
  basicParty,
  filterValues,
  sentenceRows,
  trackersHeld,
  type FilterValues,
  type HeldSections,
} from './rows.js';
import type { Sql, SqlRunner } from './sql.js';

export interface CallRecord {
  call: CallData;
  held: HeldSections;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const EPOCH = '1970-01-01T00:00:00Z';

export interface Writes {
  /** The connection's id in rm_connection (created on first use, then remembered). */
  connId(ref: string): Promise<number>;
  /** Upserts calls; returns the ids it skipped because Gong deleted them. */
  upsertCalls(conn: number, records: readonly CallRecord[]): Promise<string[]>;
  /** Stores transcripts of calls the model holds; returns the call ids it did not hold. */
  upsertTranscripts(conn: number, transcripts: readonly CallTranscript[]): Promise<string[]>;
  /** Gong had no transcript for these calls when asked. */
  markTranscriptsMissing(conn: number, callIds: readonly string[]): Promise<void>;
  /**
   * Removes the calls and everything they owned. With `tombstone` (Gong deleted them) they stay
   * out: a record read before the deletion cannot bring them back.
   */
  deleteCalls(
    conn: number,
    callIds: readonly string[],
    opts: { tombstone: boolean },
  ): Promise<void>;
  /** A change said so: wins over records read before it (see rm_call.privacy_by_event). */
  setPrivacy(conn: number, callId: string, isPrivate: boolean): Promise<void>;
  /** A change renamed or otherwise updated the call's basic fields. */
  updateMeta(conn: number, call: CallData['metaData']): Promise<void>;
  /** Which of these held calls Gong was never asked the transcript of. */
  lackingTranscripts(conn: number, callIds: readonly string[]): Promise<string[]>;
  /** Up to `limit` held calls that started before `before` (ms) whose transcript was never asked. */
  transcriptsNeverAsked(conn: number, before: number, limit: number): Promise<string[]>;
  /** The ref of a connection id. */
  refOf(conn: number): Promise<string | undefined>;
  /** Drops calls that started before `before` (ms): the model keeps READ_MODEL_DAYS. */
  prune(conn: number, before: number): Promise<number>;
}

export function createWrites(sql: Sql, configOf: ConfigOf): Writes {
  const ids = new Map<string, Promise<number>>();
  const connId = (ref: string) => {
    let id = ids.get(ref);
    if (!id) {
      id = (async () => {
        await sql.query(
          'INSERT INTO rm_connection (ref) VALUES ($1) ON CONFLICT (ref) DO NOTHING',
          [ref],
        );
        const [row] = await sql.query<{ id: number }>(
          'SELECT id FROM rm_connection WHERE ref = $1',
          [ref],
        );
        if (!row) throw new Error('rm_connection: the row just inserted is missing');
        return row.id;
      })();
      id.catch(() => ids.delete(ref));
      ids.set(ref, id);
    }
    return id;
  };

  const tombstoned = async (tx: SqlRunner, conn: number, callIds: string[]) =>
    new Set(
      (
        await tx.query<{ call_id: string }>(
          'SELECT call_id FROM rm_tombstone WHERE conn = $1 AND call_id = ANY($2::text[])',
          [conn, callIds],
        )
      ).map((r) => r.call_id),
    );

  async function upsertCalls(conn: number, records: readonly CallRecord[]): Promise<string[]> {
    // One record per call: the last one read wins.
    const byId = new Map(records.map((r) => [r.call.metaData.id, r]));
    if (byId.size === 0) return [];
    return sql.transaction(async (tx) => {
      const gone = await tombstoned(tx, conn, [...byId.keys()]);
      const live = [...byId.values()].filter((r) => !gone.has(r.call.metaData.id));
      if (live.length === 0) return [...gone];
      const m = live.map((r) => r.call.metaData);
      const col = <T>(f: (r: CallRecord) => T) => live.map(f);
      const ids = m.map((x) => x.id);
      const values = live.map((r) => filterValues(r.call, r.held));
      // NULL (not held) stays NULL: the call keeps the values it had.
      const list = (f: (v: FilterValues) => string[] | null) =>
        values.map((v) => (f(v) === null ? null : JSON.stringify(f(v))));
      await tx.query(
        `INSERT INTO rm_call AS c (conn, call_id, started, title, workspace_id, primary_user_id,
           direction, scope, duration, language, is_private, title_config, title_tsv,
           emails, domains, crm_object_ids, tracker_names, topic_names)
         SELECT $1::int, u.id, u.started::timestamptz, u.title, u.ws, u.host, u.dir, u.scope, u.dur,
           u.lang, u.priv, u.config, to_tsvector(u.config::regconfig, coalesce(u.title, '')),
           rm_text_array(u.emails::jsonb), rm_text_array(u.domains::jsonb),
           rm_text_array(u.crm::jsonb), rm_text_array(u.trackers::jsonb),
           rm_text_array(u.topics::jsonb)
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::text[], $9::int[], $10::text[], $11::boolean[], $12::text[], $13::text[],
           $14::text[], $15::text[], $16::text[], $17::text[])
           AS u(id, started, title, ws, host, dir, scope, dur, lang, priv, config, emails, domains,
             crm, trackers, topics)
         ON CONFLICT (conn, call_id) DO UPDATE SET
           started = EXCLUDED.started, title = EXCLUDED.title, title_tsv = EXCLUDED.title_tsv,
           title_config = EXCLUDED.title_config,
           workspace_id = EXCLUDED.workspace_id,
           primary_user_id = EXCLUDED.primary_user_id, direction = EXCLUDED.direction,
           scope = EXCLUDED.scope, duration = EXCLUDED.duration, language = EXCLUDED.language,
           is_private = EXCLUDED.is_private OR (c.privacy_by_event AND c.is_private),
           emails = COALESCE(EXCLUDED.emails, c.emails),
           domains = COALESCE(EXCLUDED.domains, c.domains),
           crm_object_ids = COALESCE(EXCLUDED.crm_object_ids, c.crm_object_ids),
           tracker_names = COALESCE(EXCLUDED.tracker_names, c.tracker_names),
           topic_names = COALESCE(EXCLUDED.topic_names, c.topic_names),
           updated_at = now()`,
        [
          conn,
          ids,
          m.map((x) => x.started ?? x.scheduled ?? EPOCH),
          m.map((x) => x.title ?? null),
          m.map((x) => x.workspaceId ?? null),
          m.map((x) => x.primaryUserId ?? null),
          m.map((x) => x.direction ?? null),
          m.map((x) => x.scope ?? null),
          m.map((x) => (x.duration == null ? null : Math.round(x.duration))),
          m.map((x) => x.language ?? null),
          m.map((x) => x.isPrivate === true),
          m.map((x) => configOf(x.language)),
          list((v) => v.emails),
          list((v) => v.domains),
          list((v) => v.crmObjectIds),
          list((v) => v.trackerNames),
          list((v) => v.topicNames),
        ],
      );
      await tx.query(
        `INSERT INTO rm_call_record AS r (conn, call_id, meta, parties, context, trackers, topics)
         SELECT $1::int, u.id, u.meta::jsonb, u.parties::jsonb, u.context::jsonb,
           u.trackers::jsonb, u.topics::jsonb
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           AS u(id, meta, parties, context, trackers, topics)
         ON CONFLICT (conn, call_id) DO UPDATE SET
           meta = EXCLUDED.meta,
           parties = COALESCE(EXCLUDED.parties, r.parties),
           context = COALESCE(EXCLUDED.context, r.context),
           trackers = COALESCE(EXCLUDED.trackers, r.trackers),
           topics = COALESCE(EXCLUDED.topics, r.topics)`,
        [
          conn,
          ids,
          m.map((x) => JSON.stringify(x)),
          col((r) => (r.held.parties ? json((r.call.parties ?? []).map(basicParty)) : null)),
          col((r) => (r.held.context ? json(basicContext(r.call.context)) : null)),
          col((r) => (r.held.trackers ? json(trackersHeld(r.call)) : null)),
          col((r) => (r.held.topics ? json(r.call.content?.topics ?? []) : null)),
        ],
      );
      await tx.query(
        `INSERT INTO rm_text_config (conn, config) SELECT $1::int, unnest($2::text[])
         ON CONFLICT DO NOTHING`,
        [conn, [...new Set(m.map((x) => configOf(x.language)))]],
      );

      return [...gone];
    });
  }

  async function upsertTranscripts(
    conn: number,
    transcripts: readonly CallTranscript[],
  ): Promise<string[]> {
    const byId = new Map(transcripts.map((t) => [t.callId, t]));
    if (byId.size === 0) return [];
    return sql.transaction(async (tx) => {
      // Locks the calls' rows (see the file comment) and says which calls are held, in which language.
      const held = await tx.query<{ call_id: string; language: string | null }>(
        `UPDATE rm_call SET transcript_state = 1, transcript_checked_at = now()
         WHERE conn = $1 AND call_id = ANY($2::text[]) RETURNING call_id, language`,
        [conn, [...byId.keys()]],
      );
      const heldIds = held.map((h) => h.call_id);
      if (heldIds.length > 0) {
        for (const table of ['rm_transcript', 'rm_transcript_sentences'])
          await tx.query(`DELETE FROM ${table} WHERE conn = $1 AND call_id = ANY($2::text[])`, [
            conn,
            heldIds,
          ]);
        const cols: [string[], number[], (string | null)[], number[], string[], string[]] = [
          [],
          [],
          [],
          [],
          [],
          [],
        ];
        // Each call's text search configuration, from its language.
        const configs = new Map<string, string>();
        for (const h of held) {
          const config = configOf(h.language);
          configs.set(h.call_id, config);
          for (const s of sentenceRows(byId.get(h.call_id) as CallTranscript)) {
            cols[0].push(h.call_id);
            cols[1].push(s.seq);
            cols[2].push(s.speakerId);
            cols[3].push(s.startMs);
            cols[4].push(s.text);
            cols[5].push(config);
          }
        }
        // Per call: the words of the whole transcript (its sentences' vectors joined in order:
        // tsvector || shifts positions, so a phrase keeps its order) and its phrases (grams, see
        // phrases.ts) for matching, and the sentences as arrays for snippets. A transcript
        // without sentences has neither.
        if (cols[0].length > 0) {
          await tx.query(
            `INSERT INTO rm_transcript_sentences (conn, call_id, sentences, speakers, starts, texts, tsvs)
             SELECT $1::int, s.call_id, count(*)::int, array_agg(s.speaker ORDER BY s.seq),
               array_agg(s.start_ms ORDER BY s.seq), array_agg(s.text ORDER BY s.seq),
               array_agg(to_tsvector(s.config::regconfig, s.text) ORDER BY s.seq)
             FROM unnest($2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[])
               AS s(call_id, seq, speaker, start_ms, text, config)
             GROUP BY s.call_id`,
            [conn, ...cols],
          );
          // The grams are made here from the words' positions (phrases.ts), not by SQL's
          // rm_phrase_grams: about 4 ms a call on PGlite instead of 6. So the calls' words are
          // joined twice, to read their positions and to store them: a join is a fraction of a
          // millisecond a call, and storing the vector read back would cost a parse of its text.
          const callWords = `SELECT s.call_id, rm_tsvector_agg(x.tsv ORDER BY x.seq) AS tsv
            FROM rm_transcript_sentences s, unnest(s.tsvs) WITH ORDINALITY AS x(tsv, seq)
            WHERE s.conn = $1 AND s.call_id = ANY($2::text[])
            GROUP BY s.call_id`;
          const said = new Map<string, SaidLexeme[]>();
          for (const r of await tx.query<SaidLexeme & { call_id: string }>(
            `SELECT w.call_id, u.lexeme, u.positions FROM (${callWords}) w, unnest(w.tsv) u`,
            [conn, heldIds],
          )) {
            const lexemes = said.get(r.call_id) ?? [];
            if (lexemes.length === 0) said.set(r.call_id, lexemes);
            lexemes.push(r);
          }
          await tx.query(
            `INSERT INTO rm_transcript (conn, call_id, config, tsv, words)
             SELECT $1::int, w.call_id, k.config, w.tsv,
               strip(w.tsv) || array_to_tsvector(rm_text_array(k.grams::jsonb))
             FROM (${callWords}) w
             JOIN unnest($2::text[], $3::text[], $4::text[]) AS k(call_id, config, grams)
               USING (call_id)`,
            [
              conn,
              heldIds,
              heldIds.map((id) => configs.get(id)),
              heldIds.map((id) => JSON.stringify(phraseGrams(said.get(id) ?? []))),
            ],
          );
        }
        await tx.query(
          `INSERT INTO rm_text_config (conn, config) SELECT $1::int, unnest($2::text[])
           ON CONFLICT DO NOTHING`,
          [conn, [...new Set(configs.values())]],
        );
      }
      const heldSet = new Set(heldIds);
      return [...byId.keys()].filter((id) => !heldSet.has(id));
    });
  }

  return {
    connId,
    upsertCalls,
    upsertTranscripts,
    async markTranscriptsMissing(conn, callIds) {
      if (callIds.length === 0) return;
      await sql.query(
        `UPDATE rm_call SET transcript_state = 2, transcript_checked_at = now()
         WHERE conn = $1 AND call_id = ANY($2::text[]) AND transcript_state <> 1`,
        [conn, callIds],
      );
    },
    async deleteCalls(conn, callIds, opts) {
      if (callIds.length === 0) return;
      await sql.transaction(async (tx) => {
        if (opts.tombstone)
          await tx.query(
            `INSERT INTO rm_tombstone (conn, call_id, at) SELECT $1::int, unnest($2::text[]), now()
           ON CONFLICT DO NOTHING`,
            [conn, callIds],
          );
        await tx.query('DELETE FROM rm_call WHERE conn = $1 AND call_id = ANY($2::text[])', [
          conn,
          callIds,
        ]);
        await tx.query('DELETE FROM rm_refresh WHERE conn = $1 AND call_id = ANY($2::text[])', [
          conn,
          callIds,
        ]);
      });
    },
    async setPrivacy(conn, callId, isPrivate) {
      await sql.query(
        `UPDATE rm_call SET is_private = $3, privacy_by_event = $3, updated_at = now()
         WHERE conn = $1 AND call_id = $2`,
        [conn, callId, isPrivate],
      );
    },
    async lackingTranscripts(conn, callIds) {
      if (callIds.length === 0) return [];
      const rows = await sql.query<{ call_id: string }>(
        `SELECT call_id FROM rm_call
         WHERE conn = $1 AND call_id = ANY($2::text[]) AND transcript_state = 0`,
        [conn, callIds],
      );
      return rows.map((r) => r.call_id);
    },
    async transcriptsNeverAsked(conn, before, limit) {
      const rows = await sql.query<{ call_id: string }>(
        `SELECT call_id FROM rm_call
         WHERE conn = $1 AND transcript_state = 0 AND started < $2::timestamptz
         ORDER BY started LIMIT $3`,
        [conn, new Date(before).toISOString(), limit],
      );
      return rows.map((r) => r.call_id);
    },
    async refOf(conn) {
      const [row] = await sql.query<{ ref: string }>(
        'SELECT ref FROM rm_connection WHERE id = $1',
        [conn],
      );
      return row?.ref;
    },
    async prune(conn, before) {
      const at = new Date(before).toISOString();
      await sql.query('DELETE FROM rm_tombstone WHERE conn = $1 AND at < $2::timestamptz', [
        conn,
        at,
      ]);
      const rows = await sql.query(
        'DELETE FROM rm_call WHERE conn = $1 AND started < $2::timestamptz RETURNING call_id',
        [conn, at],
      );
      return rows.length;
    },
    async updateMeta(conn, m) {
      await sql.transaction(async (tx) => {
        await tx.query(
          `UPDATE rm_call SET title = $3, started = COALESCE($4::timestamptz, started),
             workspace_id = $5, primary_user_id = $6, direction = $7, scope = $8, duration = $9,
             language = $10, updated_at = now(),
             title_tsv = to_tsvector($11::regconfig, coalesce($3, '')), title_config = $11::text
           WHERE conn = $1 AND call_id = $2`,
          [
            conn,
            m.id,
            m.title ?? null,
            m.started ?? null,
            m.workspaceId ?? null,
            m.primaryUserId ?? null,
            m.direction ?? null,
            m.scope ?? null,
            m.duration == null ? null : Math.round(m.duration),
            m.language ?? null,
            configOf(m.language),
          ],
        );
        await tx.query(
          'UPDATE rm_call_record SET meta = $3::jsonb WHERE conn = $1 AND call_id = $2',
          [conn, m.id, JSON.stringify(m)],
        );
      });
    },
  };
}
