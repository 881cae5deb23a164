/**
 * createSearch: the object that proposes a sweep's next trial from the trials so far. A
 * suggestion is a pure function of the configuration, the seed and the history (trial n draws
 * from its own stream), so parallel agents and a resumed sweep get the same answers.
 * @module
 */
import { gridAxes, nextGridTrial } from './grid.js';
import { randomTrial } from './random.js';
import { trialRng } from './rng.js';
import { leavesOf } from './space.js';
import { TPE_DEFAULTS, tpeTrial, type TpeOptions } from './tpe.js';
import type { HistoryEntry, Trial } from './history.js';
import type { SweepConfig, SweepMethod } from './types.js';
import { check, isInteger, isNonNegativeInteger, isPositive, isPositiveInteger } from '../util/validate.js';

/** Options of createSearch. */
export interface SearchOptions {
  /** Seed of every random draw (default 0). */
  seed?: number;
  /** TPE's settings for `method: bayes` (Optuna's defaults). */
  tpe?: Partial<TpeOptions>;
}

/** A sweep's search. */
export interface Search {
  readonly method: SweepMethod;
  /** The next trial, or null when the sweep is done: the grid is exhausted, run_cap trials exist, or one reached metric.target. */
  suggest(history: readonly HistoryEntry[]): Trial | null;
}

/** Whether a finished trial reached the metric's target. */
function targetReached(config: SweepConfig, history: readonly HistoryEntry[]): boolean {
  const metric = config.metric;
  if (metric?.target === undefined) return false;
  const target = metric.target;
  return history.some(
    (e) => e.state === 'finished' && typeof e.value === 'number' && (metric.goal === 'maximize' ? e.value >= target : e.value <= target),
  );
}

/** The search for a parsed sweep configuration. */
export function createSearch(config: SweepConfig, options: SearchOptions = {}): Search {
  const seed = check('createSearch', 'seed', options.seed ?? 0, 'a safe integer', isInteger);
  const tpe: TpeOptions = { ...TPE_DEFAULTS, ...options.tpe };
  check('createSearch', 'tpe.nStartupTrials', tpe.nStartupTrials, 'an integer >= 0', isNonNegativeInteger);
  check('createSearch', 'tpe.nEiCandidates', tpe.nEiCandidates, 'an integer >= 1', isPositiveInteger);
  check('createSearch', 'tpe.priorWeight', tpe.priorWeight, 'a number > 0', isPositive);
  const leaves = leavesOf(config.parameters);
  if (config.method === 'grid') gridAxes(leaves); // a hand-built config fails here, not at its first suggestion
  const goal = config.metric?.goal ?? 'minimize';
  return {
    method: config.method,
    suggest(history) {
      if (config.run_cap !== undefined && history.length >= config.run_cap) return null;
      if (targetReached(config, history)) return null;
      if (config.method === 'grid') return nextGridTrial(leaves, history);
      const rng = trialRng(seed, history.length);
      if (config.method === 'random') return randomTrial(leaves, rng);
      return tpeTrial(leaves, history, goal, tpe, rng);
    },
  };
}
