/**
 * A call's language (Gong's `metaData.language`, ISO-639-2B such as `eng`, `ger`, `fre`) → the
 * Postgres text search configuration its transcript is indexed with: stemming and stop words of
 * that language where Postgres has them, `simple` (lower-cased words, no stemming) otherwise.
 * Which configurations exist depends on the server's version (PGlite has more than Postgres 15),
 * so the table is checked against `pg_ts_config` once at start-up.
 */
import type { SqlRunner } from './sql.js';

/** ISO-639-2 (B and T forms) and ISO-639-1 codes → configuration name. */
const CONFIG_OF: Record<string, string> = {};
const LANGUAGES: [config: string, codes: string[]][] = [
  ['arabic', ['ara', 'ar']],
  ['armenian', ['arm', 'hye', 'hy']],
  ['basque', ['baq', 'eus', 'eu']],
  ['catalan', ['cat', 'ca']],
  ['danish', ['dan', 'da']],
  ['dutch', ['dut', 'nld', 'nl']],
  ['english', ['eng', 'en']],
  ['estonian', ['est', 'et']],
  ['finnish', ['fin', 'fi']],
  ['french', ['fre', 'fra', 'fr']],
  ['german', ['ger', 'deu', 'de']],
  ['greek', ['gre', 'ell', 'el']],
  ['hindi', ['hin', 'hi']],
  ['hungarian', ['hun', 'hu']],
  ['indonesian', ['ind', 'id']],
  ['irish', ['gle', 'ga']],
  ['italian', ['ita', 'it']],
  ['lithuanian', ['lit', 'lt']],
  ['nepali', ['nep', 'ne']],
  ['norwegian', ['nor', 'nob', 'nno', 'no', 'nb', 'nn']],
  ['portuguese', ['por', 'pt']],
  ['romanian', ['rum', 'ron', 'ro']],
  ['russian', ['rus', 'ru']],
  ['serbian', ['srp', 'sr']],
  ['spanish', ['spa', 'es']],
  ['swedish', ['swe', 'sv']],
  ['tamil', ['tam', 'ta']],
  ['turkish', ['tur', 'tr']],
  ['yiddish', ['yid', 'yi']],
];
for (const [config, codes] of LANGUAGES) for (const code of codes) CONFIG_OF[code] = config;

export const FALLBACK_CONFIG = 'simple';

export type ConfigOf = (language: string | null | undefined) => string;

/** The mapping restricted to the configurations this server has. */
export async function textConfigs(db: SqlRunner): Promise<ConfigOf> {
  const rows = await db.query<{ cfgname: string }>('SELECT cfgname FROM pg_ts_config');
  const present = new Set(rows.map((r) => r.cfgname));
  return (language) => {
    const config = language ? CONFIG_OF[language.trim().toLowerCase()] : undefined;
    return config !== undefined && present.has(config) ? config : FALLBACK_CONFIG;
  };
}
