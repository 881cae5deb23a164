/**
 * Pearson's chi-squared goodness of fit of the current counts against the reference proportions,
 * as Evidently's `chisquare` drift test computes it with scipy.stats.chisquare: the expected count
 * of each category is its reference count scaled to the current total, and the statistic has
 * k - 1 degrees of freedom for k categories. A category the reference never saw makes the
 * statistic infinite (p = 0), as in scipy; categories absent from both are left out; a single
 * category gives statistic 0 and p = 1 (scipy's NaN for 0 degrees of freedom means "no evidence").
 * @module
 */
import { Tensor } from '../tensor/tensor.js';
import { MonitorError, describeValue } from './errors.js';
import type { TestResult } from './result.js';
import { chiSquareSf } from './special.js';

/** Counts per category: aligned arrays or 1-D tensors, or objects keyed by category (a missing key counts 0). */
export type CategoryCounts = ArrayLike<number> | Tensor | Readonly<Record<string, number>>;

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

function alignCounts(referenceCounts: CategoryCounts, currentCounts: CategoryCounts): [number[], number[]] {
  const reference = readCounts(referenceCounts, 'referenceCounts');
  const current = readCounts(currentCounts, 'currentCounts');
  if (Array.isArray(reference) !== Array.isArray(current))
    throw new MonitorError('chiSquareTest: pass both counts as arrays (aligned by category) or both as objects keyed by category');
  if (Array.isArray(reference) && Array.isArray(current)) {
    if (reference.length !== current.length)
      throw new MonitorError(`chiSquareTest: referenceCounts has ${reference.length} categories but currentCounts has ${current.length}`);
    return [reference, current];
  }
  const r = reference as Record<string, number>;
  const c = current as Record<string, number>;
  const keys = [...new Set([...Object.keys(r), ...Object.keys(c)])];
  return [keys.map((key) => r[key] ?? 0), keys.map((key) => c[key] ?? 0)];
}

// Aligned counts (an array, a typed array, a 1-D tensor) as a number array; keyed counts as they are.
function readCounts(counts: CategoryCounts, what: string): number[] | Readonly<Record<string, number>> {
  if (counts instanceof Tensor) {
    if (counts.dim() !== 1) throw new MonitorError(`chiSquareTest: ${what} must be a 1-D tensor, got shape [${counts.shape.join(', ')}]`);
    return Array.from(counts.toTypedArray() as ArrayLike<number | bigint>, Number);
  }
  if (counts === null || typeof counts !== 'object')
    throw new MonitorError(`chiSquareTest: ${what} must be an array, a 1-D tensor or an object of counts, got ${describeValue(counts)}`);
  if (typeof (counts as ArrayLike<number>).length === 'number') return Array.from(counts as ArrayLike<number>);
  return counts as Readonly<Record<string, number>>;
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
