/**
 * Python's `==`, `<` and `sorted()` over override values, down to which pair a mixed list compares
 * first: `sort(3,2,str(1))` fails on `'1' < 2` with "'<' not supported between instances of 'str'
 * and 'int'", as CPython's timsort reaches that pair.
 * @module
 */
import { PyDict, PyError, QuotedString, pyTypeName, type PyValue } from './py-values.js';

function asNumber(value: PyValue): bigint | number | undefined {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return typeof value === 'bigint' || typeof value === 'number' ? value : undefined;
}

function compareCodePoints(a: string, b: string): number {
  const [x, y] = [[...a], [...b]];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Python's `a == b` (1 == 1.0 == True; lists and dicts by content; quoted strings by text and quote). */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const [x, y] = [asNumber(a), asNumber(b)];
  if (x !== undefined || y !== undefined) return x !== undefined && y !== undefined && (x as number) == (y as number);
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => pyEquals(item, b[i]!));
  if (a instanceof PyDict && b instanceof PyDict)
    return (
      a.entries.length === b.entries.length &&
      a.entries.every(([key, value]) => b.entries.some(([otherKey, otherValue]) => pyEquals(key, otherKey) && pyEquals(value, otherValue)))
    );
  if (a instanceof QuotedString && b instanceof QuotedString) return a.text === b.text && a.quote === b.quote;
  return a === b;
}

/** Python's `a < b`; a TypeError for types Python does not order. */
export function pyLess(a: PyValue, b: PyValue): boolean {
  const [x, y] = [asNumber(a), asNumber(b)];
  if (x !== undefined && y !== undefined) return x < y;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b) < 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (!pyEquals(a[i]!, b[i]!)) return pyLess(a[i]!, b[i]!);
    return a.length < b.length;
  }
  throw new PyError('TypeError', `'<' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

// CPython sorts short lists (under 64 items) by one natural run plus binary insertion; following it
// makes a failing comparison the same one Python reports.
function timsortSmall(items: PyValue[]): void {
  const n = items.length;
  let run = 2;
  if (pyLess(items[1]!, items[0]!)) {
    while (run < n && pyLess(items[run]!, items[run - 1]!)) run++;
    items.splice(0, run, ...items.slice(0, run).reverse());
  } else {
    while (run < n && !pyLess(items[run]!, items[run - 1]!)) run++;
  }
  for (let start = run; start < n; start++) {
    const pivot = items[start]!;
    let [lo, hi] = [0, start];
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      if (pyLess(pivot, items[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    items.splice(start, 1);
    items.splice(lo, 0, pivot);
  }
}

function mergeSort(items: PyValue[]): PyValue[] {
  if (items.length < 2) return items;
  const middle = items.length >> 1;
  const [left, right] = [mergeSort(items.slice(0, middle)), mergeSort(items.slice(middle))];
  const out: PyValue[] = [];
  let [i, j] = [0, 0];
  while (i < left.length && j < right.length) out.push(pyLess(right[j]!, left[i]!) ? right[j++]! : left[i++]!);
  return out.concat(left.slice(i), right.slice(j));
}

/** Python's `sorted(items, reverse=reverse)`: stable, and reverse keeps equal items in order. */
export function pySorted(items: readonly PyValue[], reverse = false): PyValue[] {
  let out = [...items];
  if (reverse) out.reverse();
  if (out.length >= 64) out = mergeSort(out);
  else if (out.length > 1) timsortSmall(out);
  if (reverse) out.reverse();
  return out;
}
