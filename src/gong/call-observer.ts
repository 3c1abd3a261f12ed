/**
 * Every call and transcript record the gateway receives from Gong, whichever path brought it:
 * by-id and list reads, sync pages, background sweeps and the transcript poller (all through the
 * Gong client), and webhook deliveries. Consumers that keep their own view of a connection's calls
 * (the change reconciler's index, the search read model) listen here once, instead of every read
 * path remembering every consumer.
 *
 * Contract: listeners are called synchronously, after the answer passed the wire schema and
 * before the caller sees it. They must not block and must not throw (a throw is swallowed, so a
 * consumer's bug never fails the read that fed it). A record is reported as Gong sent it: `selector`
 * says which sections a call record can hold (undefined: basic fields only).
 */
import type { Priority } from '../scheduler/priority.js';
import type { CallData, CallTranscript, ContentSelector } from './wire.js';

export type CallRecordSource = 'read' | 'webhook';

export interface CallsObserved {
  connectionRef: string;
  source: CallRecordSource;
  calls: readonly CallData[];
  /** The contentSelector the records were asked with; `'carried'` for a webhook's callData. */
  selector: ContentSelector | 'carried' | undefined;
  /** The read's priority class (`reconcile`: the reconciler's own sweep); absent for a webhook. */
  priority?: Priority | undefined;
}

export interface TranscriptsObserved {
  connectionRef: string;
  transcripts: readonly CallTranscript[];
}

export interface CallObserverListener {
  calls?(o: CallsObserved): void;
  transcripts?(o: TranscriptsObserved): void;
}

export interface CallObserver {
  calls(o: CallsObserved): void;
  transcripts(o: TranscriptsObserved): void;
  /** Adds a listener; returns its removal. */
  listen(listener: CallObserverListener): () => void;
}

export function createCallObserver(): CallObserver {
  const listeners = new Set<CallObserverListener>();
  const each = (call: (l: CallObserverListener) => void) => {
    for (const l of listeners) {
      try {
        call(l);
      } catch {
        // A consumer's failure must not fail the read that fed it (see the contract above).
      }
    }
  };
  return {
    calls: (o) => {
      if (o.calls.length > 0) each((l) => l.calls?.(o));
    },
    transcripts: (o) => {
      if (o.transcripts.length > 0) each((l) => l.transcripts?.(o));
    },
    listen(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
