/** OneCycleLR. */
import {
  checkChoice,
  checkNumber,
  checkOptimizer,
  groupNumber,
  isFraction,
  isPositive,
  isPositiveInteger,
  perGroup,
  requireOptions,
} from './checks.js';
import type { OptimizerLike, ParamGroupLike } from './types.js';
import { LRScheduler, type SchedulerOptions } from './base.js';

/** Options of OneCycleLR. Give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions extends SchedulerOptions {
  /** Peak lr, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; takes precedence over epochs * stepsPerEpoch. */
  totalSteps?: number;
  /** Epochs to train, with `stepsPerEpoch`, when `totalSteps` is not given. */
  epochs?: number;
  /** Steps per epoch, with `epochs`, when `totalSteps` is not given. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr (default 0.3). */
  pctStart?: number;
  /** How each phase interpolates (default 'cos'). */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's beta1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Momentum at the lr peak (default 0.85), one for all groups or one per group. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the start and end (default 0.95), one for all groups or one per group. */
  maxMomentum?: number | readonly number[];
  /** Initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** Final lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Use the paper's three phases (up, down to the initial lr, then annihilate) instead of fastai's two (default false). */
  threePhase?: boolean;
}

type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';

interface OneCyclePhase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

interface OneCycleLRSettings {
  totalSteps: number;
  phases: OneCyclePhase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  /** Whether momentum is Adam's betas[0] rather than `momentum`. */
  useBeta1: boolean;
}

const ANNEAL = {
  cos: (start: number, end: number, pct: number): number => end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1),
  linear: (start: number, end: number, pct: number): number => (end - start) * pct + start,
};

function oneCycleTotalSteps(options: OneCycleLROptions): number {
  const { totalSteps, epochs, stepsPerEpoch } = options;
  if (totalSteps != null) return checkNumber('OneCycleLR', 'totalSteps', totalSteps, 'a positive integer', isPositiveInteger);
  if (epochs == null && stepsPerEpoch == null) throw new TypeError('OneCycleLR: give totalSteps, or epochs and stepsPerEpoch');
  const e = checkNumber('OneCycleLR', 'epochs', epochs, 'a positive integer', isPositiveInteger);
  return e * checkNumber('OneCycleLR', 'stepsPerEpoch', stepsPerEpoch, 'a positive integer', isPositiveInteger);
}

function oneCyclePhases(totalSteps: number, pctStart: number, threePhase: boolean): OneCyclePhase[] {
  const phase = (endStep: number, startLr: LrKey, endLr: LrKey, startMomentum: MomentumKey, endMomentum: MomentumKey): OneCyclePhase => ({
    endStep,
    startLr,
    endLr,
    startMomentum,
    endMomentum,
  });
  const warmup = phase(pctStart * totalSteps - 1, 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum');
  if (!threePhase) return [warmup, phase(totalSteps - 1, 'maxLr', 'minLr', 'baseMomentum', 'maxMomentum')];
  return [
    warmup,
    phase(2 * pctStart * totalSteps - 2, 'maxLr', 'initialLr', 'baseMomentum', 'maxMomentum'),
    phase(totalSteps - 1, 'initialLr', 'minLr', 'maxMomentum', 'maxMomentum'),
  ];
}

/** Whether groups keep momentum in `betas[0]` (Adam-like) rather than `momentum` (SGD-like); PyTorch asks optimizer.defaults. */
function usesBeta1(groups: ParamGroupLike[]): boolean {
  if (groups.every((group) => Array.isArray(group.betas))) return true;
  if (groups.every((group) => typeof group.momentum === 'number')) return false;
  throw new TypeError(
    'OneCycleLR: cycleMomentum needs every param group to have momentum (SGD-like) or betas (Adam-like); pass cycleMomentum: false otherwise',
  );
}

function setMomentum(group: ParamGroupLike, momentum: number, useBeta1: boolean): void {
  if (useBeta1) group.betas = [momentum, group.betas![1]];
  else group.momentum = momentum;
}

/** Validates OneCycleLR's options and, when starting fresh, writes the cycle's bounds into the param groups as PyTorch does. */
function prepareOneCycle(optimizer: OptimizerLike, options: OneCycleLROptions): OneCycleLRSettings {
  const where = 'OneCycleLR';
  checkOptimizer(where, optimizer);
  const groups = optimizer.paramGroups;
  const totalSteps = oneCycleTotalSteps(options);
  const pctStart = checkNumber(where, 'pctStart', options.pctStart ?? 0.3, 'a number in [0, 1]', isFraction);
  const annealStrategy = checkChoice(where, 'annealStrategy', options.annealStrategy ?? 'cos', ['cos', 'linear'] as const);
  const maxLrs = perGroup(where, 'maxLr', options.maxLr, groups.length, 'a positive number', isPositive);
  const divFactor = checkNumber(where, 'divFactor', options.divFactor ?? 25, 'a positive number', isPositive);
  const finalDivFactor = checkNumber(where, 'finalDivFactor', options.finalDivFactor ?? 1e4, 'a positive number', isPositive);
  const cycleMomentum = options.cycleMomentum ?? true;
  const useBeta1 = cycleMomentum && usesBeta1(groups);
  const maxMomentums = perGroup(where, 'maxMomentum', options.maxMomentum ?? 0.95, groups.length, 'a finite number');
  const baseMomentums = perGroup(where, 'baseMomentum', options.baseMomentum ?? 0.85, groups.length, 'a finite number');
  if ((options.lastEpoch ?? -1) === -1) {
    groups.forEach((group, i) => {
      const initialLr = maxLrs[i]! / divFactor;
      Object.assign(group, { initialLr, maxLr: maxLrs[i], minLr: initialLr / finalDivFactor });
      if (!cycleMomentum) return;
      setMomentum(group, maxMomentums[i]!, useBeta1);
      Object.assign(group, { maxMomentum: maxMomentums[i], baseMomentum: baseMomentums[i] });
    });
  }
  const phases = oneCyclePhases(totalSteps, pctStart, options.threePhase ?? false);
  return { totalSteps, phases, annealStrategy, cycleMomentum, useBeta1 };
}

/**
 * The 1cycle policy: the lr rises from maxLr / divFactor to maxLr, then anneals far below the start
 * (fastai's two phases, or the paper's three), while momentum cycles the opposite way. Step it once per batch.
 *
 * Like PyTorch, it writes `initialLr`, `maxLr`, `minLr` (and `maxMomentum`, `baseMomentum`) into each
 * param group, allows exactly `totalSteps` steps after construction and throws on the next one.
 */
export class OneCycleLR extends LRScheduler<OneCycleLRSettings> {
  /** Wraps `optimizer`, overwriting each group's lr (and momentum or beta1) with the cycle's start. */
  constructor(optimizer: OptimizerLike, options: OneCycleLROptions) {
    requireOptions('OneCycleLR', options, '{ maxLr, totalSteps | epochs and stepsPerEpoch, ... }');
    super(optimizer, prepareOneCycle(optimizer, options), options.lastEpoch);
    this.initialStep();
  }

  protected override computeLrs(): number[] {
    const { totalSteps, cycleMomentum, useBeta1 } = this.settings;
    const step = this.lastEpoch;
    if (step > totalSteps) {
      throw new RangeError(`OneCycleLR: Tried to step ${step + 1} times. The specified number of total steps is ${totalSteps}`);
    }
    const { phase, pct } = this.locate(step);
    const anneal = ANNEAL[this.settings.annealStrategy];
    return this.optimizer.paramGroups.map((group, i) => {
      const value = (key: string): number => groupNumber('OneCycleLR', group, i, key);
      if (cycleMomentum) setMomentum(group, anneal(value(phase.startMomentum), value(phase.endMomentum), pct), useBeta1);
      return anneal(value(phase.startLr), value(phase.endLr), pct);
    });
  }

  /** The phase holding `step` (the last phase also takes any step past its end) and the fraction of it done. */
  private locate(step: number): { phase: OneCyclePhase; pct: number } {
    const { phases } = this.settings;
    let startStep = 0;
    for (const [i, phase] of phases.entries()) {
      if (step <= phase.endStep || i === phases.length - 1) return { phase, pct: (step - startStep) / (phase.endStep - startStep) };
      startStep = phase.endStep;
    }
    throw new Error('unreachable: OneCycleLR has at least one phase');
  }
}
