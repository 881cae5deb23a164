/**
 * The population stability index, as Evidently's `psi` drift test computes it: the shares of
 * lib/monitor/binning.ts with empty bins filled, summed as (ref - cur) ln(ref / cur).
 * @module
 */
import { binnedShares, type BinningOptions } from './binning.js';
import type { CategoricalSample } from './categories.js';
import type { TestResult } from './result.js';

/** The population stability index of `b` (current) against `a` (reference), as `{ statistic }`. */
export function psi(a: CategoricalSample, b: CategoricalSample, options: BinningOptions = {}): TestResult {
  const { reference, current } = binnedShares(a, b, options, true, 'psi');
  let statistic = 0;
  for (let i = 0; i < reference.length; i++) statistic += (reference[i]! - current[i]!) * Math.log(reference[i]! / current[i]!);
  return { statistic };
}
