/**
 * The Jensen-Shannon distance between two samples' distributions, as Evidently's `jensenshannon`
 * drift test computes it: the shares of lib/monitor/binning.ts (no zero filling) into
 * scipy.spatial.distance.jensenshannon with its default base (the natural log, so the distance
 * lies in [0, sqrt(ln 2)] ~ [0, 0.833]); `base: 2` gives the distance in [0, 1].
 * @module
 */
import { binnedShares, type BinningOptions } from './binning.js';
import type { CategoricalSample } from './categories.js';
import { MonitorError, describeValue } from './errors.js';
import type { TestResult } from './result.js';

/** Options of {@link jensenShannonDistance}. */
export interface JensenShannonOptions extends BinningOptions {
  /** The logarithm's base (default: e, as scipy's and Evidently's default; 2 bounds the distance by 1). */
  base?: number;
}

/** The Jensen-Shannon distance between the distributions of `a` and `b`, as `{ statistic }`. */
export function jensenShannonDistance(a: CategoricalSample, b: CategoricalSample, options: JensenShannonOptions = {}): TestResult {
  const { base } = options;
  if (base !== undefined && !(typeof base === 'number' && base > 0 && base !== 1 && Number.isFinite(base)))
    throw new MonitorError(`jensenShannonDistance: base must be a finite number > 0 other than 1, got ${describeValue(base)}`);
  const { reference, current } = binnedShares(a, b, options, false, 'jensenShannonDistance');
  return { statistic: jensenShannon(reference, current, base) };
}

// scipy's jensenshannon(p, q, base): both normalized, relative entropies against the midpoint.
function jensenShannon(p: Float64Array, q: Float64Array, base: number | undefined): number {
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
  const divergence = left + right;
  return Math.sqrt((base === undefined ? divergence : divergence / Math.log(base)) / 2);
}
