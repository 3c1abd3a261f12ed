/**
 * Deterministic randomness for the seeded tenant (same seed, same data) and the non-seeded ids
 * the sandbox hands out at run time (requestIds, new call ids). Internal to the sandbox.
 */
import { randomBytes } from 'node:crypto';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A numeric string id of 18 or 19 digits (beyond 2^53, like Gong's). */
  id(): string;
}

/** mulberry32: tiny, fast, good enough for test data; the seed fixes the whole sequence. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    // Three draws, not one per digit: tenants mint tens of thousands of ids at start-up.
    id: () => {
      const head = String(int(1, 9));
      const mid = String(Math.floor(next() * 1e9)).padStart(9, '0');
      const tail = String(Math.floor(next() * 1e9)).padStart(9, '0');
      const s = head + mid + tail;
      return (s.charCodeAt(18) & 1) === 0 ? s.slice(0, 18) : s;
    },
  };
}

/** Derives an independent seed for a sub-stream (e.g. one call's transcript) from a parent seed. */
export function subSeed(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Gong-shaped requestId: 18 or 19 lowercase base-36 characters. */
export function newRequestId(): string {
  const bytes = randomBytes(19);
  const len = 18 + ((bytes[0] ?? 0) & 1);
  let s = '';
  for (let i = 0; i < len; i++) s += BASE36[(bytes[i] ?? 0) % 36];
  return s;
}

/** A fresh numeric id of 19 digits for objects created at run time. */
export function newNumericId(): string {
  const bytes = randomBytes(19);
  let s = String(1 + ((bytes[0] ?? 0) % 9));
  for (let i = 1; i < 19; i++) s += String((bytes[i] ?? 0) % 10);
  return s;
}
