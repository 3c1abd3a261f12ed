/** A shallow copy of `obj` without `key` (a public view without its secret, a body without its cursor). */
export function omit<T extends object, K extends keyof T>(obj: T, key: K): Omit<T, K> {
  const copy: Partial<T> = { ...obj };
  delete copy[key];
  return copy as Omit<T, K>;
}
