/**
 * createStopper: early termination fed by the metric each run logs. shouldStop answers for one
 * run now, from every run's metric history (W&B's terminator looks at all runs the same way).
 * @module
 */
import { hyperbandShouldStop } from './hyperband.js';
import { medianShouldStop } from './median.js';
import type { TrialState } from './history.js';
import type { SweepConfig } from './types.js';

/** One run's logged values of the sweep's metric, oldest first. */
export interface RunMetrics {
  id: string;
  values: readonly number[];
  state: TrialState;
}

/** Decides whether a run should end early. */
export interface Stopper {
  /**
   * Whether run `runId`, having logged the metric `iteration` times (1 after the first) with the
   * values `metricSoFar` (oldest first; the first `iteration` count), should stop now. `allRuns`
   * holds the other runs (an entry for this run is replaced by metricSoFar).
   */
  shouldStop(runId: string, iteration: number, metricSoFar: readonly number[], allRuns: readonly RunMetrics[]): boolean;
}

/** A run's values as the comparisons use them: finite ones only (W&B filters the rest), negated when maximizing. */
export function lossesOf(values: readonly number[], goal: 'minimize' | 'maximize'): number[] {
  return values.filter((v) => Number.isFinite(v)).map((v) => (goal === 'maximize' ? -v : v));
}

/** The stopper of a sweep's early_terminate section (one that never stops without it). */
export function createStopper(config: SweepConfig): Stopper {
  const terminate = config.early_terminate;
  const goal = config.metric?.goal ?? 'minimize';
  if (!terminate) return { shouldStop: () => false };
  return {
    shouldStop(runId, iteration, metricSoFar, allRuns) {
      const own = lossesOf(metricSoFar.slice(0, iteration), goal);
      const others = allRuns.filter((r) => r.id !== runId).map((r) => ({ losses: lossesOf(r.values, goal), state: r.state }));
      return terminate.type === 'hyperband' ? hyperbandShouldStop(terminate, own, others) : medianShouldStop(terminate, own, others);
    },
  };
}
