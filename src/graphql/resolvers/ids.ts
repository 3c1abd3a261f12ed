/** Argument checks shared by the read resolvers. */
import { badInput } from '../../errors.js';
import { GongId, PAGE_SIZE } from '../../gong/wire.js';

/** Gong ids are numeric strings of up to 20 digits; anything else is BAD_USER_INPUT, not a Gong round trip. */
export function gongIds(ids: readonly string[], arg: string): string[] {
  for (const id of ids)
    if (!GongId.safeParse(id).success)
      throw badInput(
        `${arg} must hold Gong ids (numeric strings of up to 20 digits), but got: ${JSON.stringify(id)}`,
        { field: arg },
      );
  if (ids.length > PAGE_SIZE)
    throw badInput(`${arg} may hold at most ${PAGE_SIZE} ids, but got ${ids.length}`, {
      field: arg,
    });
  return [...ids];
}

/** A router's representation may carry anything as a key; one that is no Gong id can only be a miss (null), never a failed batch. */
export const isGongId = (id: unknown): id is string => GongId.safeParse(id).success;

export function gongId(id: string, arg: string): string {
  gongIds([id], arg);
  return id;
}

/**
 * The `id` of an object Gong gives no id of its own: its kind and the Gong id it belongs to, so it
 * never equals a Gong id (normalising caches key every object on `id`, whatever its type).
 */
export const transcriptId = (callId: string): string => `transcript:${callId}`;

export const toIso = (ms: number): string => new Date(ms).toISOString();

/** The `[from, to)` window of a list read: defaults from the clock, and from must be before to. */
export function dateWindow(
  from: string | null | undefined,
  to: string | null | undefined,
  now: number,
  startDays: number,
): { from: string; to: string } {
  const window = { from: from ?? toIso(now - startDays * 86_400_000), to: to ?? toIso(now) };
  if (Date.parse(window.from) >= Date.parse(window.to))
    throw badInput(
      `filter.from must be before filter.to, but got from=${window.from} to=${window.to}`,
      { field: 'filter' },
    );
  return window;
}
