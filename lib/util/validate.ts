/**
 * Validation of user-supplied options, worded one way everywhere: `where: name must be expected,
 * got actual`. A value of the wrong type is a TypeError; a value of the right type out of range is
 * a RangeError.
 * @module
 */

/** A value as an error message shows it: NaN, Infinity, 1n, 'text', [1, 2], an object, null, undefined. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return value.length > 8 ? `an array of ${value.length}` : `[${value.map(describeValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const name = value.constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return String(value);
}

/** The error for option `name` of `where` that must be `expected` but is `actual`. */
export function invalidOption(where: string, name: string, expected: string, actual: unknown): TypeError | RangeError {
  const message = `${where}: ${name} must be ${expected}, got ${describeValue(actual)}`;
  return typeof actual === 'number' ? new RangeError(message) : new TypeError(message);
}

/** Throws unless `options` is an object (a missing options argument gets a message naming what it needs). */
export function requireOptions(where: string, options: unknown, needs: string): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${where}: options ${needs} are required, got ${describeValue(options)}`);
}

/** Whether `value` is a plain object (an object literal or Object.create(null)), not an array, class instance or tensor. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isNonNegativeInteger = (v: unknown): v is number => isInteger(v) && v >= 0;
export const isPositiveInteger = (v: unknown): v is number => isInteger(v) && v > 0;
export const isPositive = (v: unknown): v is number => isFiniteNumber(v) && v > 0;
export const isNonNegative = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;

/** Returns `value` when `ok` accepts it, else throws invalidOption. */
export function check<T>(where: string, name: string, value: unknown, expected: string, ok: (v: unknown) => v is T): T {
  if (ok(value)) return value;
  throw invalidOption(where, name, expected, value);
}
