/**
 * An Apollo Server plugin that counts every GraphQL-over-HTTP operation in
 * `gong_gateway_graphql_operations_total{operation,type,outcome}`. Operation names come from
 * clients, so the label set is bounded: names are cut to 64 characters and, past
 * `maxOperationNames` distinct ones, counted as `(other)`. Subscriptions over WebSocket do not
 * pass through Apollo; `gong_gateway_open_subscriptions` covers them.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Metrics } from './metrics.js';

/** `success`: no errors; `partial`: data and errors; `error`: errors and no data (incl. parse/validation failures). */
export type OperationOutcome = 'success' | 'partial' | 'error';

export function graphqlMetricsPlugin<C extends BaseContext>(metrics: Metrics, opts: { maxOperationNames?: number } = {}): ApolloServerPlugin<C> {
  const max = opts.maxOperationNames ?? 200;
  const seen = new Set<string>();
  const label = (name: string | null | undefined, parsed: boolean): string => {
    if (!parsed) return '(invalid)';
    if (!name) return '(anonymous)';
    const cut = name.slice(0, 64);
    if (seen.has(cut)) return cut;
    if (seen.size >= max) return '(other)';
    seen.add(cut);
    return cut;
  };
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          // `operation` is only set once the document parsed, validated and named a known operation.
          const op = rc.operation;
          const body = rc.response.body;
          const single = body.kind === 'single' ? body.singleResult : body.initialResult;
          const hasErrors = (single.errors?.length ?? 0) > 0 || (rc.errors?.length ?? 0) > 0;
          const hasData = single.data !== undefined && single.data !== null;
          const outcome: OperationOutcome = !hasErrors ? 'success' : hasData ? 'partial' : 'error';
          metrics.graphqlOperations.inc({ operation: label(op?.name?.value ?? rc.operationName, op !== undefined), type: op?.operation ?? 'unknown', outcome });
        },
      };
    },
  };
}
