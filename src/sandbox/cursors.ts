/**
 * Gong's paging (docs/gong-contract.md §3): 100 records a page, an opaque cursor present only when another
 * page exists. Ours is an HS256 JWT like Gong's (`pageSize`, `pageNumber`, `total`, `time`, `exp`)
 * plus `bind`, a hash of the request's other inputs, so a cursor replayed with different
 * inputs fails. `time` is the snapshot every page reads, so totals stay consistent while new
 * calls become visible. Internal to the sandbox.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Records } from '../gong/wire.js';
import { PAGE_SIZE } from '../gong/wire/common.js';
import { CURSOR_EXPIRED, CURSOR_INVALID } from './gong-answers.js';

export interface CursorClaims {
  pageSize: number;
  /** 0-based number of the page this cursor fetches. */
  pageNumber: number;
  total: number;
  /** Snapshot time (ms since epoch). */
  time: number;
  /** Expiry, epoch seconds (JWT convention). */
  exp: number;
  bind: string;
}

export type CursorCheck =
  { ok: true; pageNumber: number; time: number } | { ok: false; message: string };

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');
const HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** Key order does not matter: objects are hashed with sorted keys. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Hash of a request's inputs other than the cursor: endpoint plus query or body. */
export function bindingOf(endpoint: string, inputs: unknown): string {
  return createHash('sha256')
    .update(endpoint)
    .update('\n')
    .update(canonical(inputs))
    .digest('base64url')
    .slice(0, 22);
}

export class CursorCodec {
  readonly #key = randomBytes(32);

  constructor(private readonly opts: { ttlMs: number; now: () => number }) {}

  #sign(data: string): Buffer {
    return createHmac('sha256', this.#key).update(data).digest();
  }

  encode(claims: Omit<CursorClaims, 'exp' | 'pageSize'>): string {
    const full: CursorClaims = {
      pageSize: PAGE_SIZE,
      ...claims,
      exp: Math.floor((this.opts.now() + this.opts.ttlMs) / 1000),
    };
    const body = `${HEADER}.${b64(JSON.stringify(full))}`;
    return `${body}.${b64(this.#sign(body))}`;
  }

  /** Checks signature, binding and expiry. */
  decode(cursor: string, bind: string): CursorCheck {
    const parts = cursor.split('.');
    const [h, p, s] = parts;
    if (parts.length !== 3 || h === undefined || p === undefined || s === undefined)
      return { ok: false, message: CURSOR_INVALID };
    const expected = this.#sign(`${h}.${p}`);
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, message: CURSOR_INVALID };
    let claims: CursorClaims;
    try {
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as CursorClaims;
    } catch {
      return { ok: false, message: CURSOR_INVALID };
    }
    if (claims.bind !== bind) return { ok: false, message: CURSOR_INVALID };
    if (claims.exp * 1000 <= this.opts.now()) return { ok: false, message: CURSOR_EXPIRED };
    return { ok: true, pageNumber: claims.pageNumber, time: claims.time };
  }
}

export interface Page<T> {
  items: T[];
  records: Records;
}

/** Cuts page `pageNumber` out of `all` and mints the cursor of the next one, if any. */
export function pageOf<T>(
  all: readonly T[],
  pageNumber: number,
  snapshot: number,
  bind: string,
  codec: CursorCodec,
): Page<T> {
  const start = pageNumber * PAGE_SIZE;
  const items = all.slice(start, start + PAGE_SIZE);
  const more = start + PAGE_SIZE < all.length;
  const records: Records = {
    totalRecords: all.length,
    currentPageSize: items.length,
    currentPageNumber: pageNumber,
  };
  if (more)
    records.cursor = codec.encode({
      pageNumber: pageNumber + 1,
      total: all.length,
      time: snapshot,
      bind,
    });
  return { items, records };
}
