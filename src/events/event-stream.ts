/**
 * One subscriber's view of a stream: optional replay from `after`, then live events, with no gap
 * and no duplicate at the seam, through a bounded buffer.
 *
 * The seam: the live listener is attached first (buffering), then the log is replayed page by
 * page, then the buffer drains skipping every id ≤ the last replayed one. An event appended
 * during the replay is thus either in the replay or in the buffer (or both, and skipped once).
 *
 * Backpressure: fan-out never awaits a subscriber; live events wait in this subscriber's buffer.
 * Past `maxPending` the stream ends and `onOverflow` is told the last eventId the consumer took
 * delivery of, so the socket can be closed with a reason naming where to resume.
 */
import { badInput } from '../errors.js';
import { compareEventIds } from './event-id.js';
import type { EventLog, EventTopic, LoggedEvent } from './event-log.js';
import { asError } from '../util/promised.js';

export interface EventStreamOptions {
  log: EventLog;
  topic: EventTopic;
  connectionRef: string;
  /** Replay strictly after this eventId first. */
  after?: string | undefined;
  /** Events the subscriber wants (test/private/workspace filters). */
  filter?: (event: LoggedEvent) => boolean;
  /** WS_MAX_PENDING_EVENTS: live events buffered before the subscriber counts as too slow. */
  maxPending: number;
  /** Called once when the buffer overflows; the stream then ends. */
  onOverflow: (lastDeliveredEventId: string | undefined) => void;
  /** Called once when the stream ends for any reason. */
  onEnd?: () => void;
  /** Called for each live event handed to the consumer (delivery lag metrics). */
  onLiveDelivery?: (event: LoggedEvent) => void;
  /** @default 500 */
  replayPageSize?: number;
}

/**
 * Opens the stream. Rejects with BAD_USER_INPUT when `after` is malformed, unknown or past
 * retention, before anything is delivered.
 */
export async function openEventStream(
  opts: EventStreamOptions,
): Promise<AsyncIterableIterator<LoggedEvent>> {
  const pageSize = opts.replayPageSize ?? 500;
  const keep = opts.filter ?? (() => true);
  await opts.log.ready();

  const live: LoggedEvent[] = [];
  let waiter: ((r: IteratorResult<LoggedEvent>) => void) | undefined;
  let ended = false;
  /** Last id taken from the replay: live events up to it are already delivered. */
  let seam: string | undefined = opts.after;
  let replayDone = opts.after === undefined;
  let replayPage: LoggedEvent[] = [];
  /** Handed out by the latest next(); delivered once the consumer asks for the one after. */
  let inFlight: string | undefined;
  let delivered: string | undefined = opts.after;

  const end = () => {
    if (ended) return;
    ended = true;
    detach();
    live.length = 0;
    opts.onEnd?.();
    const w = waiter;
    waiter = undefined;
    w?.({ value: undefined, done: true });
  };

  const detach = opts.log.listen((event) => {
    if (ended || event.topic !== opts.topic || event.connectionRef !== opts.connectionRef) return;
    if (waiter && replayDone && live.length === 0) {
      if (!keep(event) || (seam !== undefined && compareEventIds(event.eventId, seam) <= 0)) return;
      const w = waiter;
      waiter = undefined;
      hand(event, true, w);
      return;
    }
    live.push(event);
    if (live.length > opts.maxPending) {
      const last = delivered;
      end();
      opts.onOverflow(last);
    }
  });

  const hand = (
    event: LoggedEvent,
    isLive: boolean,
    to: (r: IteratorResult<LoggedEvent>) => void,
  ) => {
    inFlight = event.eventId;
    if (isLive) opts.onLiveDelivery?.(event);
    to({ value: event, done: false });
  };

  const fetchReplay = async (): Promise<void> => {
    const from = seam ?? '0-0';
    const r = await opts.log.replay(opts.topic, opts.connectionRef, from, pageSize);
    if (!r.ok) {
      if (r.problem === 'malformed')
        throw badInput(
          `after must be an eventId like "1714550000000-0", got ${JSON.stringify(from)}`,
          { field: 'after' },
        );
      if (r.problem === 'unknown')
        throw badInput(`after ${JSON.stringify(from)} is not an eventId of this stream`, {
          field: 'after',
        });
      throw badInput(
        `after ${JSON.stringify(from)} is past the event log's retention: re-sync with gongCallsSync, then subscribe without after`,
        { field: 'after' },
      );
    }
    replayPage = r.events;
    const last = r.events[r.events.length - 1];
    if (last) seam = last.eventId;
    if (r.events.length < pageSize) replayDone = true;
  };

  try {
    if (!replayDone) await fetchReplay();
  } catch (e) {
    end();
    throw e;
  }

  /** The next event to hand out, or undefined when the consumer must wait for a live one. */
  const take = async (): Promise<{ event: LoggedEvent; isLive: boolean } | undefined> => {
    for (;;) {
      if (ended) return undefined;
      const replayed = replayPage.shift();
      if (replayed) {
        if (keep(replayed)) return { event: replayed, isLive: false };
        continue;
      }
      if (!replayDone) {
        await fetchReplay();
        continue;
      }
      const next = live.shift();
      if (!next) return undefined;
      if (seam !== undefined && compareEventIds(next.eventId, seam) <= 0) continue;
      if (keep(next)) return { event: next, isLive: true };
    }
  };

  const iterator: AsyncIterableIterator<LoggedEvent> = {
    async next() {
      if (inFlight !== undefined) {
        delivered = inFlight;
        inFlight = undefined;
      }
      const got = await take();
      if (got) {
        inFlight = got.event.eventId;
        if (got.isLive) opts.onLiveDelivery?.(got.event);
        return { value: got.event, done: false };
      }
      if (ended) return { value: undefined, done: true };
      // The listener hands the next wanted live event straight to this waiter (or ends it).
      return new Promise<IteratorResult<LoggedEvent>>((resolve) => (waiter = resolve));
    },
    return() {
      end();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(e?: unknown) {
      end();
      return Promise.reject(asError(e));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
