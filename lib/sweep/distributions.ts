/**
 * Each numeric distribution as a map between its values and the unit interval: `fromUnit` is
 * W&B's percent-point function (a random draw is `fromUnit` of a uniform number, as W&B samples),
 * `toUnit` its CDF. TPE models every numeric parameter in this unit space, where uniform and
 * log-uniform parameters are Optuna's linear and log scales; discrete ones (int_uniform, q_*)
 * also give the unit cell each value covers.
 * @module
 */
import { betaCdf, betaPpf } from './beta.js';
import { normalCdf, normalPpf } from './normal.js';
import type { CategoricalDistribution, ConstantDistribution, Distribution } from './types.js';
import type { Rng } from './rng.js';

/** A numeric distribution seen from the unit interval. */
export interface UnitForm {
  /** The value at unit point u in (0, 1). */
  fromUnit(u: number): number;
  /** Where `value` sits in [0, 1] (NaN for a value the distribution cannot produce). */
  toUnit(value: number): number;
  /** For a discrete distribution: the unit interval [low, high] whose points all give `value`. */
  cell?: (value: number) => [number, number];
}

const clampUnit = (u: number): number => Math.min(1, Math.max(0, u));

/** numpy's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A uniform distribution of g(value) on [low, high], for an increasing g. */
function uniformOf(low: number, high: number, g: (x: number) => number, gInverse: (y: number) => number): UnitForm {
  return {
    fromUnit: (u) => gInverse(low + u * (high - low)),
    toUnit: (value) => clampUnit((g(value) - low) / (high - low)),
  };
}

const identity = (x: number): number => x;
// A log of a non-positive value is NaN, which drops the observation rather than misplacing it.
const log = (x: number): number => (x > 0 ? Math.log(x) : NaN);

/** W&B's inv_log_uniform: log(1/X) is uniform on [low, high]. */
function invLogUniform(low: number, high: number): UnitForm {
  return {
    fromUnit: (u) => Math.exp(-(low + (1 - u) * (high - low))),
    toUnit: (value) => clampUnit(1 - (-log(value) - low) / (high - low)),
  };
}

function normalOf(mu: number, sigma: number, g: (x: number) => number, gInverse: (y: number) => number): UnitForm {
  return { fromUnit: (u) => gInverse(mu + sigma * normalPpf(u)), toUnit: (value) => normalCdf((g(value) - mu) / sigma) };
}

/** `base` with its draws rounded to multiples of q; a value's cell is what rounds to it. */
function quantized(base: UnitForm, q: number): UnitForm {
  const round = (x: number): number => roundHalfEven(x / q) * q;
  // Below a log scale's support (value - q/2 <= 0) the cell starts at 0.
  const cell = (value: number): [number, number] => [base.toUnit(value - q / 2) || 0, base.toUnit(value + q / 2) || 0];
  return {
    fromUnit: (u) => round(base.fromUnit(u)),
    // A value rounded down to 0 on a log scale has no log; the middle of its cell stands in.
    toUnit: (value) => {
      const u = base.toUnit(value);
      if (!Number.isNaN(u) || !Number.isFinite(value)) return u;
      const [low, high] = cell(value);
      return (low + high) / 2;
    },
    cell,
  };
}

/** int_uniform: n equal cells of the unit interval, one per integer. */
function intUniform(min: number, max: number): UnitForm {
  const n = max - min + 1;
  return {
    fromUnit: (u) => min + Math.min(n - 1, Math.floor(u * n)),
    toUnit: (value) => (Number.isInteger(value) && value >= min && value <= max ? (value - min + 0.5) / n : NaN),
    cell: (value) => [(value - min) / n, (value - min + 1) / n],
  };
}

/** The unit form of a numeric distribution. */
export function unitForm(d: Exclude<Distribution, ConstantDistribution | CategoricalDistribution>): UnitForm {
  switch (d.distribution) {
    case 'int_uniform':
      return intUniform(d.min, d.max);
    case 'uniform':
      return uniformOf(d.min, d.max, identity, identity);
    case 'q_uniform':
      return quantized(uniformOf(d.min, d.max, identity, identity), d.q);
    case 'log_uniform':
      return uniformOf(d.min, d.max, log, Math.exp);
    case 'log_uniform_values':
      return uniformOf(Math.log(d.min), Math.log(d.max), log, Math.exp);
    case 'q_log_uniform':
      return quantized(uniformOf(d.min, d.max, log, Math.exp), d.q);
    case 'q_log_uniform_values':
      return quantized(uniformOf(Math.log(d.min), Math.log(d.max), log, Math.exp), d.q);
    case 'inv_log_uniform':
      return invLogUniform(d.min, d.max);
    case 'inv_log_uniform_values':
      return invLogUniform(-Math.log(d.max), -Math.log(d.min));
    case 'normal':
      return normalOf(d.mu, d.sigma, identity, identity);
    case 'q_normal':
      return quantized(normalOf(d.mu, d.sigma, identity, identity), d.q);
    case 'log_normal':
      return normalOf(d.mu, d.sigma, log, Math.exp);
    case 'q_log_normal':
      return quantized(normalOf(d.mu, d.sigma, log, Math.exp), d.q);
    case 'beta':
      return { fromUnit: (u) => betaPpf(u, d.a, d.b), toUnit: (value) => betaCdf(value, d.a, d.b) };
    case 'q_beta':
      return quantized({ fromUnit: (u) => betaPpf(u, d.a, d.b), toUnit: (value) => betaCdf(value, d.a, d.b) }, d.q);
  }
}

/** The index of a categorical draw: by `probabilities` where given, else uniform. */
export function sampleIndex(d: CategoricalDistribution, rng: Rng): number {
  if (!d.probabilities) return rng.int(d.values.length);
  let u = rng.next();
  for (let i = 0; i < d.probabilities.length; i++) {
    u -= d.probabilities[i]!;
    if (u < 0) return i;
  }
  return d.probabilities.findLastIndex((p) => p > 0);
}

/** One random draw of a parameter, as W&B's random search makes it. */
export function sampleValue(d: Distribution, rng: Rng): unknown {
  if (d.distribution === 'constant') return d.value;
  if (d.distribution === 'categorical') return d.values[sampleIndex(d, rng)];
  return unitForm(d).fromUnit(rng.next());
}
