/**
 * The first Wasserstein distance between two samples (scipy.stats.wasserstein_distance): the area
 * between their empirical CDFs. dataDrift divides it by the reference's standard deviation, as
 * Evidently's "Wasserstein distance (normed)" does (lib/monitor/data-drift.ts).
 * @module
 */
import type { TestResult } from './result.js';
import { numericSample, sorted, type NumericSample } from './samples.js';

/** The first Wasserstein (earth mover's) distance between `a` and `b`, as `{ statistic }`. */
export function wassersteinDistance(a: NumericSample, b: NumericSample): TestResult {
  return { statistic: wasserstein(numericSample(a, 'wassersteinDistance: a'), numericSample(b, 'wassersteinDistance: b')) };
}

/** The distance between two checked samples. */
export function wasserstein(a: Float64Array, b: Float64Array): number {
  const x = sorted(a);
  const y = sorted(b);
  const all = Float64Array.from([...x, ...y]).sort();
  let distance = 0;
  // Between consecutive pooled values both ECDFs are constant: |F - G| times the gap.
  for (let k = 0, i = 0, j = 0; k < all.length - 1; k++) {
    const value = all[k]!;
    while (i < x.length && x[i]! <= value) i++;
    while (j < y.length && y[j]! <= value) j++;
    distance += Math.abs(i / x.length - j / y.length) * (all[k + 1]! - value);
  }
  return distance;
}
