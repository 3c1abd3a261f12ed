/**
 * An Apollo Server plugin that counts every GraphQL-over-HTTP operation in
 * `gong_gateway_graphql_operations_total{operation,type,outcome}`. Operation names come from
 * clients, so the label set is bounded: names are cut to 64 characters and, past
 * `maxOperationNames` distinct ones, counted as `(other)`. Operations over WebSocket do not pass
 * through Apollo: ./ws-operation-metrics.ts counts them with the same labeler.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Metrics } from './metrics.js';
import { promised } from '../util/promised.js';

/** `success`: no errors; `partial`: data and errors; `error`: errors and no data (incl. parse/validation failures). */
export type OperationOutcome = 'success' | 'partial' | 'error';

/** The `operation` label of a client-chosen name; `parsed: false` for documents that did not parse or validate. */
export type OperationLabel = (name: string | null | undefined, parsed: boolean) => string;

/** One per gateway, shared by HTTP and WebSocket, so the cap bounds the whole label set. */
export function createOperationLabel(maxOperationNames = 200): OperationLabel {
  const seen = new Set<string>();
  return (name, parsed) => {
    if (!parsed) return '(invalid)';
    if (!name) return '(anonymous)';
    const cut = name.slice(0, 64);
    if (seen.has(cut)) return cut;
    if (seen.size >= maxOperationNames) return '(other)';
    seen.add(cut);
    return cut;
  };
}

export function graphqlMetricsPlugin<C extends BaseContext>(
  metrics: Metrics,
  opts: { maxOperationNames?: number; label?: OperationLabel } = {},
): ApolloServerPlugin<C> {
  const label = opts.label ?? createOperationLabel(opts.maxOperationNames);
  return {
    requestDidStart: () =>
      Promise.resolve({
        willSendResponse: (rc) =>
          promised(() => {
            // `operation` is only set once the document parsed, validated and named a known operation.
            const op = rc.operation;
            const body = rc.response.body;
            const single = body.kind === 'single' ? body.singleResult : body.initialResult;
            const hasErrors = (single.errors?.length ?? 0) > 0 || (rc.errors?.length ?? 0) > 0;
            const hasData = single.data !== undefined && single.data !== null;
            const outcome: OperationOutcome = !hasErrors
              ? 'success'
              : hasData
                ? 'partial'
                : 'error';
            metrics.graphqlOperations.inc({
              operation: label(op?.name?.value ?? rc.operationName, op !== undefined),
              type: op?.operation ?? 'unknown',
              outcome,
            });
          }),
      }),
  };
}
