/**
 * Phrases answered by the index alone. Postgres answers a match of words exactly from the GIN
 * index, but checks a phrase (`'technic' <-> 'lead'`) against the word positions of every call
 * that has all of its words: for a phrase said in most calls, thousands of transcripts read and
 * checked, the slowest search there was. So beside its positional vector (`tsv`), each transcript
 * keeps `words`: its words without positions and its phrases of two and three words as lexemes
 * (grams, `rm_phrase_grams` in migration 4), and a phrase is asked as those:
 *
 * - two or three words: one gram, an exact GIN lookup that reads no transcript;
 * - more: each of its three-word grams, then the phrase checked by positions on the calls that
 *   have them all.
 *
 * A gram is words in the order said with the distance between each two (a stop word, which is not
 * indexed, leaves a gap of one), so `"budget was approved"` (`'budget' <2> 'approv'`) matches
 * "budget is approved" as Postgres does, but not "budget never approved", which Postgres's `<2>`
 * would match. A gram is stored as a token (see `gramToken`): a space, which no parsed word holds,
 * then 48 bits of the gram's MD5 in base64, so it never equals a word. Two grams that share those
 * 48 bits make a false match about once in 10^10 searches of 10,000 calls.
 */
import { createHash } from 'node:crypto';

/** The token of a gram such as `technic 1 lead` (words and distances, space-separated). */
export function gramToken(gram: string): string {
  // The first 8 base64 characters are the first 6 bytes.
  return ` ${createHash('md5').update(gram).digest('base64').slice(0, 8)}`;
}

/** A lexeme of a tsvector and where it was said (`unnest(tsvector)`; none for grams). */
export interface SaidLexeme {
  lexeme: string;
  positions: number[] | null;
}

/**
 * The gram tokens of a transcript's words: each word with the next one and the next two, in the
 * order said, with their distances. The same as migration 4's `rm_phrase_grams`, which made them
 * for rows written before it; computed here, where it takes less time.
 */
export function phraseGrams(lexemes: readonly SaidLexeme[]): string[] {
  const said: [number, string][] = [];
  for (const l of lexemes) for (const p of l.positions ?? []) said.push([p, l.lexeme]);
  said.sort((a, b) => a[0] - b[0]);
  const grams = new Set<string>();
  for (let i = 0; i + 1 < said.length; i++) {
    const [p1, a] = said[i]!;
    const [p2, b] = said[i + 1]!;
    const two = `${a} ${p2 - p1} ${b}`;
    grams.add(two);
    const third = said[i + 2];
    if (third) grams.add(`${two} ${third[0] - p2} ${third[1]}`);
  }
  // Hashed once each: a transcript says most of its pairs more than once.
  return [...grams].map(gramToken);
}

/** A token of Postgres's text form of a tsquery. */
type Part =
  | { kind: 'word'; text: string; lexeme: string; plain: boolean }
  | { kind: 'phrase'; text: string; distance: number }
  | { kind: 'other'; text: string };

const PART = /\s*(?:('(?:[^'\\]|''|\\.)*')(:[*A-D]+)?|<(-|\d+)>|([&|!()]))/y;

function partsOf(query: string): Part[] | undefined {
  const parts: Part[] = [];
  PART.lastIndex = 0;
  while (PART.lastIndex < query.trimEnd().length) {
    const start = PART.lastIndex;
    const m = PART.exec(query);
    if (!m) return undefined;
    const text = query.slice(start, PART.lastIndex).trim();
    if (m[1] !== undefined) {
      const lexeme = m[1].slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1');
      parts.push({ kind: 'word', text, lexeme, plain: m[2] === undefined });
    } else if (m[3] !== undefined)
      parts.push({ kind: 'phrase', text, distance: m[3] === '-' ? 1 : Number(m[3]) });
    else parts.push({ kind: 'other', text });
  }
  return parts;
}

/**
 * How the transcripts are asked for one tsquery (Postgres's text form, as
 * `websearch_to_tsquery(...)::text` prints it): `words` against their words and grams (exact, from
 * the GIN index alone), then `positions`, where set, against the positional vector of the calls
 * `words` let through. A phrase of two or three plain words becomes its gram; a longer one, its
 * three-word grams as `words`, with the phrase itself checked by `positions`. A query with a long
 * phrase and a negation, a phrase over a group, a prefix or a weight, or that does not parse, is
 * checked by positions alone, as Postgres does.
 */
export function transcriptMatch(query: string): { words?: string; positions?: string } {
  const parts = partsOf(query);
  if (!parts) return { positions: query };
  const out: string[] = [];
  let long = false;
  for (let i = 0; i < parts.length;) {
    const chain = chainAt(parts, i);
    if (chain) {
      long ||= chain.words.length > 3;
      out.push(chainQuery(chain.words, chain.distances));
      i = chain.end;
      continue;
    }
    // `words` has neither positions nor weights: what needs them is asked of `tsv` alone.
    const part = parts[i]!;
    if (part.kind === 'phrase' || (part.kind === 'word' && !part.plain))
      return { positions: query };
    out.push(part.text);
    i++;
  }
  const words = out.join(' ');
  if (!long) return { words };
  // The three-word grams of a negated phrase say nothing of which calls lack it.
  return excludes(parts) ? { positions: query } : { words, positions: query };
}

const excludes = (parts: readonly Part[]) => parts.some((p) => p.text === '!');

/** Whether a tsquery (Postgres's text form) excludes anything; true when it does not parse. */
export function negates(query: string): boolean {
  const parts = partsOf(query);
  return parts ? excludes(parts) : true;
}

/** Plain words joined by phrase operators from `i`, standing alone (no operator binds it to more). */
function chainAt(parts: Part[], i: number) {
  const first = parts[i];
  const before = parts[i - 1];
  if (first?.kind !== 'word' || !first.plain) return undefined;
  if (before?.kind === 'phrase' || before?.text === '!') return undefined;
  const words = [first.lexeme];
  const distances: number[] = [];
  let j = i + 1;
  for (;;) {
    const op = parts[j];
    const next = parts[j + 1];
    if (op?.kind !== 'phrase') break;
    if (next?.kind !== 'word' || !next.plain) return undefined;
    distances.push(op.distance);
    words.push(next.lexeme);
    j += 2;
  }
  if (words.length < 2) return undefined;
  return { words, distances, end: j };
}

const gram = (words: string[], distances: number[], from: number, n: number) =>
  words
    .slice(from, from + n)
    .map((w, k) => (k === 0 ? w : `${distances[from + k - 1]} ${w}`))
    .join(' ');

const quoted = (token: string) => `'${token}'`;

/** A phrase's grams: one for two or three words, else each three in a row. */
function chainQuery(words: string[], distances: number[]): string {
  if (words.length <= 3) return quoted(gramToken(gram(words, distances, 0, words.length)));
  const threes: string[] = [];
  for (let k = 0; k + 3 <= words.length; k++)
    threes.push(quoted(gramToken(gram(words, distances, k, 3))));
  return `( ${threes.join(' & ')} )`;
}
