/**
 * Subscription streams checked against the privacy rule (src/privacy/call-privacy.ts) as each
 * event is handed out, replayed or live: the log keeps what was true when an event was written,
 * and a call may have been made private or deleted since. The check runs here, between the
 * event stream and the execution (of one subscriber, or of a hub's group), so every transport
 * gets it and the stream's own bounds and seams stay as they are.
 */
import type { LoggedEvent } from '../../events/event-log.js';
import type { CallStanding } from '../../privacy/call-privacy.js';
import { asError } from '../../util/promised.js';
import type { GatewayContext } from '../context.js';

/** The events `keep` accepts, in order; ending or throwing passes through to the source. */
export function servableOnly(
  source: AsyncIterableIterator<LoggedEvent>,
  keep: (event: LoggedEvent) => Promise<boolean>,
): AsyncIterableIterator<LoggedEvent> {
  const it: AsyncIterableIterator<LoggedEvent> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done === true || (await keep(r.value))) return r;
      }
    },
    return: () => source.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    throw: (e?: unknown) => source.throw?.(e) ?? Promise.reject(asError(e)),
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

/** The call's standing now (undefined: nothing newer than the event is known). */
export async function standingNow(
  ctx: GatewayContext,
  callId: string,
): Promise<CallStanding | undefined> {
  const standings = ctx.services.calls?.standings;
  return standings ? (await standings.of(ctx.connectionRef, [callId]))[0] : undefined;
}
