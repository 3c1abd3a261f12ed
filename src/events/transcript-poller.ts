/**
 * Publishes `transcript.ready` once Gong has a call's transcript (Gong: up to 24 h after the
 * call). Each call.created schedules its call id; a timer takes due ids, asks
 * POST /v2/calls/transcript for up to 100 of them per request at background priority (under the
 * connection's shared budget), publishes the ones found and reschedules the rest with doubling
 * gaps (initial → max), giving up after `giveUpMs`.
 */
import { collectPages } from '../gong/reads/pages.js';
import type { GongClient } from '../gong/types.js';
import { PAGE_SIZE } from '../gong/wire/common.js';
import type { Logger } from '../observability/logger.js';
import type { TranscriptReadyData } from './payloads.js';
import type { EventLog } from './event-log.js';
import type { ScheduledCheck, TranscriptSchedule } from './transcript-schedule.js';

export interface TranscriptPollerOptions {
  schedule: TranscriptSchedule;
  log: EventLog;
  client(connectionRef: string): GongClient;
  /** TRANSCRIPT_POLL_INITIAL_SECONDS in ms: the first check after call.created. */
  initialDelayMs: number;
  /** TRANSCRIPT_POLL_MAX_SECONDS in ms. */
  maxDelayMs: number;
  /** TRANSCRIPT_POLL_GIVE_UP_HOURS in ms. */
  giveUpMs: number;
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

export interface TranscriptPoller {
  /** Schedules a call's first check (idempotent). */
  schedule(input: { connectionRef: string; callId: string; isPrivate?: boolean }): Promise<void>;
  /** One pass over due ids (the timer runs it; tests call it). Resolves with transcripts published. */
  runOnce(): Promise<number>;
  start(): void;
  close(): Promise<void>;
}

export function createTranscriptPoller(opts: TranscriptPollerOptions): TranscriptPoller {
  const now = opts.now ?? Date.now;
  const batchSize = opts.batchSize ?? PAGE_SIZE;
  const leaseMs = opts.leaseMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let closed = false;

  const nextDelay = (attempt: number) =>
    Math.min(opts.initialDelayMs * 2 ** attempt, opts.maxDelayMs);

  const retryLater = async (c: ScheduledCheck) => {
    const attempt = c.attempt + 1;
    if (now() - c.firstAt >= opts.giveUpMs) {
      opts.logger?.info(
        { connection: c.connectionRef, callId: c.callId, attempts: attempt },
        'no transcript in time: giving up',
      );
      await opts.schedule.remove(c);
      return;
    }
    await opts.schedule.reschedule({ ...c, attempt }, now() + nextDelay(attempt));
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
      for (const c of batch) await retryLater(c);
      return 0;
    }
    for (const c of batch) {
      const transcript = found.get(c.callId);
      if (!transcript || transcript.transcript.length === 0) {
        await retryLater(c);
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

  const pass = async (): Promise<number> => {
    let published = 0;
    for (;;) {
      const limit = batchSize * 10;
      const due = await opts.schedule.takeDue(now(), limit, leaseMs);
      if (due.length === 0) return published;
      const byRef = new Map<string, ScheduledCheck[]>();
      for (const c of due) byRef.set(c.connectionRef, [...(byRef.get(c.connectionRef) ?? []), c]);
      for (const [ref, checks] of byRef)
        for (let i = 0; i < checks.length; i += batchSize)
          published += await checkBatch(ref, checks.slice(i, i + batchSize));
      // Only a full take may have left more due ids; rescheduled ones wait for the next tick.
      if (closed || due.length < limit) return published;
    }
  };

  const runOnce = () => (running ??= pass().finally(() => (running = undefined)));

  return {
    async schedule({ connectionRef, callId, isPrivate }) {
      await opts.schedule.add(
        { connectionRef, callId, attempt: 0, firstAt: now(), isPrivate: isPrivate ?? false },
        now() + opts.initialDelayMs,
      );
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
