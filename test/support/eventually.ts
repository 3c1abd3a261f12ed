/**
 * The one polling helper, for what no deferred or injected clock can tell (a child process's
 * output, a metric another socket moves). Prefer a deferred or the injected clock where the code
 * under test offers one.
 */

export interface EventuallyOptions {
  /** Give up after this long. @default 10_000 */
  ms?: number;
  /** Named in the timeout error. */
  what?: string;
}

/**
 * Polls `check` (every 10 ms) until it returns something other than `undefined` or `false`, and
 * returns that. An error thrown by `check` fails at once: it is never taken for "not yet".
 */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  opts: EventuallyOptions | number = {},
  what?: string,
): Promise<T> {
  const o = typeof opts === 'number' ? { ms: opts, what } : opts;
  const deadline = Date.now() + (o.ms ?? 10_000);
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${o.what ?? 'a condition'}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
