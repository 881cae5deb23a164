/** torch.optim: native optimizers and LR schedulers. */
export { Optimizer, ParamGroup } from './optimizer.js';
export type { OptimizerStateDict, ParamGroupInput, OptionValue, OptimizerKind, OptionSpec } from './optimizer.js';
export { SGD, Adam, AdamW, RMSprop, Adagrad } from './optimizers.js';
export type { SGDOptions, AdamOptions, RMSpropOptions, AdagradOptions, Params } from './optimizers.js';
export { lrScheduler } from './lr-scheduler/index.js';
// The scheduler classes and their options as types (`let s: optim.StepLR`); their values are on `lrScheduler`.
export type * from './lr-scheduler/index.js';
