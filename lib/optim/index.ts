/** torch.optim: native optimizers and LR schedulers. */
export { Optimizer, ParamGroup } from './optimizer.js';
export type { OptimizerStateDict, ParamGroupInput, OptionValue } from './optimizer.js';
export { SGD, Adam, AdamW, RMSprop, Adagrad } from './optimizers.js';
export type { SGDOptions, AdamOptions, RMSpropOptions, AdagradOptions } from './optimizers.js';
export { lrScheduler } from './lr-scheduler/index.js';
