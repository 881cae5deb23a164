/**
 * The median stopping rule as Optuna's MedianPruner applies it: once min_runs runs have finished
 * and this run has logged min_iter values, it stops when its best value so far is worse than the
 * median of the finished runs' values at the same iteration.
 * @module
 */
import type { OtherRun } from './hyperband.js';
import type { MedianStoppingConfig } from './types.js';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Whether the run with `losses` (lower is better) stops. */
export function medianShouldStop(config: MedianStoppingConfig, losses: readonly number[], others: readonly OtherRun[]): boolean {
  const finished = others.filter((o) => o.state === 'finished');
  const iteration = losses.length;
  if (finished.length < config.min_runs || iteration < config.min_iter) return false;
  const atIteration = finished.filter((o) => o.losses.length >= iteration).map((o) => o.losses[iteration - 1]!);
  if (atIteration.length === 0) return false;
  return Math.min(...losses) > median(atIteration);
}
