/**
 * The envelope every Gong answer shares (ids, dates, paging records, errors) and the loose-object helpers.
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 */
import { z } from 'zod';

export const obj = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
export const opt = <T extends z.ZodType>(t: T) => t.nullish();

/** Gong IDs are numeric strings of up to 20 digits (beyond 2^53): always strings. */
export const GongId = z.string().regex(/^\d{1,20}$/, 'a numeric string id');
/** ISO-8601 with explicit offset (`Z` or `±hh:mm`), 0-6 fractional digits. */
export const GongDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/,
    'an ISO-8601 date-time with offset',
  );

export const Records = obj({
  totalRecords: z.number().int(),
  currentPageSize: z.number().int(),
  /** 0-based. */
  currentPageNumber: z.number().int(),
  /** Present only when another page exists. */
  cursor: opt(z.string()),
});
export type Records = z.infer<typeof Records>;

export const ErrorResponse = obj({
  requestId: opt(z.string()),
  errors: opt(z.array(z.string())),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** Gong's exact message for an empty call/extensive/transcript result (HTTP 404). */
export const NO_CALLS_FOUND = 'No calls found corresponding to the provided filters';
/** Gong's message for a bad or expired cursor (HTTP 400). */
export const CURSOR_INVALID = 'Failed to verify cursor';

/**
 * Gong's page size: 100 records a page, with no parameter to change it. So 100 ids are one by-id
 * request (a longer id filter would page), and every batch, merge and page here holds at most this.
 */
export const PAGE_SIZE = 100;
