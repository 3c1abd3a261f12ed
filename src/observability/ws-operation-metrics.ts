/**
 * Counts GraphQL operations over graphql-ws in `gong_gateway_graphql_operations_total`, with the
 * HTTP plugin's labels and outcomes. A counter sample carries its outcome, so an operation is
 * counted once, when it ends: graphql-ws calls `onComplete` after every stream or result that
 * started (client `complete` and socket close included), but only `onError` for documents refused
 * before execution. Internal to the gateway's WebSocket wiring.
 */
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { OperationLabel, OperationOutcome } from './graphql-metrics-plugin.js';
import type { Metrics } from './metrics.js';

interface Tracked {
  operation: string;
  type: string;
  /** Execution began: `onComplete` will follow. */
  started: boolean;
  failed: boolean;
  sawErrors: boolean;
  sawData: boolean;
}

export interface WsOperationMetrics {
  /** A `subscribe` message arrived. */
  subscribed(socket: object, id: string): void;
  /** The document parsed and validated; execution starts. */
  started(
    socket: object,
    id: string,
    document: DocumentNode,
    operationName: string | null | undefined,
  ): void;
  next(socket: object, id: string, result: ExecutionResult): void;
  /** Operation-level errors (refused document, failed stream or context). */
  error(socket: object, id: string): void;
  complete(socket: object, id: string): void;
}

export function createWsOperationMetrics(
  metrics: Metrics,
  label: OperationLabel,
): WsOperationMetrics {
  // Keyed by graphql-ws's per-socket context: operation ids are only unique within a socket.
  const sockets = new WeakMap<object, Map<string, Tracked>>();
  const get = (socket: object, id: string) => sockets.get(socket)?.get(id);
  const finish = (socket: object, id: string) => {
    const t = get(socket, id);
    if (!t) return;
    sockets.get(socket)?.delete(id);
    const outcome: OperationOutcome = t.failed
      ? 'error'
      : !t.sawErrors
        ? 'success'
        : t.sawData
          ? 'partial'
          : 'error';
    metrics.graphqlOperations.inc({ operation: t.operation, type: t.type, outcome });
  };
  return {
    subscribed(socket, id) {
      let ops = sockets.get(socket);
      if (!ops) sockets.set(socket, (ops = new Map<string, Tracked>()));
      ops.set(id, {
        operation: label(undefined, false),
        type: 'unknown',
        started: false,
        failed: false,
        sawErrors: false,
        sawData: false,
      });
    },
    started(socket, id, document, operationName) {
      const t = get(socket, id);
      const op = getOperationAST(document, operationName);
      if (!t || !op) return;
      t.operation = label(op.name?.value ?? operationName, true);
      t.type = op.operation;
      t.started = true;
    },
    next(socket, id, result) {
      const t = get(socket, id);
      if (!t) return;
      if (result.errors?.length) t.sawErrors = true;
      if (result.data !== undefined && result.data !== null) t.sawData = true;
    },
    error(socket, id) {
      const t = get(socket, id);
      if (!t) return;
      t.failed = true;
      if (!t.started) finish(socket, id);
    },
    complete: finish,
  };
}
