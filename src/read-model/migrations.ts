/**
 * The read model's schema, as ordered migrations run at start-up on either engine (docs/search.md
 * "Schema"). A migration is applied once, in a transaction, under an advisory lock, so instances
 * that share one Postgres server and start together migrate it once. Never edit an applied
 * migration: add the next one.
 *
 * Every row carries its connection (`conn`, the id of its ref in rm_connection) and every child
 * row's key is (conn, call_id) with a foreign key to its call, so a query that fixes `conn` can
 * only ever reach that connection's rows, and deleting a call removes everything it owned.
 */
import type { Sql } from './sql.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const child = (name: string, columns: string) => `
CREATE TABLE ${name} (
  conn integer NOT NULL,
  call_id text NOT NULL,
  ${columns},
  FOREIGN KEY (conn, call_id) REFERENCES rm_call (conn, call_id) ON DELETE CASCADE
);
CREATE INDEX ${name}_by_call ON ${name} (conn, call_id);`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'calls, parties, CRM objects, trackers, topics, sentences, fill state',
    sql: `
CREATE TABLE rm_connection (
  id serial PRIMARY KEY,
  ref text NOT NULL UNIQUE
);

CREATE TABLE rm_call (
  conn integer NOT NULL REFERENCES rm_connection (id),
  call_id text NOT NULL,
  started timestamptz NOT NULL,
  title text,
  workspace_id text,
  primary_user_id text,
  direction text,
  scope text,
  duration integer,
  language text,
  is_private boolean NOT NULL,
  -- Set by a MADE_PRIVATE change: a record read earlier cannot make the call public again.
  privacy_by_event boolean NOT NULL DEFAULT false,
  meta jsonb NOT NULL,
  -- The title's words, in the call's language (text search matches titles and sentences).
  title_tsv tsvector NOT NULL,
  -- Sections as Gong sent them; NULL: not held (a read that did not ask for them).
  parties jsonb,
  context jsonb,
  trackers jsonb,
  topics jsonb,
  -- 0: never asked, 1: held, 2: Gong had none when asked.
  transcript_state smallint NOT NULL DEFAULT 0,
  transcript_checked_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conn, call_id)
);
CREATE INDEX rm_call_by_start ON rm_call (conn, started DESC, call_id DESC);
CREATE INDEX rm_call_by_host ON rm_call (conn, primary_user_id, started DESC);
CREATE INDEX rm_call_by_workspace ON rm_call (conn, workspace_id, started DESC);
CREATE INDEX rm_call_title_text ON rm_call USING gin (title_tsv);
${child('rm_party', 'email text, domain text, user_id text')}
CREATE INDEX rm_party_by_email ON rm_party (conn, email);
CREATE INDEX rm_party_by_domain ON rm_party (conn, domain);
${child('rm_crm_object', 'object_id text NOT NULL, object_type text, system text')}
CREATE INDEX rm_crm_object_by_id ON rm_crm_object (conn, object_id);
${child('rm_tracker', 'name text NOT NULL, tracker_id text, count real')}
CREATE INDEX rm_tracker_by_name ON rm_tracker (conn, name);
${child('rm_topic', 'name text NOT NULL, duration real')}
CREATE INDEX rm_topic_by_name ON rm_topic (conn, name);
-- A transcript's words, one row per call, for matching (GIN): its sentences' words joined in
-- order (tsvector || shifts positions, so phrases keep their order); the sentences, for snippets.
CREATE AGGREGATE rm_tsvector_agg (tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');
${child('rm_transcript', 'tsv tsvector NOT NULL')}
CREATE INDEX rm_transcript_text ON rm_transcript USING gin (tsv);
${child('rm_sentence', 'seq integer NOT NULL, speaker_id text, start_ms integer, text text NOT NULL, tsv tsvector NOT NULL')}

-- The text search configurations a connection's sentences were indexed with (queries parse the
-- search text with each).
CREATE TABLE rm_text_config (
  conn integer NOT NULL REFERENCES rm_connection (id),
  config text NOT NULL,
  PRIMARY KEY (conn, config)
);

-- Calls Gong deleted: a record read before the deletion must not bring them back.
CREATE TABLE rm_tombstone (
  conn integer NOT NULL REFERENCES rm_connection (id),
  call_id text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (conn, call_id)
);

-- Calls to read again by id with the index's selector (changed, or seen without the sections the
-- index needs); shared by every instance, claimed by one.
CREATE TABLE rm_refresh (
  conn integer NOT NULL REFERENCES rm_connection (id),
  call_id text NOT NULL,
  due_at timestamptz NOT NULL,
  -- true: read again whatever the model holds (a change); false: only while a section is missing.
  changed boolean NOT NULL,
  claimed_until timestamptz,
  PRIMARY KEY (conn, call_id)
);
CREATE INDEX rm_refresh_by_due ON rm_refresh (due_at);

-- The fill of each connection: where it is, what it spent today, who runs it.
CREATE TABLE rm_fill (
  conn integer PRIMARY KEY REFERENCES rm_connection (id),
  window_from timestamptz NOT NULL,
  target_to timestamptz NOT NULL,
  position timestamptz NOT NULL,
  through timestamptz NOT NULL,
  calls_read integer NOT NULL DEFAULT 0,
  calls_expected integer NOT NULL DEFAULT 0,
  transcripts_read integer NOT NULL DEFAULT 0,
  requests integer NOT NULL DEFAULT 0,
  day integer NOT NULL DEFAULT 0,
  day_requests integer NOT NULL DEFAULT 0,
  done_at timestamptz,
  lease_owner text,
  lease_until timestamptz
);`,
  },
  {
    version: 2,
    name: 'narrow call rows, sentences as arrays per call, text matched through the index',
    sql: `
-- The call's record as Gong sent it (~2 KB of JSON) moves out of rm_call, which every filter and
-- every count scans: a row there is now ~300 bytes (rows under 2 KB are never TOASTed, so the
-- JSON made each filter read every call's whole record). A page reads the records of its hits only.
CREATE TABLE rm_call_record (
  conn integer NOT NULL,
  call_id text NOT NULL,
  meta jsonb NOT NULL,
  -- Sections as Gong sent them; NULL: not held (a read that did not ask for them).
  parties jsonb,
  context jsonb,
  trackers jsonb,
  topics jsonb,
  PRIMARY KEY (conn, call_id),
  FOREIGN KEY (conn, call_id) REFERENCES rm_call (conn, call_id) ON DELETE CASCADE
);
INSERT INTO rm_call_record (conn, call_id, meta, parties, context, trackers, topics)
  SELECT conn, call_id, meta, parties, context, trackers, topics FROM rm_call;
ALTER TABLE rm_call DROP COLUMN meta, DROP COLUMN parties, DROP COLUMN context,
  DROP COLUMN trackers, DROP COLUMN topics;

-- A transcript's sentences, one row per call with arrays in the order said: one compressed value
-- per column instead of a ~200-byte row (and an index entry) per sentence. Snippets unnest them
-- for a page's hits only, matching each sentence's own words (tsvs). Apart from rm_transcript,
-- whose rows the text match reads for every matching call: they stay small.
CREATE TABLE rm_transcript_sentences (
  conn integer NOT NULL,
  call_id text NOT NULL,
  sentences integer NOT NULL,
  speakers text[] NOT NULL,
  starts integer[] NOT NULL,
  texts text[] NOT NULL,
  tsvs tsvector[] NOT NULL,
  PRIMARY KEY (conn, call_id),
  FOREIGN KEY (conn, call_id) REFERENCES rm_call (conn, call_id) ON DELETE CASCADE
);
INSERT INTO rm_transcript_sentences (conn, call_id, sentences, speakers, starts, texts, tsvs)
  SELECT conn, call_id, count(*)::int, array_agg(speaker_id ORDER BY seq),
    array_agg(start_ms ORDER BY seq), array_agg(text ORDER BY seq), array_agg(tsv ORDER BY seq)
  FROM rm_sentence GROUP BY conn, call_id;
DROP TABLE rm_sentence;

-- No statistics on the word vectors (ALTER TYPE to the same type drops those gathered so far).
-- With them, a word found in most calls makes the planner read and decompress every transcript
-- instead of asking the GIN index, which answers a match of words (not a phrase) exactly without
-- reading any transcript: 100 ms against 6 ms for a word in 98% of 10,000 calls. Without them it
-- takes a match to be selective and always asks the index.
ALTER TABLE rm_transcript ALTER COLUMN tsv SET STATISTICS 0;
ALTER TABLE rm_transcript ALTER COLUMN tsv TYPE tsvector;
ALTER TABLE rm_call ALTER COLUMN title_tsv SET STATISTICS 0;
ALTER TABLE rm_call ALTER COLUMN title_tsv TYPE tsvector;`,
  },
  {
    version: 3,
    name: 'filter values on the call row',
    sql: `
-- What the list filters match, as arrays on the call's own row (NULL: the section is not held):
-- one scan of rm_call answers any combination of filters with no join. A join to a child table
-- hashed every call of the connection for a filter that matches most of them (a tracker, a topic,
-- a common domain): twice the time of the scan. GIN indexes serve the selective values.
ALTER TABLE rm_call ADD COLUMN emails text[], ADD COLUMN domains text[],
  ADD COLUMN crm_object_ids text[], ADD COLUMN tracker_names text[], ADD COLUMN topic_names text[];
UPDATE rm_call c SET
  emails = CASE WHEN r.parties IS NULL THEN NULL ELSE ARRAY(
    SELECT DISTINCT x.email FROM rm_party x
    WHERE x.conn = c.conn AND x.call_id = c.call_id AND x.email IS NOT NULL) END,
  domains = CASE WHEN r.parties IS NULL THEN NULL ELSE ARRAY(
    SELECT DISTINCT x.domain FROM rm_party x
    WHERE x.conn = c.conn AND x.call_id = c.call_id AND x.domain IS NOT NULL) END,
  crm_object_ids = CASE WHEN r.context IS NULL THEN NULL ELSE ARRAY(
    SELECT DISTINCT x.object_id FROM rm_crm_object x
    WHERE x.conn = c.conn AND x.call_id = c.call_id) END,
  tracker_names = CASE WHEN r.trackers IS NULL THEN NULL ELSE ARRAY(
    SELECT DISTINCT x.name FROM rm_tracker x WHERE x.conn = c.conn AND x.call_id = c.call_id) END,
  topic_names = CASE WHEN r.topics IS NULL THEN NULL ELSE ARRAY(
    SELECT DISTINCT x.name FROM rm_topic x WHERE x.conn = c.conn AND x.call_id = c.call_id) END
FROM rm_call_record r WHERE r.conn = c.conn AND r.call_id = c.call_id;
DROP TABLE rm_party, rm_crm_object, rm_tracker, rm_topic;
CREATE INDEX rm_call_by_email ON rm_call USING gin (emails);
-- Writes pass each call's arrays as JSON (unnest cannot take arrays of uneven arrays).
CREATE FUNCTION rm_text_array(jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT ARRAY(SELECT jsonb_array_elements_text($1))';
CREATE INDEX rm_call_by_domain ON rm_call USING gin (domains);
CREATE INDEX rm_call_by_crm_object ON rm_call USING gin (crm_object_ids);
CREATE INDEX rm_call_by_tracker ON rm_call USING gin (tracker_names);
CREATE INDEX rm_call_by_topic ON rm_call USING gin (topic_names);
`,
  },
  {
    version: 4,
    name: 'transcript words without positions, with phrases of two and three words, and config',
    sql: `
-- A transcript's words without positions and its phrases of two and three words as lexemes
-- (./phrases.ts): a phrase is then one exact GIN lookup instead of a check of every candidate's
-- positions. A gram is the words in the order said and the distance between each two
-- ('technic 1 lead'); its lexeme is a space and 48 bits of its MD5 in base64 (gramToken in
-- phrases.ts computes the same). The positional vector (tsv) stays for ranks and longer phrases.
CREATE FUNCTION rm_phrase_grams(tsvector) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT
      ' ' || encode(substring(decode(md5(g.gram), 'hex') FROM 1 FOR 6), 'base64'))), ''::tsvector)
  FROM (
    SELECT w.lexeme || ' ' || w.d1 || ' ' || w.l2 AS two,
      w.lexeme || ' ' || w.d1 || ' ' || w.l2 || ' ' || w.d2 || ' ' || w.l3 AS three
    FROM (
      SELECT u.lexeme, lead(u.lexeme) OVER o AS l2, lead(u.lexeme, 2) OVER o AS l3,
        lead(p.pos) OVER o - p.pos AS d1, lead(p.pos, 2) OVER o - lead(p.pos) OVER o AS d2
      FROM unnest($1) u CROSS JOIN LATERAL unnest(u.positions) AS p(pos)
      WINDOW o AS (ORDER BY p.pos)
    ) w
  ) s CROSS JOIN LATERAL (VALUES (s.two), (s.three)) AS g(gram)
  WHERE g.gram IS NOT NULL
$$;
-- The configuration the transcript was parsed with: a query parsed with another one is not asked
-- of it (the simple configuration's '"budget was approved"' has a 'was' no English vector holds,
-- so "-" of it excluded nothing there). NULL for rows from before: asked of every query.
ALTER TABLE rm_transcript ADD COLUMN config text;
ALTER TABLE rm_transcript ADD COLUMN words tsvector;
UPDATE rm_transcript SET words = strip(tsv) || rm_phrase_grams(tsv);
ALTER TABLE rm_transcript ALTER COLUMN words SET NOT NULL;
ALTER TABLE rm_transcript ALTER COLUMN words SET STATISTICS 0;
CREATE INDEX rm_transcript_words ON rm_transcript USING gin (words);
`,
  },
  {
    version: 5,
    name: 'the configuration a title was parsed with',
    sql: `
-- As rm_transcript.config, for titles: a query that excludes something is asked only of titles
-- parsed with its configuration. NULL for rows from before: asked of every query.
ALTER TABLE rm_call ADD COLUMN title_config text;
`,
  },
];

/** Applies every migration not applied yet; returns the versions it applied. */
export async function migrate(sql: Sql): Promise<number[]> {
  return sql.transaction(async (tx) => {
    // One instance at a time; the others wait, then find nothing left to do.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('gong-gateway read model'))`);
    await tx.query(`CREATE TABLE IF NOT EXISTS rm_migration (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM rm_migration')).map(
        (r) => r.version,
      ),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO rm_migration (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** Statements of a migration (they hold no `;` inside literals or bodies). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
