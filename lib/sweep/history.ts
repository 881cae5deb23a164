/**
 * What a search reads and returns: the trials so far (their params, final metric value and
 * state) and the next trial's params.
 * @module
 */
import type { Params } from './space.js';

/**
 * A trial's state. `finished` and `stopped` (ended by early termination) trials with a value
 * inform TPE, stopped ones ranked after every finished one, as Optuna ranks pruned trials;
 * `running` and `failed` ones only occupy their grid cell and count toward run_cap.
 */
export type TrialState = 'running' | 'finished' | 'stopped' | 'failed';

/** One trial of the sweep so far. */
export interface HistoryEntry {
  params: Params;
  /** The metric's final value (the last one logged for a stopped trial); null while running or after a failure. */
  value?: number | null;
  state: TrialState;
}

/** A suggested trial. */
export interface Trial {
  /** The run's config values, nested as W&B's `wandb.config`. */
  params: Params;
}
