/**
 * W&B's hyperband terminator (sweeps' hyperband_stop_runs) for one run: at each bracket b the
 * threshold is the value at index floor(n/eta) of the sorted values that the n runs reaching b
 * logged at their b-th iteration; a run past a bracket stops when its best value so far (strict:
 * its value at the bracket) is worse than the threshold of the last bracket it reached.
 * @module
 */
import { hyperbandBands } from './early-terminate.js';
import type { TrialState } from './history.js';
import type { HyperbandConfig } from './types.js';

/** Another run's losses (lower is better). */
export interface OtherRun {
  losses: number[];
  state: TrialState;
}

/** The thresholds at each bracket over `runs` (Infinity where no run has reached it). */
export function hyperbandThresholds(config: HyperbandConfig, runs: readonly (readonly number[])[]): number[] {
  return hyperbandBands(config).map((band) => {
    const atBand = runs.filter((losses) => losses.length >= band).map((losses) => losses[band - 1]!);
    if (atBand.length === 0) return Infinity;
    atBand.sort((a, b) => a - b);
    return atBand[Math.floor(atBand.length / config.eta)]!;
  });
}

/** Whether the run with `losses` stops, against every other run of the sweep (any state). */
export function hyperbandShouldStop(config: HyperbandConfig, losses: readonly number[], others: readonly OtherRun[]): boolean {
  const bands = hyperbandBands(config);
  const thresholds = hyperbandThresholds(config, [[...losses], ...others.map((o) => o.losses)]);
  let reached = -1;
  for (let i = 0; i < bands.length && bands[i]! <= losses.length; i++) reached = i;
  if (reached < 0) return false;
  const value = config.strict ? losses[bands[reached]! - 1]! : Math.min(...losses);
  return value > thresholds[reached]!;
}
