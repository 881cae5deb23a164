/**
 * Pearson's chi-squared goodness of fit of the current counts against the reference proportions,
 * as Evidently's `chisquare` drift test computes it with scipy.stats.chisquare: the expected count
 * of each category is its reference count scaled to the current total, and the statistic has
 * k - 1 degrees of freedom for k categories. A category the reference never saw makes the
 * statistic infinite (p = 0), as in scipy; categories absent from both are left out; a single
 * category gives statistic 0 and p = 1 (scipy's NaN for 0 degrees of freedom means "no evidence").
 * @module
 */
import { MonitorError, describeValue } from './errors.js';
import type { TestResult } from './result.js';
import { chiSquareSf } from './special.js';

/** Counts per category: aligned arrays, or objects keyed by category (a missing key counts 0). */
export type CategoryCounts = ArrayLike<number> | Readonly<Record<string, number>>;

/** chiSquareTest's result. */
export interface ChiSquareResult extends TestResult {
  /** The p-value. */
  pValue: number;
  /** Degrees of freedom: categories - 1. */
  df: number;
}

/** The chi-squared test of `currentCounts` against the proportions of `referenceCounts`. */
export function chiSquareTest(referenceCounts: CategoryCounts, currentCounts: CategoryCounts): ChiSquareResult {
  const [reference, current] = alignCounts(referenceCounts, currentCounts);
  const referenceTotal = total(reference, 'referenceCounts');
  const currentTotal = total(current, 'currentCounts');
  const scale = currentTotal / referenceTotal;
  let statistic = 0;
  let k = 0;
  for (let i = 0; i < reference.length; i++) {
    if (reference[i] === 0 && current[i] === 0) continue;
    k++;
    const expected = reference[i]! * scale;
    statistic += expected === 0 ? Infinity : (current[i]! - expected) ** 2 / expected;
  }
  if (k <= 1) return { statistic: 0, pValue: 1, df: 0 };
  return { statistic, pValue: chiSquareSf(statistic, k - 1), df: k - 1 };
}

function alignCounts(reference: CategoryCounts, current: CategoryCounts): [number[], number[]] {
  const isArray = (value: CategoryCounts) => typeof (value as ArrayLike<number>).length === 'number';
  if (reference === null || typeof reference !== 'object')
    throw new MonitorError(`chiSquareTest: referenceCounts must be an array or an object of counts, got ${describeValue(reference)}`);
  if (current === null || typeof current !== 'object')
    throw new MonitorError(`chiSquareTest: currentCounts must be an array or an object of counts, got ${describeValue(current)}`);
  if (isArray(reference) !== isArray(current))
    throw new MonitorError('chiSquareTest: pass both counts as arrays (aligned by category) or both as objects keyed by category');
  if (isArray(reference)) {
    const a = Array.from(reference as ArrayLike<number>);
    const b = Array.from(current as ArrayLike<number>);
    if (a.length !== b.length)
      throw new MonitorError(`chiSquareTest: referenceCounts has ${a.length} categories but currentCounts has ${b.length}`);
    return [a, b];
  }
  const r = reference as Record<string, number>;
  const c = current as Record<string, number>;
  const keys = [...new Set([...Object.keys(r), ...Object.keys(c)])];
  return [keys.map((key) => r[key] ?? 0), keys.map((key) => c[key] ?? 0)];
}

function total(counts: number[], what: string): number {
  let sum = 0;
  counts.forEach((count, i) => {
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0)
      throw new MonitorError(`chiSquareTest: ${what}[${i}] is ${describeValue(count)}: counts must be finite numbers >= 0`);
    sum += count;
  });
  if (sum === 0) throw new MonitorError(`chiSquareTest: ${what} are all zero (or empty): nothing to compare`);
  return sum;
}
