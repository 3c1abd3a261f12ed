/**
 * Gong's date-times: ISO-8601 with the tenant's offset on output (some with fractional
 * seconds), any offset or `Z` accepted on input. Internal to the sandbox.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Offset `±hh:mm` (or `Z`) in minutes; throws on anything else. */
export function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (offset === 'Z') return 0;
  if (!m) throw new Error(`utcOffset must look like "-07:00", got ${JSON.stringify(offset)}`);
  const mins = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -mins : mins;
}

/**
 * Formats ms since epoch in the given offset. `micros` (0-999) adds three more fractional
 * digits, as in Gong's "2019-10-18T14:03:37.041977-07:00".
 */
export function formatDate(
  ms: number,
  offset: string,
  fraction: 'none' | 'millis' | 'micros' = 'none',
  micros = 0,
): string {
  const local = new Date(ms + offsetMinutes(offset) * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base =
    `${local.getUTCFullYear()}-${p(local.getUTCMonth() + 1)}-${p(local.getUTCDate())}` +
    `T${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())}`;
  const frac =
    fraction === 'none'
      ? ''
      : fraction === 'millis'
        ? `.${p(local.getUTCMilliseconds(), 3)}`
        : `.${p(local.getUTCMilliseconds(), 3)}${p(micros, 3)}`;
  return `${base}${frac}${offset}`;
}

/** Parses an ISO-8601 date-time with offset to ms since epoch (sub-millisecond digits dropped); undefined when malformed. */
export function parseDate(s: string): number | undefined {
  const m = ISO.exec(s);
  if (!m) return undefined;
  const frac = m[7] ? Number(m[7].slice(1, 4).padEnd(3, '0')) : 0;
  const utc = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    frac,
  );
  if (Number.isNaN(utc)) return undefined;
  const zone = m[8] ?? 'Z';
  return zone === 'Z' ? utc : utc - offsetMinutes(zone) * 60_000;
}
