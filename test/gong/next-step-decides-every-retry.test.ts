/**
 * The transport's retry rules as one table: for each kind of attempt and state, what happens next
 * (answer, fail, retry with which wait, refresh, pause) and how the breaker counts it. Backoff is
 * a fixed 100 ms per retry here so the waits are exact.
 */
import { describe, expect, it } from 'vitest';
import {
  nextStep,
  type AttemptFacts,
  type RetryState,
  type Step,
} from '../../src/gong/next-step.js';

const state = (over: Partial<RetryState> = {}): RetryState => ({
  retries: 0,
  maxRetries: 3,
  refreshed: false,
  retriable: true,
  replayable: true,
  msLeft: 10_000,
  backoffMs: (n, after) => after ?? 100 * (n + 1),
  ...over,
});
const answer = (
  status: number,
  over: Partial<Extract<AttemptFacts, { kind: 'answer' }>> = {},
): AttemptFacts => ({
  kind: 'answer',
  status,
  malformed: false,
  missingScope: false,
  retryAfterMs: undefined,
  ...over,
});

const table: [string, AttemptFacts, RetryState, Step][] = [
  ['a 200 is the answer', answer(200), state(), { action: 'answer', breaker: 'success' }],
  [
    'a 404 is the answer (Gong said no, it did not fail)',
    answer(404),
    state(),
    { action: 'answer', breaker: 'success' },
  ],
  [
    'an abort fails without counting for the breaker',
    { kind: 'aborted' },
    state(),
    { action: 'fail', breaker: 'release', failure: 'aborted' },
  ],
  [
    "the client's own fault fails without counting",
    { kind: 'local' },
    state(),
    { action: 'fail', breaker: 'release', failure: 'client-fault' },
  ],
  [
    'a reset is retried after the backoff',
    { kind: 'network' },
    state({ retries: 1 }),
    { action: 'retry', breaker: 'failure', waitMs: 200, refresh: false },
  ],
  [
    'a reset of a write is not retried',
    { kind: 'network' },
    state({ retriable: false }),
    { action: 'fail', breaker: 'failure', failure: 'network' },
  ],
  [
    'a reset past the retry budget fails',
    { kind: 'network' },
    state({ retries: 3 }),
    { action: 'fail', breaker: 'failure', failure: 'network' },
  ],
  [
    'a reset whose backoff passes the deadline fails',
    { kind: 'network' },
    state({ msLeft: 50 }),
    { action: 'fail', breaker: 'failure', failure: 'network' },
  ],
  [
    'a first 401 refreshes the credential and goes again at once',
    answer(401),
    state(),
    { action: 'retry', breaker: 'success', waitMs: 0, refresh: true },
  ],
  [
    'a second 401 is the answer',
    answer(401),
    state({ refreshed: true }),
    { action: 'answer', breaker: 'success' },
  ],
  [
    'a 401 on a streamed body cannot be sent again',
    answer(401),
    state({ replayable: false, retriable: false }),
    { action: 'answer', breaker: 'success' },
  ],
  [
    "Gong's 401 for a missing scope is the answer, with no refresh",
    answer(401, { missingScope: true }),
    state(),
    { action: 'answer', breaker: 'success' },
  ],
  [
    'a 429 pauses the connection for Retry-After and retries after a little jitter',
    answer(429, { retryAfterMs: 2_000 }),
    state(),
    { action: 'retry', breaker: 'success', waitMs: 100, refresh: false, pauseMs: 2_000 },
  ],
  [
    'a 429 of a write is retried too (Gong did not process it)',
    answer(429),
    state({ retriable: false }),
    { action: 'retry', breaker: 'success', waitMs: 100, refresh: false, pauseMs: 1_000 },
  ],
  [
    'a 429 past the retry budget fails as rate limited, still pausing',
    answer(429, { retryAfterMs: 3_000 }),
    state({ retries: 3 }),
    { action: 'fail', breaker: 'success', failure: 'rate-limited', pauseMs: 3_000 },
  ],
  [
    'a 429 on a streamed body fails as rate limited',
    answer(429),
    state({ replayable: false, retriable: false }),
    { action: 'fail', breaker: 'success', failure: 'rate-limited', pauseMs: 1_000 },
  ],
  [
    'a 503 is retried after its Retry-After',
    answer(503, { retryAfterMs: 700 }),
    state(),
    { action: 'retry', breaker: 'failure', waitMs: 700, refresh: false },
  ],
  [
    'a 500 of a write is the answer',
    answer(500),
    state({ retriable: false }),
    { action: 'answer', breaker: 'failure' },
  ],
  [
    'a 502 past the deadline is the answer',
    answer(502),
    state({ msLeft: 10 }),
    { action: 'answer', breaker: 'failure' },
  ],
  [
    'a malformed 200 is retried',
    answer(200, { malformed: true }),
    state(),
    { action: 'retry', breaker: 'success', waitMs: 100, refresh: false },
  ],
  [
    'a malformed 200 past the budget fails as malformed',
    answer(200, { malformed: true }),
    state({ retries: 3 }),
    { action: 'fail', breaker: 'success', failure: 'malformed' },
  ],
];

describe('nextStep', () => {
  it.each(table)('%s', (_name, facts, s, expected) => {
    expect(nextStep(facts, s)).toEqual(expected);
  });
});
