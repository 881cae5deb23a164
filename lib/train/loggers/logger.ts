/**
 * torch.train.loggers.Logger: where logged values go. Several loggers can run at once; the
 * Trainer calls them with epoch and step values, hyperparameters and, at the end, the run's status.
 * @module
 */

/** How a run ended, as Lightning's `finalize(status)` reports it. */
export type RunStatus = 'success' | 'failed' | 'interrupted';

/** The interface every logger implements. */
export interface Logger {
  /** The experiment's name. */
  readonly name: string;
  /** The run's version (`version_N` folders count up). */
  readonly version: string | number;
  /** The run's folder (checkpoints go beside the logs by default). */
  readonly logDir: string;
  /** Records `metrics` at `step` (the global step). */
  logMetrics(metrics: Record<string, number>, step: number): void | Promise<void>;
  /**
   * Records the run's hyperparameters (and its provenance); `metrics`, where given, are values to
   * show beside them (TensorBoard's HParams tab). The Trainer passes none.
   */
  logHyperparams(params: Record<string, unknown>, metrics?: Record<string, number>): void | Promise<void>;
  /** Writes what is buffered. */
  save(): void | Promise<void>;
  /** Ends the run. */
  finalize(status: RunStatus): void | Promise<void>;
}
