/**
 * Opaque GraphQL cursors: base64url JSON carrying Gong's page cursor plus an offset within that
 * 100-record page (so `first < 100` works without re-reading) and the request inputs that must
 * stay fixed while paging (Gong rejects a cursor when they change).
 */
import { z } from 'zod';
import { badInput } from '../errors.js';
import { PAGE_SIZE } from '../gong/wire/common.js';

export const PageCursor = z.object({
  /** Gong's cursor of the page the position lies in; absent = the first page. */
  g: z.string().optional(),
  /** Offset within that page. */
  o: z.number().int().min(0).max(10_000),
  /** Past the last record. */
  e: z.literal(true).optional(),
  /** Gong's totalRecords, so the end cursor can still report totalCount. */
  t: z.number().int().min(0).optional(),
  /** Fixed request inputs (resolved date window, endpoint kind). */
  w: z.record(z.string(), z.string()).optional(),
});
export type PageCursor = z.infer<typeof PageCursor>;

export const encodeOpaque = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** Decodes an opaque token against a schema; BAD_USER_INPUT naming `arg` when it does not decode. */
export function decodeOpaque<S extends z.ZodType>(
  schema: S,
  token: string,
  arg: string,
): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw badInput(
      `${arg} must be a value this API returned earlier, but got: ${JSON.stringify(token.slice(0, 80))}`,
      { field: arg },
    );
  return parsed.data;
}

export const decodeCursor = (after: string | null | undefined): PageCursor | undefined =>
  after === null || after === undefined ? undefined : decodeOpaque(PageCursor, after, 'after');

/** `first` must be 1..100 (Gong's page size bounds what one upstream request can return). */
export function checkFirst(first: number | null | undefined, arg = 'first'): number {
  const n = first ?? PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > PAGE_SIZE)
    throw badInput(`${arg} must be an integer from 1 to ${PAGE_SIZE}, but got: ${n}`, {
      field: arg,
    });
  return n;
}
