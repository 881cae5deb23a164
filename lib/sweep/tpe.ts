/**
 * `method: bayes` as the Tree-structured Parzen Estimator, following Optuna's default
 * TPESampler (univariate): random trials until n_startup_trials have a value; then the trials
 * split into the best gamma(n) = min(ceil(n/10), 25) and the rest; per parameter a Parzen
 * estimator l(x) over the good ones and g(x) over the rest (older trials of a large set
 * down-weighted); n_ei_candidates draws from l; the draw with the largest l(x)/g(x) wins.
 * @module
 */
import { canonical } from './canonical.js';
import { unitForm } from './distributions.js';
import { CategoricalParzen, NumericParzen, defaultWeights } from './parzen.js';
import { randomTrial } from './random.js';
import { buildParams, getPath, type Leaf } from './space.js';
import type { HistoryEntry, Trial } from './history.js';
import type { Rng } from './rng.js';
import type { CategoricalDistribution, Distribution } from './types.js';

/** TPE's settings (Optuna's TPESampler defaults). */
export interface TpeOptions {
  /** Trials drawn at random before the model is used (default 10). */
  nStartupTrials: number;
  /** Candidates drawn from l(x) per parameter (default 24). */
  nEiCandidates: number;
  /** Weight of the prior kernel (default 1). */
  priorWeight: number;
}

/** Optuna's defaults. */
export const TPE_DEFAULTS: TpeOptions = { nStartupTrials: 10, nEiCandidates: 24, priorWeight: 1 };

/** Optuna's default_gamma: how many trials count as good. */
const gamma = (n: number): number => Math.min(Math.ceil(0.1 * n), 25);

/** A trial with a value, as TPE uses it. */
interface Scored {
  index: number;
  entry: HistoryEntry;
  loss: number;
}

/** The good and bad trials, each in history order (so the weights ramp over age). */
function split(history: readonly HistoryEntry[], sign: number): { below: Scored[]; above: Scored[] } {
  const scored = (state: HistoryEntry['state']): Scored[] =>
    history
      .map((entry, index) => ({ index, entry, loss: sign * (entry.value ?? NaN) }))
      .filter((s) => s.entry.state === state && Number.isFinite(s.loss))
      .sort((a, b) => a.loss - b.loss || a.index - b.index);
  // Stopped (early-terminated) trials rank after every finished one, as Optuna ranks pruned trials.
  const ranked = [...scored('finished'), ...scored('stopped')];
  const nBelow = gamma(ranked.length);
  const byIndex = (a: Scored, b: Scored): number => a.index - b.index;
  return { below: ranked.slice(0, nBelow).sort(byIndex), above: ranked.slice(nBelow).sort(byIndex) };
}

/** The number of trials TPE learns from. */
function scoredTrials(history: readonly HistoryEntry[]): number {
  return history.filter((e) => (e.state === 'finished' || e.state === 'stopped') && Number.isFinite(e.value ?? NaN)).length;
}

/** argmax over candidates of score; the first wins ties, NaN scores never win. */
function best<T>(candidates: readonly T[], score: (c: T) => number): T {
  let winner = candidates[0] as T;
  let top = -Infinity;
  for (const c of candidates) {
    const s = score(c);
    if (s > top) [winner, top] = [c, s];
  }
  return winner;
}

function suggestCategorical(
  d: CategoricalDistribution,
  leaf: Leaf,
  below: Scored[],
  above: Scored[],
  options: TpeOptions,
  rng: Rng,
): unknown {
  const keys = d.values.map(canonical);
  const prior = d.probabilities ?? d.values.map(() => 1 / d.values.length);
  const estimator = (trials: Scored[]): CategoricalParzen => {
    const observed = trials.map((t) => keys.indexOf(canonical(getPath(t.entry.params, leaf.path))));
    const kept = observed.flatMap((c, i) => (c >= 0 ? [i] : []));
    return new CategoricalParzen(
      kept.map((i) => observed[i]!),
      defaultWeights(kept.length),
      options.priorWeight,
      prior,
    );
  };
  const l = estimator(below);
  const g = estimator(above);
  const candidates = Array.from({ length: options.nEiCandidates }, () => l.sample(rng));
  return d.values[best(candidates, (c) => l.logProbability(c) - g.logProbability(c))];
}

/** Unit points strictly inside (0, 1), where every quantile function is finite. */
const inside = (u: number): number => Math.min(1 - 2 ** -53, Math.max(2 ** -53, u));

function suggestNumeric(
  d: Exclude<Distribution, { distribution: 'constant' | 'categorical' }>,
  leaf: Leaf,
  below: Scored[],
  above: Scored[],
  options: TpeOptions,
  rng: Rng,
): number {
  const form = unitForm(d);
  const estimator = (trials: Scored[]): NumericParzen => {
    const units = trials
      .map((t) => getPath(t.entry.params, leaf.path))
      .map((v) => (typeof v === 'number' ? form.toUnit(v) : NaN))
      .filter((u) => Number.isFinite(u));
    return new NumericParzen(units, defaultWeights(units.length), options.priorWeight);
  };
  const l = estimator(below);
  const g = estimator(above);
  const candidates = Array.from({ length: options.nEiCandidates }, () => inside(l.sample(rng)));
  const cell = form.cell;
  if (!cell) return form.fromUnit(best(candidates, (u) => l.logDensity(u) - g.logDensity(u)));
  // A discrete value is scored by the mass of its whole cell, as Optuna scores int and stepped parameters.
  const values = candidates.map((u) => form.fromUnit(u));
  return best(values, (v) => {
    const [low, high] = cell(v);
    return l.logMass(low, high) - g.logMass(low, high);
  });
}

/** The next trial TPE suggests. */
export function tpeTrial(
  leaves: readonly Leaf[],
  history: readonly HistoryEntry[],
  goal: 'minimize' | 'maximize',
  options: TpeOptions,
  rng: Rng,
): Trial {
  if (scoredTrials(history) < options.nStartupTrials) return randomTrial(leaves, rng);
  const { below, above } = split(history, goal === 'maximize' ? -1 : 1);
  const values = leaves.map((leaf) => {
    const d = leaf.distribution;
    if (d.distribution === 'constant') return d.value;
    if (d.distribution === 'categorical') return suggestCategorical(d, leaf, below, above, options, rng);
    return suggestNumeric(d, leaf, below, above, options, rng);
  });
  return { params: buildParams(leaves, values) };
}
