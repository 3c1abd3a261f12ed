/** The GraphQL error edge: GatewayErrors keep code and details, anything unexpected is masked. */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { formatError } from '../../src/graphql/format-error.js';

describe('formatError', () => {
  it('turns a GatewayError thrown by a resolver into extensions.code plus its details', () => {
    const original = new GatewayError('UPSTREAM_RATE_LIMITED', 'Gong said slow down', {
      retryAfter: 7,
      requestId: 'abc',
      status: undefined,
    });
    const e = new GraphQLError(original.message, { path: ['gongUsers'], originalError: original });
    expect(
      formatError(
        { message: e.message, path: ['gongUsers'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        e,
      ),
    ).toEqual({
      message: 'Gong said slow down',
      path: ['gongUsers'],
      extensions: { code: 'UPSTREAM_RATE_LIMITED', retryAfter: 7, requestId: 'abc' },
    });
  });

  it('masks a plain Error from a resolver: no message details, unexpected: true', () => {
    const e = new GraphQLError('connect ECONNREFUSED 10.0.0.1:6379 secret=hunter2', {
      path: ['gongCalls'],
      originalError: new Error('connect ECONNREFUSED 10.0.0.1:6379 secret=hunter2'),
    });
    const out = formatError(
      {
        message: e.message,
        path: ['gongCalls'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] },
      },
      e,
    );
    expect(out).toEqual({
      message: 'Internal server error',
      path: ['gongCalls'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', unexpected: true },
    });
  });

  it("keeps Apollo's request-level codes (validation) as they are", () => {
    const e = new GraphQLError('Cannot query field "nope" on type "Query".');
    expect(
      formatError({ message: e.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, e),
    ).toEqual({
      message: e.message,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});
