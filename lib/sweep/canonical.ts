/**
 * A canonical text for a parameter value (object keys sorted, numbers as JavaScript prints
 * them), so that a grid recognises a combination already in the history however it was built.
 * @module
 */
import { isPlainObject } from '../util/validate.js';

/** The canonical text of `value`. */
export function canonical(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlainObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean' || value === null) return String(value);
  return `<${typeof value}>`; // a function or symbol: no config file holds one
}
