/**
 * Raw values as they arrive from a YAML file or a JS object, before validation. YAML is parsed
 * with integers as bigints so that `min: 0.0` (a float, as W&B's Python sees it) stays apart from
 * `min: 0` (an int); in a JS object every integral number counts as an int.
 * @module
 */
import { SweepConfigError } from './errors.js';
import { describeValue, isPlainObject } from '../util/validate.js';

/** How integers are told from floats in one input. */
export interface RawContext {
  /** True for YAML text: only bigints are integer literals. */
  bigintInts: boolean;
}

/** Whether `value` is a number (or a bigint from YAML). */
export const isRawNumber = (value: unknown): value is number | bigint =>
  (typeof value === 'number' && !Number.isNaN(value)) || typeof value === 'bigint';

/** Whether `value` was written as an integer. */
export function isRawInteger(value: unknown, context: RawContext): boolean {
  if (typeof value === 'bigint') return true;
  return !context.bigintInts && typeof value === 'number' && Number.isSafeInteger(value);
}

/** `value` with every bigint inside it turned into a number. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** The object at `path`, or a SweepConfigError. */
export function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  throw new SweepConfigError(path, `expected a mapping, got ${describeValue(plain(value))}`);
}

/** Throws on the first key of `object` that `allowed` lacks. */
export function rejectUnknownKeys(object: Record<string, unknown>, allowed: readonly string[], path: string, what: string): void {
  for (const key of Object.keys(object))
    if (!allowed.includes(key)) throw new SweepConfigError(path, `unexpected key '${key}' ${what} (allowed: ${allowed.join(', ')})`);
}

/** A finite number at `path`. */
export function requireNumber(value: unknown, path: string): number {
  if (isRawNumber(value) && Number.isFinite(Number(value))) return Number(value);
  throw new SweepConfigError(path, `expected a number, got ${describeValue(plain(value))}`);
}

/** An integer at `path`, at least `min`. */
export function requireInteger(value: unknown, path: string, context: RawContext, min: number): number {
  if (!isRawInteger(value, context)) throw new SweepConfigError(path, `expected an integer, got ${describeValue(plain(value))}`);
  const n = Number(value);
  if (n < min) throw new SweepConfigError(path, `expected an integer >= ${min}, got ${n}`);
  return n;
}

/** A string at `path`. */
export function requireString(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  throw new SweepConfigError(path, `expected a string, got ${describeValue(plain(value))}`);
}

/** One of `choices` at `path`; the error lists them. */
export function requireChoice<T extends string>(value: unknown, choices: readonly T[], path: string, what: string): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new SweepConfigError(path, `unknown ${what} ${describeValue(plain(value))}; expected one of: ${choices.join(', ')}`);
}
