/**
 * Which call a create's 409 is about, when the create was sent more than once (its first answer
 * was lost to a 5xx or a timeout, so Gong may have created the call then) and the 409 is Gong's
 * duplicate answer for the same clientUniqueId. Cheapest first:
 *
 * 1. The 409's message names a call id and speaks of a duplicate (the sandbox's wording; Gong's
 *    exact one is not recorded): that id.
 * 2. Else the calls started within a minute of its `actualStart` (GET /v2/calls filters uploaded
 *    calls on their actual start) are read, and the one carrying the same clientUniqueId is it.
 *    One request, more only if that minute holds more than 100 calls.
 *
 * Otherwise undefined, and the CONFLICT stands: a create sent once that meets a 409 (another
 * integration's call, or "recording is not enabled for the primary user"), or a call Gong has not
 * listed yet.
 */
import type { GatewayError } from '../errors.js';
import { collectPages } from '../gong/reads/pages.js';
import type { GongClient } from '../gong/types.js';
import type { NewCallAddingRequest } from '../gong/wire.js';

const DUPLICATE = /already exists|duplicate|clientUniqueId/i;
const WINDOW_MS = 60_000;

export async function existingCallOf(
  client: GongClient,
  body: Pick<NewCallAddingRequest, 'clientUniqueId' | 'actualStart'>,
  conflict: GatewayError,
): Promise<{ callId: string; requestId: string } | undefined> {
  if (conflict.details.resent !== true) return undefined;
  const requestId =
    typeof conflict.details.requestId === 'string' ? conflict.details.requestId : '';
  const said = Array.isArray(conflict.details.gongErrors) ? conflict.details.gongErrors : [];
  for (const m of said) {
    if (!DUPLICATE.test(m)) continue;
    // The id Gong names, not digits of the clientUniqueId the message quotes.
    const named = (m.replace(body.clientUniqueId, '').match(/\b\d{10,20}\b/g) ?? []).at(-1);
    if (named) return { callId: named, requestId };
  }
  const start = Date.parse(body.actualStart);
  if (Number.isNaN(start)) return undefined;
  const calls = await collectPages({
    fetchPage: (cursor) =>
      client.listCalls({
        fromDateTime: new Date(start - WINDOW_MS).toISOString(),
        toDateTime: new Date(start + WINDOW_MS).toISOString(),
        cursor,
      }),
    idOf: (c) => c.id,
  });
  const same = calls.find((c) => c.clientUniqueId === body.clientUniqueId);
  return same ? { callId: same.id, requestId } : undefined;
}
