/**
 * vitest's asymmetric matchers typed `unknown` instead of `any`, so an expected object that uses
 * one stays type-checked (lint refuses an `any` inside an object literal).
 */
import { expect } from 'vitest';

export const expectAny = (type: unknown): unknown => expect.any(type);
export const expectMatching = (re: RegExp | string): unknown => expect.stringMatching(re);
export const expectObjectContaining = (shape: Record<string, unknown>): unknown =>
  expect.objectContaining(shape);
export const expectArrayContaining = (items: unknown[]): unknown => expect.arrayContaining(items);
