/**
 * Optuna's univariate Parzen estimators, on the unit interval: a mixture of truncated normals,
 * one per observation (bandwidth: the larger gap to its sorted neighbours, clipped to
 * [1 / min(100, n + 2), 1]) plus a prior kernel N(0.5, 1); and for categorical parameters a
 * smoothed histogram with a prior row.
 * @module
 */
import { logNormalCdf, normalCdf, normalPpf } from './normal.js';
import type { Rng } from './rng.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Optuna's default_weights: equal up to 25 observations, then the oldest ramp down from 1/n. */
export function defaultWeights(n: number): number[] {
  if (n < 25) return Array.from({ length: n }, () => 1);
  const ramp = n - 25;
  const start = 1 / n;
  return [
    ...Array.from({ length: ramp }, (_, i) => (ramp === 1 ? start : start + ((1 - start) * i) / (ramp - 1))),
    ...Array.from({ length: 25 }, () => 1),
  ];
}

/** log(e^a + e^b + ...) without overflow. */
function logSumExp(terms: readonly number[]): number {
  const max = Math.max(...terms);
  if (max === -Infinity) return -Infinity;
  return max + Math.log(terms.reduce((sum, t) => sum + Math.exp(t - max), 0));
}

/** log(Φ(b) - Φ(a)) for a <= b, keeping digits in either tail. */
export function logNormalMass(a: number, b: number): number {
  if (a >= b) return -Infinity;
  if (a >= 0) return logNormalMass(-b, -a);
  if (b <= 0) {
    const logB = logNormalCdf(b);
    return logB + Math.log1p(-Math.exp(logNormalCdf(a) - logB));
  }
  return Math.log1p(-(normalCdf(a) + normalCdf(-b)));
}

/** Picks an index with probability proportional to `weights` (which sum to 1). */
function pick(weights: readonly number[], rng: Rng): number {
  let u = rng.next();
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** Optuna's bandwidths for kernels at `mus` on [0, 1] (the prior's centre taking part in the neighbour gaps). */
function bandwidths(mus: readonly number[]): number[] {
  const withPrior = [...mus, 0.5];
  const order = withPrior.map((_, i) => i).sort((i, j) => withPrior[i]! - withPrior[j]! || i - j);
  const sorted = [0, ...order.map((i) => withPrior[i]!), 1];
  const sortedSigmas = order.map((_, k) => Math.max(sorted[k + 1]! - sorted[k]!, sorted[k + 2]! - sorted[k + 1]!));
  // consider_endpoints=False: the outermost kernels measure only the gap to their inner neighbour.
  if (sorted.length >= 4) {
    sortedSigmas[0] = sorted[2]! - sorted[1]!;
    sortedSigmas[sortedSigmas.length - 1] = sorted[sorted.length - 2]! - sorted[sorted.length - 3]!;
  }
  const sigmas: number[] = new Array<number>(withPrior.length);
  order.forEach((i, k) => (sigmas[i] = sortedSigmas[k]!));
  // The magic clip: no kernel narrower than 1 / min(100, kernels + 1).
  const minSigma = 1 / Math.min(100, mus.length + 2);
  return sigmas.slice(0, mus.length).map((s) => Math.min(1, Math.max(minSigma, s)));
}

/** A mixture of normals truncated to [0, 1]. */
export class NumericParzen {
  readonly mus: number[];
  readonly sigmas: number[];
  readonly weights: number[];
  private readonly logWeights: number[];
  private readonly logNormalizers: number[];

  /** Kernels at `observations` weighted by `weights`, plus the prior kernel with weight `priorWeight`. */
  constructor(observations: readonly number[], weights: readonly number[], priorWeight: number) {
    this.mus = [...observations, 0.5];
    this.sigmas = [...bandwidths(observations), 1];
    const raw = observations.length === 0 ? [1] : [...weights, priorWeight];
    const total = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map((w) => w / total);
    this.logWeights = this.weights.map(Math.log);
    this.logNormalizers = this.mus.map((mu, k) => logNormalMass(-mu / this.sigmas[k]!, (1 - mu) / this.sigmas[k]!));
  }

  /** One draw in [0, 1]: a kernel by weight, then its truncated normal by inverse CDF. */
  sample(rng: Rng): number {
    const k = pick(this.weights, rng);
    const mu = this.mus[k]!;
    const sigma = this.sigmas[k]!;
    const low = normalCdf(-mu / sigma);
    const high = normalCdf((1 - mu) / sigma);
    const x = mu + sigma * normalPpf(low + rng.next() * (high - low));
    return Math.min(1, Math.max(0, x));
  }

  /** The log density at u. */
  logDensity(u: number): number {
    return logSumExp(
      this.mus.map((mu, k) => {
        const sigma = this.sigmas[k]!;
        const z = (u - mu) / sigma;
        return this.logWeights[k]! - 0.5 * z * z - Math.log(sigma) - LOG_SQRT_2PI - this.logNormalizers[k]!;
      }),
    );
  }

  /** The log probability of [low, high] (a discrete value's cell). */
  logMass(low: number, high: number): number {
    return logSumExp(
      this.mus.map((mu, k) => {
        const sigma = this.sigmas[k]!;
        return this.logWeights[k]! + logNormalMass((low - mu) / sigma, (high - mu) / sigma) - this.logNormalizers[k]!;
      }),
    );
  }
}

/** Optuna's categorical estimator: each observation's row is its choice plus priorWeight/kernels spread over all choices. */
export class CategoricalParzen {
  /** The mixture's probability of each choice. */
  readonly probabilities: number[];

  /**
   * Observed choice indices with their weights; `prior` is the prior row (uniform in Optuna; W&B's
   * `probabilities` where a parameter has them).
   */
  constructor(observed: readonly number[], weights: readonly number[], priorWeight: number, prior: readonly number[]) {
    const n = prior.length;
    if (observed.length === 0) {
      this.probabilities = [...prior];
      return;
    }
    const kernels = observed.length + 1;
    const raw = [...weights, priorWeight];
    const total = raw.reduce((a, b) => a + b, 0);
    const probabilities = prior.map((p) => (raw[raw.length - 1]! / total) * p);
    observed.forEach((choice, k) => {
      // The row: (priorWeight / kernels) · n · prior (uniform in Optuna), plus 1 on the observed choice.
      const spread = prior.map((p) => (priorWeight / kernels) * n * p);
      spread[choice]! += 1;
      const rowSum = spread.reduce((a, b) => a + b, 0);
      spread.forEach((s, c) => (probabilities[c]! += ((raw[k]! / total) * s) / rowSum));
    });
    this.probabilities = probabilities;
  }

  /** One draw: a choice index. */
  sample(rng: Rng): number {
    return pick(this.probabilities, rng);
  }

  /** The log probability of choice c. */
  logProbability(c: number): number {
    return Math.log(this.probabilities[c]!);
  }
}
