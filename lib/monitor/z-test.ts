/**
 * The two-proportion Z-test for a binary feature, as Evidently's `z` drift test computes it: the
 * first category in sorted order is "0", the other "1"; z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2))
 * with the pooled proportion P, two-sided. Evidently evaluates 2 (1 - Phi(|z|)); this uses the
 * normal tail directly (2 Phi(-|z|)), the same number without the cancellation in far tails. Both
 * samples holding the same single value give z = 0, p = 1.
 * @module
 */
import { categoricalSample, compareCategories, type CategoricalSample } from './categories.js';
import { MonitorError } from './errors.js';
import type { TestResult } from './result.js';
import { normalSf } from './special.js';

/** zTest's result. */
export interface ZTestResult extends TestResult {
  /** The two-sided p-value. */
  pValue: number;
}

/** Two-proportion Z-test of binary samples `a` (reference) and `b` (current). */
export function zTest(a: CategoricalSample, b: CategoricalSample): ZTestResult {
  const x = categoricalSample(a, 'zTest: a');
  const y = categoricalSample(b, 'zTest: b');
  const keys = [...new Set([...x, ...y])].sort(compareCategories);
  if (keys.length > 2)
    throw new MonitorError(`zTest needs a binary feature, but the samples hold ${keys.length} distinct values (use chiSquareTest)`);
  if (keys.length === 1) return { statistic: 0, pValue: 1 };
  const first = keys[0];
  const p1 = x.filter((value) => value !== first).length / x.length;
  const p2 = y.filter((value) => value !== first).length / y.length;
  const pooled = (p1 * x.length + p2 * y.length) / (x.length + y.length);
  const statistic = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / x.length + 1 / y.length));
  return { statistic, pValue: 2 * normalSf(Math.abs(statistic)) };
}
