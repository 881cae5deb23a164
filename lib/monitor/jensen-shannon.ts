/**
 * The Jensen-Shannon distance between two samples' distributions, as Evidently's `jensenshannon`
 * drift test computes it: the shares of lib/monitor/binning.ts (no zero filling) into
 * scipy.spatial.distance.jensenshannon with base 2, so the distance lies in [0, 1].
 * @module
 */
import { binnedShares, type BinningOptions } from './binning.js';
import type { CategoricalSample } from './categories.js';
import type { TestResult } from './result.js';

/** The Jensen-Shannon distance (base 2) between the distributions of `a` and `b`, as `{ statistic }`. */
export function jensenShannonDistance(a: CategoricalSample, b: CategoricalSample, options: BinningOptions = {}): TestResult {
  const { reference, current } = binnedShares(a, b, options, false, 'jensenShannonDistance');
  return { statistic: jensenShannon(reference, current) };
}

// scipy's jensenshannon(p, q, base=2): both normalized, relative entropies against the midpoint.
function jensenShannon(p: Float64Array, q: Float64Array): number {
  const sum = (values: Float64Array) => values.reduce((s, v) => s + v, 0);
  const sp = sum(p);
  const sq = sum(q);
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    if (pi > 0) left += pi * Math.log(pi / m);
    if (qi > 0) right += qi * Math.log(qi / m);
  }
  return Math.sqrt((left + right) / Math.log(2) / 2);
}
