/** torch.train: the Trainer, LightningModule, SupervisedModule, callbacks and loggers (Lightning's names). */
export { Trainer, type TrainerOptions, type FitOptions, type ConfiguredScheduler, type Loader, type Batches } from './trainer.js';
export { LightningModule, type StepOutput, type SchedulerConfig, type SchedulerLike, type OptimizerConfig } from './lightning-module.js';
export { SupervisedModule, type SupervisedOptions, type LossFunction } from './supervised-module.js';
export type { LogOptions, Loggable } from './results.js';
export type { FitState, Stage, EpochStart } from './fit-state.js';
export type { HookName, LogRule } from './hooks.js';
export type { Checkpoint, ResumePoint } from './checkpoint.js';
export type { Precision, Resolved } from './precision.js';
export type { NativeLoopMode } from './native-loop.js';
export type { ChannelsLastMode } from './memory-format.js';
export type { RunInfo } from './run-info.js';
export * as callbacks from './callbacks/index.js';
export * as loggers from './loggers/index.js';
export * as profilers from './profilers/index.js';
export { makeGrid, type MakeGridOptions } from './loggers/image-grid.js';
