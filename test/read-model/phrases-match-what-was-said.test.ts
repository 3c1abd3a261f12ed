/**
 * Phrases as the index answers them (src/read-model/phrases.ts), on both engines, against
 * transcripts written for the purpose: a phrase of two or three words is one gram looked up in the
 * GIN index, a longer one its three-word grams with the positions checked, and every one of them
 * must find exactly the calls that said it. The rewrite itself is checked on tsqueries as the
 * Postgres manual prints them (12.3.2, websearch_to_tsquery).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallData, CallTranscript } from '../../src/gong/wire.js';
import { textConfigs } from '../../src/read-model/languages.js';
import { migrate } from '../../src/read-model/migrations.js';
import { gramToken, transcriptMatch } from '../../src/read-model/phrases.js';
import { searchCalls } from '../../src/read-model/search.js';
import { openPglite, openPostgres, type Sql } from '../../src/read-model/sql.js';
import { createWrites } from '../../src/read-model/writes.js';
import { pgliteDir } from '../support/pglite.js';
import { runPostgres } from '../support/postgres.js';
import { describeEngine, ENGINES } from './support.js';

/** What each call said, one sentence per line; English unless the id says `und`. */
const SAID: Record<string, string[]> = {
  lead: ['Our technical lead joins next week.'],
  debt: ['Technical debt leads nowhere.'],
  approved: ['The budget is approved.'],
  never: ['The budget was never approved.'],
  opening: ['Thanks everyone for joining today.', 'Let us start.'],
  // Every three words in a row of the opening, but never the five together.
  pieces: ['Thanks everyone for joining.', 'Everyone for joining today.', 'Today works.'],
  split: ['We need a technical', 'lead for this.'],
  und: ['Thanks everyone for joining today.'],
  titled: ['Nothing of the kind here.'],
};

/** Titles other than `Call n`. */
const TITLES: Record<string, string> = { titled: 'The budget was approved' };

const calls: CallData[] = Object.keys(SAID).map((id, i) => ({
  metaData: {
    id,
    started: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(),
    title: TITLES[id] ?? `Call ${i}`,
    language: id === 'und' ? 'und' : 'eng',
    isPrivate: false,
  },
}));

const transcripts: CallTranscript[] = Object.entries(SAID).map(([callId, sentences]) => ({
  callId,
  transcript: [
    {
      speakerId: 's1',
      sentences: sentences.map((text, k) => ({ start: k * 1000, end: k * 1000 + 900, text })),
    },
  ],
}));

describe('phrases asked through their grams (tsqueries as the Postgres manual prints them)', () => {
  it('a phrase of two or three plain words is one gram, with no positions to check', () => {
    expect(transcriptMatch(`'supernova' <-> 'star' & !'crab'`)).toEqual({
      words: `'${gramToken('supernova 1 star')}' & ! 'crab'`,
    });
    expect(transcriptMatch(`'sad' <-> 'cat' | 'fat' <-> 'rat'`)).toEqual({
      words: `'${gramToken('sad 1 cat')}' | '${gramToken('fat 1 rat')}'`,
    });
    expect(transcriptMatch(`'signal' & !( 'segment' <-> 'fault' )`)).toEqual({
      words: `'signal' & ! ( '${gramToken('segment 1 fault')}' )`,
    });
    // A stop word leaves its gap in the gram.
    expect(transcriptMatch(`'thank' <-> 'everyon' <2> 'join'`)).toEqual({
      words: `'${gramToken('thank 1 everyon 2 join')}'`,
    });
  });

  it('a longer phrase asks for its three-word grams and keeps its positions checked', () => {
    const q = `'thank' <-> 'everyon' <2> 'join' <-> 'today'`;
    expect(transcriptMatch(q)).toEqual({
      words: `( '${gramToken('thank 1 everyon 2 join')}' & '${gramToken('everyon 2 join 1 today')}' )`,
      positions: q,
    });
    // Negated, its grams say nothing of the calls that lack it: positions alone.
    const negated = `'call' & !( 'thank' <-> 'everyon' <2> 'join' <-> 'today' )`;
    expect(transcriptMatch(negated)).toEqual({ positions: negated });
  });

  it('a phrase over a group, a prefix, a weight or what does not parse is checked by positions', () => {
    for (const q of [
      `( 'a' | 'b' ) <-> 'c'`,
      `'a':* <-> 'b'`,
      `'a' <-> 'b':A`,
      `!'a' <-> 'b'`,
      `'a':B & 'c'`,
      `'a' <-> ?`,
    ])
      expect(transcriptMatch(q)).toEqual({ positions: q });
  });
});

for (const engine of ENGINES)
  describeEngine(engine)(`phrases match what was said (${engine})`, () => {
    let sql: Sql;
    let conn: number;
    let dir: Awaited<ReturnType<typeof pgliteDir>> | undefined;

    beforeAll(async () => {
      if (engine === 'pglite') {
        dir = await pgliteDir();
        sql = await openPglite(dir.dir);
      } else sql = await openPostgres(await runPostgres().createDatabase('phrases'));
      await migrate(sql);
      const writes = createWrites(sql, await textConfigs(sql));
      conn = await writes.connId('phrases');
      await writes.upsertCalls(
        conn,
        calls.map((call) => ({
          call,
          held: { parties: false, context: false, trackers: false, topics: false },
        })),
      );
      expect(await writes.upsertTranscripts(conn, transcripts)).toEqual([]);
    });
    afterAll(async () => {
      await sql?.close();
      dir?.remove();
    });

    const found = async (text: string) =>
      (await searchCalls(sql, conn, { filter: { text }, first: 100, includePrivate: false })).hits
        .map((h) => h.call.metaData.id)
        .sort();

    it('the grams made at ingest are those migration 4 made of the rows written before it', async () => {
      const [rows] = await sql.query<{ all: number; differ: number }>(
        `SELECT count(*)::int AS all,
           count(*) FILTER (WHERE words <> strip(tsv) || rm_phrase_grams(tsv))::int AS differ
         FROM rm_transcript WHERE conn = $1`,
        [conn],
      );
      expect(rows).toEqual({ all: transcripts.length, differ: 0 });
    });

    it('two words: said together, not apart; a sentence boundary does not part them', async () => {
      expect(await found('"technical lead"')).toEqual(['lead', 'split']);
      expect(await found('technical lead')).toEqual(['debt', 'lead', 'split']);
    });

    it('a stop word in the phrase matches a stop word, not another word', async () => {
      expect(await found('"budget was approved"')).toEqual(['approved', 'titled']);
    });

    it('three words with a stop word between, in either configuration', async () => {
      expect(await found('"thanks everyone for joining"')).toEqual(['opening', 'pieces', 'und']);
    });

    it('five words: their positions decide, not their three-word pieces', async () => {
      expect(await found('"thanks everyone for joining today"')).toEqual(['opening', 'und']);
    });

    it('combined with words, alternatives and exclusions', async () => {
      expect(await found('"technical lead" or "budget was approved"')).toEqual([
        'approved',
        'lead',
        'split',
        'titled',
      ]);
      // In transcripts and in titles alike.
      expect(await found('budget -"budget was approved"')).toEqual(['never']);
      // "joins" is English for 'join' too.
      expect(await found('joining -"thanks everyone for joining today"')).toEqual([
        'lead',
        'pieces',
      ]);
    });
  });
