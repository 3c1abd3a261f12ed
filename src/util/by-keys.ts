/** Orders `found` by `keys`: null where nothing was found for a key (Gong leaves unknown ids out). */
export function byKeys<T>(
  keys: readonly string[],
  found: Iterable<T>,
  idOf: (t: T) => string,
): (T | null)[] {
  const map = new Map<string, T>();
  for (const t of found) map.set(idOf(t), t);
  return keys.map((k) => map.get(k) ?? null);
}
