/** torch.train.callbacks: Lightning's callbacks, each taking an options object. */
export { Callback, type CallbackHook } from './callback.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { LearningRateMonitor, type LearningRateMonitorOptions } from './learning-rate-monitor.js';
export { Timer, durationMs, type TimerOptions } from './timer.js';
export { ProgressBar, summaryTable, type ProgressBarOptions, type ProgressStream } from './progress-bar.js';
export { LearningCurves, type LearningCurvesOptions } from './learning-curves.js';
export { GradientAccumulationScheduler, type GradientAccumulationSchedulerOptions } from './gradient-accumulation-scheduler.js';
export { ModelPruning, type ModelPruningOptions, type PruningFnName, type PruningFunction } from './model-pruning.js';
