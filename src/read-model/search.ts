/**
 * Search queries over the read model: the filters AND-ed, each list matching any of its values,
 * always fixed to one connection (`c.conn = $1` is the first condition of every query, and the
 * text match and snippets read transcripts of that connection only). Newest first, with or
 * without text: a page walks the start index and stops after `first + 1` matches, a text hit's
 * score is ranked for the page's hits only, and `totalCount` counts the matches the caller's
 * privacy rule lets through (`SearchInput.hidden`).
 * Pages go by keyset, so a page never repeats or skips a call while the model changes under a
 * client's cursor. Not public API.
 */
import type { CallData, CallContext, Party } from '../gong/wire.js';
import type { HeldSections } from './rows.js';
import type { SqlRunner } from './sql.js';

export interface SearchFilter {
  /** ISO-8601 instants: start time in [from, to). */
  from?: string;
  to?: string;
  text?: string;
  /** Lower-cased. */
  participantEmails?: string[];
  /** Lower-cased. */
  participantDomains?: string[];
  primaryUserIds?: string[];
  crmObjectIds?: string[];
  /** Lower-cased. */
  trackerNames?: string[];
  /** Lower-cased. */
  topicNames?: string[];
  workspaceId?: string;
  direction?: string;
  scope?: string;
  /** Seconds, inclusive. */
  minDuration?: number;
  maxDuration?: number;
}

/** Where a page ends: the last hit's sort key (hits come newest first, with or without text). */
export interface SearchKey {
  /** The start as Postgres printed it (full precision). */
  started: string;
  callId: string;
}

export interface SearchInput {
  filter: SearchFilter;
  first: number;
  after?: SearchKey;
  includePrivate: boolean;
  /**
   * Which of the matched calls not to serve after all: the caller's privacy rule, checked against
   * what the gateway knows now (a change the model has not applied yet). Hidden calls leave the
   * page and the count.
   */
  hidden?: (callIds: readonly string[]) => Promise<ReadonlySet<string>>;
}

export interface SearchHitRow {
  call: CallData;
  held: HeldSections;
  score: number | null;
  key: SearchKey;
}

export interface SearchPage {
  totalCount: number;
  hits: SearchHitRow[];
  hasNextPage: boolean;
}

export interface Snippet {
  speakerId: string | null;
  startMs: number | null;
  text: string;
}

/** Which latency series a query belongs to. */
export const queryKind = (f: SearchFilter): 'text' | 'filter' | 'window' =>
  f.text
    ? 'text'
    : Object.entries(f).some(([k, v]) => k !== 'from' && k !== 'to' && v !== undefined)
      ? 'filter'
      : 'window';

interface HitRow {
  call_id: string;
  started_key: string;
  meta: CallData['metaData'];
  parties: Party[] | null;
  context: CallContext[] | null;
  trackers: NonNullable<CallData['content']>['trackers'] | null;
  topics: NonNullable<CallData['content']>['topics'] | null;
  score: number | null;
}

/** Config names come from pg_ts_config through our own table; checked anyway before they meet SQL. */
const CONFIG_NAME = /^[a-z_]+$/;

/** The text match over a tsvector column for each configuration the connection's text uses. */
function textMatch(configs: readonly string[], textParam: string, column: string) {
  const queries = configs
    .filter((c) => CONFIG_NAME.test(c))
    .map((c) => `websearch_to_tsquery('${c}'::regconfig, ${textParam})`);
  if (queries.length === 0) return undefined;
  return {
    match: `(${queries.map((q) => `${column} @@ ${q}`).join(' OR ')})`,
    rank:
      queries.length === 1
        ? `ts_rank(${column}, ${queries[0]})`
        : `GREATEST(${queries.map((q) => `ts_rank(${column}, ${q})`).join(', ')})`,
  };
}

export async function textConfigsOf(db: SqlRunner, conn: number): Promise<string[]> {
  const rows = await db.query<{ config: string }>(
    'SELECT config FROM rm_text_config WHERE conn = $1 ORDER BY config',
    [conn],
  );
  return rows.map((r) => r.config);
}

export async function searchCalls(
  db: SqlRunner,
  conn: number,
  input: SearchInput,
): Promise<SearchPage> {
  const { filter: f } = input;
  const params: unknown[] = [conn];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ['c.conn = $1'];
  if (!input.includePrivate) where.push('NOT c.is_private');
  if (f.from) where.push(`c.started >= ${p(f.from)}::timestamptz`);
  if (f.to) where.push(`c.started < ${p(f.to)}::timestamptz`);
  const child = (table: string, column: string, values: string[] | undefined) => {
    if (values)
      where.push(
        `EXISTS (SELECT 1 FROM ${table} x WHERE x.conn = c.conn AND x.call_id = c.call_id AND x.${column} = ANY(${p(values)}::text[]))`,
      );
  };
  child('rm_party', 'email', f.participantEmails);
  child('rm_party', 'domain', f.participantDomains);
  child('rm_crm_object', 'object_id', f.crmObjectIds);
  child('rm_tracker', 'name', f.trackerNames);
  child('rm_topic', 'name', f.topicNames);
  if (f.primaryUserIds) where.push(`c.primary_user_id = ANY(${p(f.primaryUserIds)}::text[])`);
  if (f.workspaceId) where.push(`c.workspace_id = ${p(f.workspaceId)}`);
  if (f.direction) where.push(`lower(c.direction) = lower(${p(f.direction)})`);
  if (f.scope) where.push(`lower(c.scope) = lower(${p(f.scope)})`);
  if (f.minDuration !== undefined) where.push(`c.duration >= ${p(f.minDuration)}::int`);
  if (f.maxDuration !== undefined) where.push(`c.duration <= ${p(f.maxDuration)}::int`);

  let score = 'NULL::float8';
  if (f.text !== undefined) {
    const configs = await textConfigsOf(db, conn);
    const textParam = p(f.text);
    const said = textMatch(configs, textParam, 't.tsv');
    const titled = textMatch(configs, textParam, 'c.title_tsv');
    // Nothing indexed for this connection yet: nothing can match.
    if (!said || !titled) return { totalCount: 0, hits: [], hasNextPage: false };
    // Said in the call (one transcript row per call, GIN) or in its title.
    where.push(
      `(c.call_id IN (SELECT t.call_id FROM rm_transcript t WHERE t.conn = $1 AND ${said.match}) OR ${titled.match})`,
    );
    // Ranked for the page's hits only (after LIMIT), never for every match.
    score = `GREATEST(COALESCE(${said.rank}, 0), ${titled.rank})::float8`;
  }
  const matched = `FROM rm_call c WHERE ${where.join(' AND ')}`;
  const page = (excluded: readonly string[]) => {
    const q = [...params];
    const at = (v: unknown) => {
      q.push(v);
      return `$${q.length}`;
    };
    const after = input.after
      ? `(c.started, c.call_id) < (${at(input.after.started)}::timestamptz, ${at(input.after.callId)})`
      : 'true';
    const skip = excluded.length > 0 ? `c.call_id <> ALL(${at(excluded)}::text[])` : 'true';
    return db.query<HitRow>(
      `SELECT c.call_id, c.started::text AS started_key, c.meta, c.parties, c.context, c.trackers,
         c.topics, ${score} AS score
       FROM rm_call c
       ${f.text !== undefined ? 'LEFT JOIN rm_transcript t ON t.conn = $1 AND t.call_id = c.call_id' : ''}
       WHERE ${where.join(' AND ')} AND ${after} AND ${skip}
       ORDER BY c.started DESC, c.call_id DESC
       LIMIT ${at(input.first + 1)}::int`,
      q,
    );
  };
  // The page walks the start index newest first and stops after `first + 1` matches; the ids of
  // every match (no sort) give the count and are what the caller's privacy rule checks. Ranks are
  // computed for the page only.
  const [firstTry, matches] = await Promise.all([
    page([]),
    db.query<{ ids: string[] | null }>(`SELECT array_agg(c.call_id) AS ids ${matched}`, params),
  ]);
  const ids = matches[0]?.ids ?? [];
  const hidden = input.hidden && ids.length > 0 ? await input.hidden(ids) : new Set<string>();
  const rows = firstTry.some((r) => hidden.has(r.call_id)) ? await page([...hidden]) : firstTry;
  const hits = rows.slice(0, input.first).map((r): SearchHitRow => ({
    call: {
      metaData: r.meta,
      ...(r.parties ? { parties: r.parties } : {}),
      ...(r.context ? { context: r.context } : {}),
      ...(r.trackers || r.topics
        ? {
            content: {
              ...(r.trackers ? { trackers: r.trackers } : {}),
              ...(r.topics ? { topics: r.topics } : {}),
            },
          }
        : {}),
    },
    held: {
      parties: r.parties !== null,
      context: r.context !== null,
      trackers: r.trackers !== null,
      topics: r.topics !== null,
    },
    score: r.score,
    key: { started: r.started_key, callId: r.call_id },
  }));
  const totalCount = ids.filter((id) => !hidden.has(id)).length;
  return { totalCount, hits, hasNextPage: rows.length > input.first };
}

/** Up to `perCall` matching sentences of each call, best first. */
export async function snippetsOf(
  db: SqlRunner,
  conn: number,
  callIds: readonly string[],
  text: string,
  perCall: number,
): Promise<Map<string, Snippet[]>> {
  const out = new Map<string, Snippet[]>();
  if (callIds.length === 0) return out;
  const match = textMatch(await textConfigsOf(db, conn), '$3', 's.tsv');
  if (!match) return out;
  const rows = await db.query<{
    call_id: string;
    speaker_id: string | null;
    start_ms: number | null;
    text: string;
  }>(
    `SELECT call_id, speaker_id, start_ms, text FROM (
       SELECT s.call_id, s.speaker_id, s.start_ms, s.text,
         row_number() OVER (PARTITION BY s.call_id ORDER BY ${match.rank} DESC, s.seq) AS n
       FROM rm_sentence s
       WHERE s.conn = $1 AND s.call_id = ANY($2::text[]) AND ${match.match}
     ) y WHERE n <= $4 ORDER BY call_id, n`,
    [conn, callIds, text, perCall],
  );
  for (const r of rows) {
    const list = out.get(r.call_id) ?? [];
    list.push({ speakerId: r.speaker_id, startMs: r.start_ms, text: r.text });
    out.set(r.call_id, list);
  }
  return out;
}
