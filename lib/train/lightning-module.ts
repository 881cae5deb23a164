/**
 * torch.train.LightningModule: a torch.nn.Module that also says how it trains (Lightning's
 * interface in camelCase). Subclasses implement `trainingStep` and `configureOptimizers`, and
 * optionally the validation, test and predict steps; `log` records values for loggers, callbacks
 * and the progress bar.
 * @module
 */
import { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LogOptions, Loggable } from './results.js';
import type { Trainer } from './trainer.js';

/** What a training step returns: the loss, or an object holding it under `loss`. */
export type StepOutput = Tensor | { loss: Tensor; [key: string]: unknown };

/** What the Trainer needs of an LR scheduler (every torch.optim.lrScheduler class has it). */
export interface SchedulerLike {
  /** Steps the schedule (ReduceLROnPlateau takes the monitored value). */
  step(metric?: number): void;
  /** The state checkpoints save. */
  stateDict(): unknown;
  /** Restores {@link SchedulerLike.stateDict}. */
  loadStateDict(state: never): void;
}

/** A scheduler the Trainer steps, with Lightning's `lr_scheduler_config` keys in camelCase. */
export interface SchedulerConfig {
  /** An LR scheduler (`step()` or, for ReduceLROnPlateau, `step(metric)`). */
  scheduler: SchedulerLike;
  /** Step it per 'epoch' (default) or per optimizer 'step'. */
  interval?: 'epoch' | 'step';
  /** Step it every `frequency` intervals (default 1). */
  frequency?: number;
  /** The logged value passed to a ReduceLROnPlateau. */
  monitor?: string;
  /** Its name in LearningRateMonitor's keys. */
  name?: string;
}

/** What `configureOptimizers` returns. */
export type OptimizerConfig =
  | Optimizer
  | Optimizer[]
  | { optimizer: Optimizer; lrScheduler?: SchedulerConfig | SchedulerConfig['scheduler'] }
  | { optimizer: Optimizer; lrScheduler?: SchedulerConfig | SchedulerConfig['scheduler'] }[];

/** Base class of modules the Trainer trains. */
export abstract class LightningModule extends Module {
  /** The Trainer running this module (set while fit, validate, test or predict runs). */
  trainer: Trainer | null = null;
  /** What `saveHyperparameters` stored; checkpoints and loggers record it. */
  hparams: Record<string, unknown> = {};

  /** One training step: returns the loss (or `{ loss, ... }`) of `batch`. */
  abstract trainingStep(batch: unknown, batchIdx: number): StepOutput | Promise<StepOutput>;

  /** The optimizers (and schedulers) to train with. */
  abstract configureOptimizers(): OptimizerConfig;

  /** One validation step (log what to monitor); optional. */
  validationStep?(batch: unknown, batchIdx: number): unknown;
  /** One test step; optional. */
  testStep?(batch: unknown, batchIdx: number): unknown;
  /** One prediction step: returns the prediction (default: `forward(batch)` or `forward(batch[0])`). */
  predictStep?(batch: unknown, batchIdx: number): unknown;

  /** The module's computation; by default the LightningModule has none of its own. */
  forward(..._inputs: unknown[]): unknown {
    throw new Error(`${this.constructor.name}.forward is not implemented`);
  }

  /**
   * Logs `value` under `name` (Lightning's `self.log`): per step in training steps, per epoch (the
   * batch-size weighted mean) in validation and test steps, unless `options` says otherwise.
   */
  log(name: string, value: Loggable, options: LogOptions = {}): void {
    if (!this.trainer) throw new Error(`log('${name}'): the module is not attached to a Trainer (call it from a step or hook)`);
    this.trainer.logValue(name, value, options);
  }

  /** Logs every entry of `values` with the same options. */
  logDict(values: Record<string, Loggable>, options: LogOptions = {}): void {
    for (const [name, value] of Object.entries(values)) this.log(name, value, options);
  }

  /** Stores hyperparameters (plain JSON values) for checkpoints (`hyper_parameters`) and loggers. */
  saveHyperparameters(hparams: Record<string, unknown>): void {
    this.hparams = { ...this.hparams, ...structuredClone(hparams) };
  }
}
