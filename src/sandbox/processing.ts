/**
 * Gong's processing latency (docs/gong-contract.md §5): a call that just ended becomes visible to reads,
 * and fires webhooks, only `processingDelayMs` after it ended; its transcript only after
 * `transcriptDelayMs`. Its start lies in the past, so a cursor that advances on `started` misses
 * it: the sandbox reproduces that on purpose. A timer runs due work; `tick()` runs it now.
 * Internal to the sandbox.
 */
import type { StoredCall } from './seed-calls.js';

export interface ProcessingOptions {
  now: () => number;
  processingDelayMs: number;
  transcriptDelayMs: number;
  /** How often the timer looks for due work. @default 250 */
  intervalMs?: number;
  /** Called once per call when it becomes visible (webhook deliveries). */
  onVisible: (call: StoredCall) => Promise<void>;
}

interface Pending {
  call: StoredCall;
  endedAt: number;
}

export class Processing {
  readonly #pending: Pending[] = [];
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | undefined;

  constructor(private readonly opts: ProcessingOptions) {
    this.#timer = setInterval(
      () => void this.tick().catch(() => undefined),
      opts.intervalMs ?? 250,
    );
    this.#timer.unref();
  }

  /** Starts processing a call that ended at `endedAt` (it is invisible until then). */
  enqueue(call: StoredCall, endedAt: number): void {
    call.visibleAt = undefined;
    call.transcriptAt = undefined;
    this.#pending.push({ call, endedAt });
  }

  pendingCount(): number {
    return this.#pending.length;
  }

  /** Runs everything due now. Concurrent calls share one run, then run again if asked. */
  async tick(): Promise<void> {
    while (this.#running) await this.#running;
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
    });
    await this.#running;
  }

  async #run(): Promise<void> {
    const now = this.opts.now();
    for (const p of [...this.#pending]) {
      const call = p.call;
      if (call.visibleAt === undefined && now >= p.endedAt + this.opts.processingDelayMs) {
        call.visibleAt = now;
        await this.opts.onVisible(call);
      }
      if (
        call.visibleAt !== undefined &&
        call.transcriptAt === undefined &&
        now >= p.endedAt + this.opts.transcriptDelayMs
      )
        call.transcriptAt = now;
      if (call.visibleAt !== undefined && call.transcriptAt !== undefined)
        this.#pending.splice(this.#pending.indexOf(p), 1);
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
