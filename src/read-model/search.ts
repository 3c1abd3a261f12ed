/**
 * Search queries over the read model: the filters AND-ed, each list matching any of its values,
 * always fixed to one connection (`c.conn = $1` is the first condition of every query, and the
 * text match and snippets read transcripts of that connection only). Newest first, with or
 * without text: one query lists every match's id in order (narrow rows; the text is matched once,
 * through the GIN index), the caller's privacy rule (`SearchInput.hidden`) checks them, the count
 * is what it lets through, and a second query reads the page's records and ranks a text hit's
 * score for those calls only.
 * Pages go by keyset, so a page never repeats or skips a call while the model changes under a
 * client's cursor. Not public API.
 */
import type { CallData, CallContext, Party } from '../gong/wire.js';
import type { HeldSections } from './rows.js';
import { negates, transcriptMatch } from './phrases.js';
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
  /** The text as the search matched it (a tsquery), for the page's snippets; none without text. */
  textQuery?: string;
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
  is_private: boolean;
  meta: CallData['metaData'];
  parties: Party[] | null;
  context: CallContext[] | null;
  trackers: NonNullable<CallData['content']>['trackers'] | null;
  topics: NonNullable<CallData['content']>['topics'] | null;
  score: number | null;
}

/** Separates the ids of a search's matches (ASCII unit separator: never part of an id). */
const SEP = 31;

/** The search text parsed with one or more of the connection's configurations (same result). */
interface Parsed {
  /** Postgres's text form of the tsquery. */
  query: string;
  configs: string[];
}

/**
 * The search text as tsqueries, parsed with each configuration the connection's calls use; none
 * when nothing can match (nothing indexed yet, or only stop words).
 */
async function tsqueriesOf(db: SqlRunner, conn: number, text: string): Promise<Parsed[]> {
  const rows = await db.query<Parsed>(
    `SELECT q.query, array_agg(q.config ORDER BY q.config) AS configs
     FROM (SELECT config, websearch_to_tsquery(config::regconfig, $2)::text AS query
           FROM rm_text_config WHERE conn = $1) q
     WHERE q.query <> '' GROUP BY q.query ORDER BY q.query`,
    [conn, text],
  );
  return rows;
}

/** One tsquery matching what any of them matches: for titles, ranks and sentences. */
const anyOf = (parsed: readonly Parsed[]) => parsed.map((q) => `( ${q.query} )`).join(' | ');

/**
 * The calls whose transcripts match, as selects of rm_transcript (`t`) joined by UNION ALL:
 * - one for every configuration's parse that the index answers exactly (words and grams, see
 *   ./phrases.ts): one GIN lookup for all of them;
 * - one for each other parse (a longer phrase's positions to check, or a negation), asked only of
 *   the transcripts parsed with its configuration: another's words lack what it excludes.
 * Not one condition: Postgres rechecks every candidate of a query that has a phrase anywhere in
 * it, and evaluates a filter's every term on each row, so an exact match must not share a query
 * or a filter with a check of positions.
 */
function saidIn(parsed: readonly Parsed[], p: (v: unknown) => string): string {
  const select = (terms: string[]) =>
    `SELECT t.call_id FROM rm_transcript t WHERE t.conn = $1 AND ${terms.join(' AND ')}`;
  const exact: string[] = [];
  const checked: string[] = [];
  for (const { query, configs } of parsed) {
    const m = transcriptMatch(query);
    if (m.positions === undefined && !negates(query)) {
      exact.push(`( ${m.words} )`);
      continue;
    }
    checked.push(
      select([
        ...(m.words === undefined ? [] : [`t.words @@ ${p(m.words)}::tsquery`]),
        ...(m.positions === undefined ? [] : [`t.tsv @@ ${p(m.positions)}::tsquery`]),
        `(t.config IS NULL OR t.config = ANY(${p(configs)}::text[]))`,
      ]),
    );
  }
  const one = exact.length > 0 ? [select([`t.words @@ ${p(exact.join(' | '))}::tsquery`])] : [];
  return [...one, ...checked].join(' UNION ALL ');
}

/**
 * The condition on a call's title (`c`): the parses that exclude nothing OR-ed into one query, and
 * each that excludes something asked only of titles parsed with its configuration (as `saidIn`).
 */
function titledIn(parsed: readonly Parsed[], p: (v: unknown) => string): string {
  const plain: Parsed[] = [];
  const terms: string[] = [];
  for (const q of parsed)
    if (!negates(q.query)) plain.push(q);
    else
      terms.push(
        `(c.title_tsv @@ ${p(q.query)}::tsquery AND (c.title_config IS NULL OR c.title_config = ANY(${p(q.configs)}::text[])))`,
      );
  if (plain.length > 0) terms.unshift(`c.title_tsv @@ ${p(anyOf(plain))}::tsquery`);
  return `(${terms.join(' OR ')})`;
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
  // A list matches any of its values: the call's array overlaps it.
  const any = (column: string, values: string[] | undefined) => {
    if (values) where.push(`c.${column} && ${p(values)}::text[]`);
  };
  any('emails', f.participantEmails);
  any('domains', f.participantDomains);
  any('crm_object_ids', f.crmObjectIds);
  any('tracker_names', f.trackerNames);
  any('topic_names', f.topicNames);
  if (f.primaryUserIds) where.push(`c.primary_user_id = ANY(${p(f.primaryUserIds)}::text[])`);
  if (f.workspaceId) where.push(`c.workspace_id = ${p(f.workspaceId)}`);
  if (f.direction) where.push(`lower(c.direction) = lower(${p(f.direction)})`);
  if (f.scope) where.push(`lower(c.scope) = lower(${p(f.scope)})`);
  if (f.minDuration !== undefined) where.push(`c.duration >= ${p(f.minDuration)}::int`);
  if (f.maxDuration !== undefined) where.push(`c.duration <= ${p(f.maxDuration)}::int`);

  let score = 'NULL::float8';
  let scoreParams: unknown[] = [];
  let textQuery: string | undefined;
  if (f.text !== undefined) {
    const queries = await tsqueriesOf(db, conn, f.text);
    if (queries.length === 0) return { totalCount: 0, hits: [], hasNextPage: false };
    // Said in the call (one transcript row per call, GIN) or in its title. The OR keeps the
    // transcripts' side a hashed subplan: the GIN index answers it once for the whole query.
    where.push(`(c.call_id IN (${saidIn(queries, p)}) OR ${titledIn(queries, p)})`);
    textQuery = anyOf(queries);
    score = `GREATEST(COALESCE(ts_rank(t.tsv, $3::tsquery), 0), ts_rank(c.title_tsv, $3::tsquery))::float8`;
    scoreParams = [textQuery];
  }
  const cursor = input.after
    ? `(c.started, c.call_id) >= (${p(input.after.started)}::timestamptz, ${p(input.after.callId)})`
    : 'false';
  // Every match, newest first (the text matched once, on narrow rows): the privacy rule checks
  // them all, the count is what it lets through, and the page is the first `first + 1` of them
  // after the cursor (`before` counts those up to it).
  const [matched] = await db.query<{ ids: string | null; before: number }>(
    `SELECT string_agg(c.call_id, chr(${SEP}) ORDER BY c.started DESC, c.call_id DESC) AS ids,
       count(*) FILTER (WHERE ${cursor})::int AS before
     FROM rm_call c WHERE ${where.join(' AND ')}`,
    params,
  );
  // One string, not an array: ten times cheaper to hand over and parse for 10,000 ids.
  const ids = matched?.ids ? matched.ids.split(String.fromCharCode(SEP)) : [];
  const hidden = input.hidden && ids.length > 0 ? await input.hidden(ids) : new Set<string>();
  const pageIds: string[] = [];
  for (let i = matched?.before ?? 0; i < ids.length && pageIds.length <= input.first; i++)
    if (!hidden.has(ids[i]!)) pageIds.push(ids[i]!);
  const totalCount = hidden.size === 0 ? ids.length : ids.filter((id) => !hidden.has(id)).length;
  const text = textQuery === undefined ? {} : { textQuery };
  if (pageIds.length === 0) return { totalCount, hits: [], hasNextPage: false, ...text };

  // The page's records, and a text hit's score, for its calls only.
  const rows = await db.query<HitRow>(
    `SELECT c.call_id, c.started::text AS started_key, c.is_private, r.meta, r.parties, r.context,
       r.trackers, r.topics, ${score} AS score
     FROM rm_call c JOIN rm_call_record r ON r.conn = c.conn AND r.call_id = c.call_id
     ${f.text !== undefined ? 'LEFT JOIN rm_transcript t ON t.conn = c.conn AND t.call_id = c.call_id' : ''}
     WHERE c.conn = $1 AND c.call_id = ANY($2::text[])`,
    [conn, pageIds, ...scoreParams],
  );
  const byId = new Map(rows.map((r) => [r.call_id, r]));
  const hits = pageIds.slice(0, input.first).flatMap((id) => {
    const r = byId.get(id);
    return r ? [hitOf(r)] : []; // deleted since it matched
  });
  return { totalCount, hits, hasNextPage: pageIds.length > input.first, ...text };
}

function hitOf(r: HitRow): SearchHitRow {
  return {
    call: {
      // The model's privacy: a change may have made the call private after this record.
      metaData: { ...r.meta, isPrivate: r.is_private },
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
  };
}

/** Up to `perCall` sentences of each call that match `textQuery` (a search's), best first. */
export async function snippetsOf(
  db: SqlRunner,
  conn: number,
  callIds: readonly string[],
  textQuery: string,
  perCall: number,
): Promise<Map<string, Snippet[]>> {
  const out = new Map<string, Snippet[]>();
  if (callIds.length === 0) return out;
  // The page's transcripts only: each sentence's own words against the text, best first.
  const rows = await db.query<{
    call_id: string;
    speaker_id: string | null;
    start_ms: number | null;
    text: string;
  }>(
    `SELECT t.call_id, s.speaker_id, s.start_ms, s.text
     FROM rm_transcript_sentences t
     CROSS JOIN LATERAL (
       SELECT s.speaker_id, s.start_ms, s.text, s.seq, ts_rank(s.tsv, $3::tsquery) AS rank
       FROM unnest(t.speakers, t.starts, t.texts, t.tsvs) WITH ORDINALITY
         AS s(speaker_id, start_ms, text, tsv, seq)
       WHERE s.tsv @@ $3::tsquery
       ORDER BY rank DESC, s.seq
       LIMIT $4
     ) s
     WHERE t.conn = $1 AND t.call_id = ANY($2::text[])
     ORDER BY t.call_id, s.rank DESC, s.seq`,
    [conn, callIds, textQuery, perCall],
  );
  for (const r of rows) {
    const list = out.get(r.call_id) ?? [];
    list.push({ speakerId: r.speaker_id, startMs: r.start_ms, text: r.text });
    out.set(r.call_id, list);
  }
  return out;
}
