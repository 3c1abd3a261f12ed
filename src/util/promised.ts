/**
 * Promise helpers for code that implements an async interface with nothing to await (in-memory
 * stores, plugin hooks): the same settling as an `async` function, without one.
 */

/** `err` itself when it is an Error; otherwise an Error carrying it as its `cause`. */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err), { cause: err });
}

/** `fn()` as a promise; a throw becomes a rejection, as it would in an `async` function. */
export function promised<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(asError(err));
  }
}
