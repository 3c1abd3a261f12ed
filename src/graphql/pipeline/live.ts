/**
 * Every operation that outlives its request (a subscription on any transport, a WebSocket) is
 * registered here, so what must end it reaches it wherever it runs:
 * - its credential's expiry (a JWT's `exp`): UNAUTHENTICATED, WebSocket close 4401;
 * - `gongDisconnect` of its connection: RECONNECT_REQUIRED, WebSocket close 4403;
 * - shutdown: SHUTTING_DOWN, WebSocket close 1001.
 * Each transport says how it ends one (an SSE `next` with the error then `complete`, a multipart
 * part with `payload: null`, a WebSocket close code). Internal to the operation pipeline.
 */
import type { GraphQLFormattedError } from 'graphql';
import { WsCloseCode } from '../../close-codes.js';
import { ErrorCode } from '../../errors.js';

/** setTimeout's longest delay; a credential that lives longer is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type LiveEndReason = 'expired' | 'disconnected' | 'shutdown';

/** Why a live operation ends, as each protocol says it. */
export interface LiveEnd {
  reason: LiveEndReason;
  /** The error a streaming HTTP transport sends last (its `extensions.code` names the reason). */
  error: GraphQLFormattedError;
  /** The WebSocket close code. */
  closeCode: number;
}

export interface LiveOperation {
  /** `stream`: an HTTP response (SSE, multipart) that holds the server's drain; `socket`: a WebSocket. */
  kind: 'stream' | 'socket';
  connectionRef: string;
  /** When the credential stops being valid (ms), if it expires. */
  expiresAt?: number | undefined;
  /** Ends the operation the way its protocol says; called at most once. */
  end(why: LiveEnd): void;
}

export interface LiveOperations {
  /** Registers an operation; the returned function unregisters it (it ended on its own). */
  track(op: LiveOperation): () => void;
  /** Ends every operation of a connection (it was disconnected). */
  connectionGone(connectionRef: string): void;
  /**
   * Shutdown: ends the HTTP streams (which would hold the drain of in-flight requests) and refuses
   * new operations from then on; WebSockets follow with `endAll` once HTTP drained.
   */
  endStreams(): void;
  /** Ends every operation (shutdown) and refuses new ones from then on. */
  endAll(): void;
  /** Whether shutdown began: new streams are refused with SHUTTING_DOWN. */
  closing(): boolean;
  size(): number;
}

export const liveEnd = (reason: LiveEndReason, connectionRef?: string): LiveEnd => {
  switch (reason) {
    case 'expired':
      return {
        reason,
        closeCode: WsCloseCode.Unauthorized,
        error: {
          message: 'The credential of this subscription expired',
          extensions: { code: ErrorCode.UNAUTHENTICATED },
        },
      };
    case 'disconnected':
      return {
        reason,
        closeCode: WsCloseCode.Forbidden,
        error: {
          message: `The Gong connection ${JSON.stringify(connectionRef ?? '')} was disconnected`,
          extensions: { code: ErrorCode.RECONNECT_REQUIRED, connectionRef },
        },
      };
    case 'shutdown':
      return {
        reason,
        closeCode: WsCloseCode.GoingAway,
        error: {
          message:
            'This gateway instance is shutting down: subscribe again (to another instance) and resume with `after`',
          extensions: { code: ErrorCode.SHUTTING_DOWN },
        },
      };
  }
};

export function createLiveOperations(now: () => number = Date.now): LiveOperations {
  const ops = new Map<LiveOperation, { timer?: ReturnType<typeof setTimeout> }>();
  let shuttingDown = false;

  const finish = (op: LiveOperation, why: LiveEnd) => {
    const entry = ops.get(op);
    if (!entry) return;
    clearTimeout(entry.timer);
    ops.delete(op);
    op.end(why);
  };

  const arm = (op: LiveOperation, entry: { timer?: ReturnType<typeof setTimeout> }) => {
    if (op.expiresAt === undefined) return;
    const left = op.expiresAt - now();
    if (left <= 0) {
      queueMicrotask(() => finish(op, liveEnd('expired')));
      return;
    }
    entry.timer = setTimeout(
      () => (op.expiresAt! <= now() ? finish(op, liveEnd('expired')) : arm(op, entry)),
      Math.min(MAX_TIMER_MS, left),
    );
    entry.timer.unref();
  };

  return {
    track(op) {
      const entry: { timer?: ReturnType<typeof setTimeout> } = {};
      ops.set(op, entry);
      if (shuttingDown && op.kind === 'stream')
        queueMicrotask(() => finish(op, liveEnd('shutdown')));
      else arm(op, entry);
      return () => {
        clearTimeout(entry.timer);
        ops.delete(op);
      };
    },
    connectionGone(ref) {
      for (const op of [...ops.keys()])
        if (op.connectionRef === ref) finish(op, liveEnd('disconnected', ref));
    },
    endStreams() {
      shuttingDown = true;
      for (const op of [...ops.keys()]) if (op.kind === 'stream') finish(op, liveEnd('shutdown'));
    },
    endAll() {
      shuttingDown = true;
      for (const op of [...ops.keys()]) finish(op, liveEnd('shutdown'));
    },
    closing: () => shuttingDown,
    size: () => ops.size,
  };
}
