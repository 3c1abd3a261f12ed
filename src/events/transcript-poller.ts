/**
 * Publishes `transcript.ready` once Gong has a call's transcript (Gong: up to 24 h after the
 * call). Each call.created schedules its call id; a timer takes the due ids and asks
 * POST /v2/calls/transcript for up to 100 of them per request, at background priority.
 *
 * What a call costs (docs/caching.md, "Transcript polling"):
 * - Only calls someone waits for are asked about (./transcript-interest.ts: a gongTranscriptReady
 *   subscriber, a transcripts sync chain, the read model). The others stay scheduled at no cost,
 *   so a subscriber that arrives later still hears of them.
 * - One ladder for every call, by the time since its call.created: a check every `stepMs` for the
 *   first `denseMs` (so `transcript.ready` comes within one step of the transcript being
 *   readable), then gaps that double up to `maxDelayMs`, until `giveUpMs`.
 * - Due times are aligned to multiples of the gap, so calls due in the same step, whatever their
 *   arrival, share one request, and the steps of later phases fall on the first phase's slots.
 * - A call Gong marks as unlikely ever to have a transcript gives up after the dense phase: its
 *   `metaData.duration` under `shortCallSeconds`, no `metaData.media`, or `metaData.language`
 *   `zxx` (Gong: "not enough speech content for identification").
 */
import { collectPages } from '../gong/reads/pages.js';
import type { GongClient } from '../gong/types.js';
import { PAGE_SIZE } from '../gong/wire/common.js';
import type { Logger } from '../observability/logger.js';
import type { TranscriptReadyData } from './payloads.js';
import type { EventLog } from './event-log.js';
import type { TranscriptInterest } from './transcript-interest.js';
import type { ScheduledCheck, TranscriptSchedule } from './transcript-schedule.js';

export interface TranscriptPollerOptions {
  schedule: TranscriptSchedule;
  log: EventLog;
  /** Who waits for which calls: only those are asked about. */
  interest: TranscriptInterest;
  client(connectionRef: string): GongClient;
  /** TRANSCRIPT_POLL_INITIAL_SECONDS in ms: the gap between the first checks (0: every pass). */
  initialDelayMs: number;
  /** TRANSCRIPT_POLL_DENSE_SECONDS in ms: how long checks stay `initialDelayMs` apart. @default 180_000 */
  denseMs?: number;
  /** TRANSCRIPT_POLL_MAX_SECONDS in ms. */
  maxDelayMs: number;
  /** TRANSCRIPT_POLL_GIVE_UP_HOURS in ms. */
  giveUpMs: number;
  /** TRANSCRIPT_POLL_SHORT_CALL_SECONDS: shorter calls give up after the dense phase. @default 15 */
  shortCallSeconds?: number;
  /** How often the timer looks for due ids. @default 1_000 */
  tickMs?: number;
  /** Leased ids come due again after this if an instance dies mid-check. @default 120_000 */
  leaseMs?: number;
  /** Ids per upstream request (Gong's page size). @default 100 */
  batchSize?: number;
  logger?: Logger;
  /** @default Date.now */
  now?: () => number;
  /** Called once a call's transcript is published (the transcripts sync then reads it by id). */
  onReady?: (input: { connectionRef: string; callId: string }) => Promise<void>;
  /** Called with every transcript a check found (the shared entity cache keeps them). */
  onTranscripts?: (
    connectionRef: string,
    transcripts: TranscriptReadyData['transcript'][],
  ) => Promise<void>;
}

/** What a call.created says about the call: the fields that tell a call unlikely to get a transcript. */
export interface CallHints {
  duration?: number | null | undefined;
  media?: string | null | undefined;
  language?: string | null | undefined;
}

export interface TranscriptPoller {
  /** Schedules a call's checks (idempotent). */
  schedule(input: {
    connectionRef: string;
    callId: string;
    isPrivate?: boolean;
    call?: CallHints;
  }): Promise<void>;
  /** One pass over due ids (the timer runs it; tests call it). Resolves with transcripts published. */
  runOnce(): Promise<number>;
  start(): void;
  close(): Promise<void>;
}

/** The hints a call's metaData carries; a key Gong left out stays out (unknown is not "none"). */
export const hintsOf = (m: {
  duration?: number | null | undefined;
  media?: string | null | undefined;
  language?: string | null | undefined;
}): CallHints => ({
  ...('duration' in m ? { duration: m.duration } : {}),
  ...('media' in m ? { media: m.media } : {}),
  ...('language' in m ? { language: m.language } : {}),
});

/** Why a call gives up after the dense phase, or undefined for the full ladder. */
export function shortLivedReason(call: CallHints | undefined, shortCallSeconds: number) {
  if (!call) return undefined;
  if (typeof call.duration === 'number' && call.duration < shortCallSeconds) return 'short';
  if ('media' in call && !call.media) return 'no-media';
  if (call.language === 'zxx') return 'no-speech';
  return undefined;
}

/**
 * The ladder: the gap before the next check of a call `elapsedMs` after its call.created. During
 * the dense phase the step; after it, gaps of 2, 4, 8, … steps, up to `maxMs`.
 */
export function gapAfter(elapsedMs: number, stepMs: number, denseMs: number, maxMs: number) {
  if (stepMs <= 0) return 0;
  if (elapsedMs < denseMs) return stepMs;
  const doublings = Math.floor(Math.log2((elapsedMs - denseMs) / stepMs + 2));
  return Math.min(maxMs, stepMs * 2 ** doublings);
}

/** The first multiple of `gapMs` after `now`: calls due in the same step share one slot. */
export const slotAfter = (now: number, gapMs: number) =>
  gapMs <= 0 ? now : Math.floor(now / gapMs) * gapMs + gapMs;

export function createTranscriptPoller(opts: TranscriptPollerOptions): TranscriptPoller {
  const now = opts.now ?? Date.now;
  const batchSize = opts.batchSize ?? PAGE_SIZE;
  const leaseMs = opts.leaseMs ?? 120_000;
  const denseMs = opts.denseMs ?? 180_000;
  const shortCallSeconds = opts.shortCallSeconds ?? 15;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let closed = false;

  const nextDue = (c: ScheduledCheck) =>
    slotAfter(now(), gapAfter(now() - c.firstAt, opts.initialDelayMs, denseMs, opts.maxDelayMs));

  /** Reschedules a check, or drops it past its give-up time. `checked`: Gong was asked. */
  const later = async (c: ScheduledCheck, checked: boolean) => {
    const attempt = c.attempt + (checked ? 1 : 0);
    if (now() >= (c.giveUpAt ?? c.firstAt + opts.giveUpMs)) {
      opts.logger?.info(
        { connection: c.connectionRef, callId: c.callId, attempts: attempt, mark: c.mark },
        'no transcript in time: giving up',
      );
      await opts.schedule.remove(c);
      return;
    }
    await opts.schedule.reschedule({ ...c, attempt }, nextDue(c));
  };

  const checkBatch = async (ref: string, batch: ScheduledCheck[]): Promise<number> => {
    let published = 0;
    const found = new Map<string, TranscriptReadyData['transcript']>();
    try {
      const callIds = batch.map((c) => c.callId);
      const transcripts = await collectPages({
        fetchPage: (cursor) =>
          opts.client(ref).transcripts({ cursor, filter: { callIds } }, 'background'),
        idOf: (t) => t.callId,
      });
      for (const t of transcripts) found.set(t.callId, t);
      await opts.onTranscripts?.(ref, transcripts).catch(() => undefined);
    } catch (err) {
      opts.logger?.warn(
        { connection: ref, err: err instanceof Error ? err.message : String(err) },
        'transcript check failed; retrying later',
      );
      for (const c of batch) await later(c, true);
      return 0;
    }
    for (const c of batch) {
      const transcript = found.get(c.callId);
      if (!transcript || transcript.transcript.length === 0) {
        await later(c, true);
        continue;
      }
      const data: TranscriptReadyData = { callId: c.callId, isPrivate: c.isPrivate, transcript };
      const r = await opts.log.append({
        topic: 'transcript.ready',
        connectionRef: ref,
        dedupeKey: c.callId,
        data,
        receivedAt: new Date(now()).toISOString(),
      });
      await opts.schedule.remove(c);
      await opts.onReady?.({ connectionRef: ref, callId: c.callId });
      if (!r.duplicate) published++;
    }
    return published;
  };

  /** The due checks of one connection: wanted ones asked about in batches, the rest moved on. */
  const checkConnection = async (ref: string, checks: ScheduledCheck[]): Promise<number> => {
    const wanted = await opts.interest.wanted(
      ref,
      checks.map((c) => c.callId),
    );
    const asked = checks.filter((c) => wanted.has(c.callId));
    for (const c of checks) if (!wanted.has(c.callId)) await later(c, false);
    let published = 0;
    for (let i = 0; i < asked.length; i += batchSize)
      published += await checkBatch(ref, asked.slice(i, i + batchSize));
    return published;
  };

  const pass = async (): Promise<number> => {
    let published = 0;
    for (;;) {
      const limit = batchSize * 10;
      const due = await opts.schedule.takeDue(now(), limit, leaseMs);
      if (due.length === 0) return published;
      const byRef = new Map<string, ScheduledCheck[]>();
      for (const c of due) byRef.set(c.connectionRef, [...(byRef.get(c.connectionRef) ?? []), c]);
      for (const [ref, checks] of byRef) published += await checkConnection(ref, checks);
      // Only a full take may have left more due ids; rescheduled ones wait for the next tick.
      if (closed || due.length < limit) return published;
    }
  };

  const runOnce = () => (running ??= pass().finally(() => (running = undefined)));

  return {
    async schedule({ connectionRef, callId, isPrivate, call }) {
      const firstAt = now();
      const mark = shortLivedReason(call, shortCallSeconds);
      const check: ScheduledCheck = {
        connectionRef,
        callId,
        attempt: 0,
        firstAt,
        isPrivate: isPrivate ?? false,
        giveUpAt: firstAt + (mark ? Math.min(denseMs, opts.giveUpMs) : opts.giveUpMs),
        ...(mark ? { mark } : {}),
      };
      await opts.schedule.add(check, slotAfter(firstAt, opts.initialDelayMs));
    },
    runOnce,
    start() {
      if (timer || closed) return;
      timer = setInterval(() => {
        runOnce().catch((err: unknown) =>
          opts.logger?.error(
            { err: err instanceof Error ? err.message : String(err) },
            'transcript poller pass failed',
          ),
        );
      }, opts.tickMs ?? 1_000);
      timer.unref();
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
