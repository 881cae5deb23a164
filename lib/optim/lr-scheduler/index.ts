/**
 * torch.optim.lrScheduler: PyTorch 1.13's learning-rate schedulers with its names, defaults and exact
 * lr sequences (the chainable, recursive forms of torch/optim/lr_scheduler.py), one per file. A
 * scheduler works on any optimizer whose param groups have a writable `lr`; it changes the lr only
 * by assigning `group.lr`.
 */
import { LRScheduler } from './base.js';
import { CosineAnnealingLR } from './cosine-annealing-lr.js';
import { ExponentialLR } from './exponential-lr.js';
import { LinearLR } from './linear-lr.js';
import { MultiStepLR } from './multi-step-lr.js';
import { OneCycleLR } from './one-cycle-lr.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { SequentialLR } from './sequential-lr.js';
import { StepLR } from './step-lr.js';

export type { MetricLike, OptimizerLike, ParamGroupLike, SchedulerState } from './types.js';
export type { SchedulerOptions } from './base.js';
export type { StepLROptions } from './step-lr.js';
export type { MultiStepLROptions } from './multi-step-lr.js';
export type { ExponentialLROptions } from './exponential-lr.js';
export type { CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export type { LinearLROptions } from './linear-lr.js';
export type { OneCycleLROptions } from './one-cycle-lr.js';
export type { SequentialLROptions } from './sequential-lr.js';
export type { ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, OneCycleLR, SequentialLR, ReduceLROnPlateau };

/** torch.optim.lrScheduler: every scheduler class, e.g. `new lrScheduler.StepLR(optimizer, { stepSize: 30 })`. */
export const lrScheduler = {
  LRScheduler,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LinearLR,
  OneCycleLR,
  SequentialLR,
  ReduceLROnPlateau,
} as const;
