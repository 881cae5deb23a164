/**
 * torch.optim.lrScheduler: PyTorch 1.13's learning-rate schedulers with its names, defaults and exact
 * lr sequences (the chainable, recursive forms of torch/optim/lr_scheduler.py). A scheduler works on
 * any optimizer whose param groups have a writable `lr`; it changes the lr only by assigning `group.lr`.
 */

import { requireOptions } from '../util/validate.js';

/** A parameter group as schedulers see it: `lr` is read and written; SGD-like groups have `momentum`, Adam-like ones `betas`. */
export interface ParamGroupLike {
  lr: number;
  momentum?: number;
  betas?: [number, number];
  [key: string]: unknown;
}

/** What a scheduler needs from an optimizer. */
export interface OptimizerLike {
  readonly paramGroups: ParamGroupLike[];
}

/** A scheduler's state as plain JSON-able data, from `stateDict()` for `loadStateDict()`. */
export type SchedulerState = Record<string, unknown>;

/** A metric for ReduceLROnPlateau: a number, or a one-element tensor (anything with `item()`). */
export type MetricLike = number | { item(): number };

// ---- validation ----------------------------------------------------------------------------------

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

const isPositiveInteger = (v: number): boolean => Number.isInteger(v) && v > 0;
const isNonNegativeInteger = (v: number): boolean => Number.isInteger(v) && v >= 0;
const isNonNegative = (v: number): boolean => Number.isFinite(v) && v >= 0;
const isPositive = (v: number): boolean => Number.isFinite(v) && v > 0;
const isFraction = (v: number): boolean => v >= 0 && v <= 1;

/** Returns `value` when it is a number passing `ok`; otherwise throws naming the option (TypeError for a non-number). */
function checkNumber(
  where: string,
  name: string,
  value: unknown,
  requirement: string,
  ok: (v: number) => boolean = Number.isFinite,
): number {
  if (typeof value === 'number' && ok(value)) return value;
  const message = `${where}: ${name} must be ${requirement}, got ${describe(value)}`;
  throw typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}

function checkChoice<T extends string>(where: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw new TypeError(`${where}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
}

/** One value per param group, from a scalar (repeated) or an array of exactly one per group (PyTorch's _format_param). */
function perGroup(
  where: string,
  name: string,
  value: unknown,
  groups: number,
  requirement: string,
  ok: (v: number) => boolean = Number.isFinite,
): number[] {
  if (!Array.isArray(value)) return new Array<number>(groups).fill(checkNumber(where, name, value, requirement, ok));
  if (value.length !== groups) {
    throw new RangeError(`${where}: ${name} must have one value per param group (${groups}), got ${value.length}`);
  }
  return value.map((v, i) => checkNumber(where, `${name}[${i}]`, v, requirement, ok));
}

function checkOptimizer(where: string, optimizer: OptimizerLike): void {
  const groups: unknown = optimizer?.paramGroups;
  const valid = Array.isArray(groups) && groups.length > 0 && groups.every((g) => typeof (g as ParamGroupLike)?.lr === 'number');
  if (!valid) throw new TypeError(`${where}: optimizer must have a non-empty paramGroups array whose groups each have a numeric lr`);
}

function groupNumber(where: string, group: ParamGroupLike, index: number, key: string): number {
  const value = group[key];
  if (typeof value !== 'number') throw new TypeError(`${where}: paramGroups[${index}].${key} must be a number, got ${describe(value)}`);
  return value;
}

function stateNumber(where: string, state: SchedulerState, key: string): number {
  return checkNumber(where, `state.${key}`, state[key], 'a number', () => true);
}

function stateNumbers(where: string, state: SchedulerState, key: string): number[] {
  const value = state[key];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    throw new TypeError(`${where}: state.${key} must be an array of numbers, got ${describe(value)}`);
  }
  return [...(value as number[])];
}

/** Copies the keys of `current` that `state` has: PyTorch's load_state_dict restores hyperparameters too. */
function mergeSettings<S extends object>(current: S, state: SchedulerState): S {
  const merged = { ...current } as Record<string, unknown>;
  for (const key of Object.keys(current)) if (key in state) merged[key] = structuredClone(state[key]);
  return merged as S;
}

/** Python's bisect.bisect_right on a sorted array: how many entries are <= x. */
function bisectRight(sorted: readonly number[], x: number): number {
  let count = 0;
  while (count < sorted.length && sorted[count]! <= x) count++;
  return count;
}

// ---- base class ----------------------------------------------------------------------------------

/** Options every LRScheduler takes. */
export interface SchedulerOptions {
  /** Index of the last step when resuming (PyTorch's last_epoch); -1 (default) starts fresh. Resuming needs `initialLr` in every group. */
  lastEpoch?: number;
}

/**
 * Base of the epoch-indexed schedulers (PyTorch's _LRScheduler). The constructor records each group's
 * `initialLr` (unless already there) and subclasses then take the initial step, so after construction
 * `lastEpoch` is 0 and the groups hold the first lr of the schedule.
 *
 * A subclass puts its hyperparameters in `settings` (saved by `stateDict()`), implements `computeLrs()`
 * (the chainable form, usually from the groups' current lr) and ends its constructor with `this.initialStep()`.
 */
export abstract class LRScheduler<Settings extends object = object> {
  /** The optimizer whose param groups this scheduler sets. */
  readonly optimizer: OptimizerLike;
  /** Each group's `initialLr` (PyTorch's base_lrs). */
  baseLrs: number[];
  /** Index of the last step taken: 0 right after construction (PyTorch's last_epoch). */
  lastEpoch: number;
  /** Hyperparameters; stateDict() saves and loadStateDict() restores them, like PyTorch's attributes. */
  protected settings: Settings;
  /** Calls to step(), the initial one included (PyTorch's _step_count). */
  protected stepCount = 0;
  /** The lrs the last step set. */
  protected lastLr: number[] = [];

  /** Records `initialLr` per group (or, when resuming, checks it is there); subclasses then call `initialStep()`. */
  constructor(optimizer: OptimizerLike, settings: Settings, lastEpoch: number = -1) {
    const where = new.target.name;
    checkOptimizer(where, optimizer);
    checkNumber(where, 'lastEpoch', lastEpoch, 'an integer >= -1', (v) => Number.isInteger(v) && v >= -1);
    if (lastEpoch === -1) for (const group of optimizer.paramGroups) if (!('initialLr' in group)) group.initialLr = group.lr;
    this.baseLrs = optimizer.paramGroups.map((group, i) => {
      if (typeof group.initialLr === 'number') return group.initialLr;
      const resuming = lastEpoch === -1 ? '' : ` (needed to resume at lastEpoch ${lastEpoch})`;
      throw new TypeError(`${where}: paramGroups[${i}].initialLr must be a number${resuming}, got ${describe(group.initialLr)}`);
    });
    this.optimizer = optimizer;
    this.settings = settings;
    this.lastEpoch = lastEpoch;
  }

  /** Advances one step and sets every group's lr. Call it after `optimizer.step()`. */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    this.applyLrs(this.computeLrs());
  }

  /** The lrs the last step set, one per param group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state (hyperparameters included) as a plain JSON-able object. */
  stateDict(): SchedulerState {
    const { baseLrs, lastEpoch, stepCount, lastLr } = this;
    return structuredClone({ ...this.settings, baseLrs, lastEpoch, stepCount, lastLr });
  }

  /** Restores a state from `stateDict()`; the optimizer's param groups are not touched. */
  loadStateDict(state: SchedulerState): void {
    const where = this.constructor.name;
    this.settings = mergeSettings(this.settings, state);
    this.baseLrs = stateNumbers(where, state, 'baseLrs');
    this.lastEpoch = stateNumber(where, state, 'lastEpoch');
    this.stepCount = stateNumber(where, state, 'stepCount');
    this.lastLr = stateNumbers(where, state, 'lastLr');
  }

  /** The lrs for step `lastEpoch` (PyTorch's get_lr); may update other group hyperparameters as a side effect. */
  protected abstract computeLrs(): number[];

  /** The closed-form lrs for `lastEpoch`, for schedulers that have one (SequentialLR restarts them with it). */
  protected closedFormLrs(): number[] | undefined {
    return undefined;
  }

  /** The construction-time step (PyTorch's _initial_step). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Jumps to `epoch` using the closed form where there is one (PyTorch's deprecated step(epoch)). */
  protected stepToEpoch(epoch: number): void {
    this.stepCount += 1;
    this.lastEpoch = epoch;
    this.applyLrs(this.closedFormLrs() ?? this.computeLrs());
  }

  /** Each group's current lr. */
  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((group) => group.lr);
  }

  private applyLrs(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = lrs[i]!));
    this.lastLr = this.currentLrs();
  }
}

// ---- StepLR, MultiStepLR, ExponentialLR ----------------------------------------------------------

/** Options of StepLR. */
export interface StepLROptions extends SchedulerOptions {
  /** Period of lr decay, in steps. */
  stepSize: number;
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
}

interface StepLRSettings {
  stepSize: number;
  gamma: number;
}

/** Multiplies the lr by `gamma` every `stepSize` steps. */
export class StepLR extends LRScheduler<StepLRSettings> {
  /** Wraps `optimizer`; the first lr is each group's current lr. */
  constructor(optimizer: OptimizerLike, options: StepLROptions) {
    requireOptions('StepLR', options, '{ stepSize, gamma? }');
    const stepSize = checkNumber('StepLR', 'stepSize', options.stepSize, 'a positive integer', isPositiveInteger);
    const gamma = checkNumber('StepLR', 'gamma', options.gamma ?? 0.1, 'a non-negative number', isNonNegative);
    super(optimizer, { stepSize, gamma }, options.lastEpoch);
    this.initialStep();
  }

  protected override computeLrs(): number[] {
    const { stepSize, gamma } = this.settings;
    if (this.lastEpoch === 0 || this.lastEpoch % stepSize !== 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * gamma);
  }

  protected override closedFormLrs(): number[] {
    const { stepSize, gamma } = this.settings;
    return this.baseLrs.map((base) => base * gamma ** Math.floor(this.lastEpoch / stepSize));
  }
}

/** Options of MultiStepLR. */
export interface MultiStepLROptions extends SchedulerOptions {
  /** Steps at which the lr decays; a step listed k times decays by gamma^k. */
  milestones: readonly number[];
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
}

interface MultiStepLRSettings {
  milestones: number[];
  gamma: number;
}

/** Multiplies the lr by `gamma` at each milestone. */
export class MultiStepLR extends LRScheduler<MultiStepLRSettings> {
  /** Wraps `optimizer`; a milestone at 0 decays the lr already at construction, as in PyTorch. */
  constructor(optimizer: OptimizerLike, options: MultiStepLROptions) {
    requireOptions('MultiStepLR', options, '{ milestones, gamma? }');
    const { milestones } = options;
    if (!Array.isArray(milestones) || !milestones.every((m) => typeof m === 'number' && isNonNegativeInteger(m))) {
      throw new TypeError(`MultiStepLR: milestones must be an array of non-negative integers, got ${describe(milestones)}`);
    }
    const gamma = checkNumber('MultiStepLR', 'gamma', options.gamma ?? 0.1, 'a non-negative number', isNonNegative);
    super(optimizer, { milestones: [...milestones].sort((a, b) => a - b), gamma }, options.lastEpoch);
    this.initialStep();
  }

  protected override computeLrs(): number[] {
    const { milestones, gamma } = this.settings;
    const hits = milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * gamma ** hits);
  }

  protected override closedFormLrs(): number[] {
    const { milestones, gamma } = this.settings;
    return this.baseLrs.map((base) => base * gamma ** bisectRight(milestones, this.lastEpoch));
  }
}

/** Options of ExponentialLR. */
export interface ExponentialLROptions extends SchedulerOptions {
  /** Multiplicative decay per step. */
  gamma: number;
}

interface ExponentialLRSettings {
  gamma: number;
}

/** Multiplies the lr by `gamma` every step. */
export class ExponentialLR extends LRScheduler<ExponentialLRSettings> {
  /** Wraps `optimizer`; the first lr is each group's current lr. */
  constructor(optimizer: OptimizerLike, options: ExponentialLROptions) {
    requireOptions('ExponentialLR', options, '{ gamma }');
    const gamma = checkNumber('ExponentialLR', 'gamma', options.gamma, 'a non-negative number', isNonNegative);
    super(optimizer, { gamma }, options.lastEpoch);
    this.initialStep();
  }

  protected override computeLrs(): number[] {
    if (this.lastEpoch === 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.settings.gamma);
  }

  protected override closedFormLrs(): number[] {
    return this.baseLrs.map((base) => base * this.settings.gamma ** this.lastEpoch);
  }
}

// ---- CosineAnnealingLR, LinearLR -----------------------------------------------------------------

/** Options of CosineAnnealingLR. */
export interface CosineAnnealingLROptions extends SchedulerOptions {
  /** Steps in half a cosine period. */
  tMax: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
}

interface CosineAnnealingLRSettings {
  tMax: number;
  etaMin: number;
}

/**
 * Anneals the lr from its initial value to `etaMin` along half a cosine over `tMax` steps, then back up
 * (SGDR without restarts). Uses PyTorch's recursive form, so it composes with other lr changes.
 */
export class CosineAnnealingLR extends LRScheduler<CosineAnnealingLRSettings> {
  /** Wraps `optimizer`; the first lr is each group's current lr. */
  constructor(optimizer: OptimizerLike, options: CosineAnnealingLROptions) {
    requireOptions('CosineAnnealingLR', options, '{ tMax, etaMin? }');
    const tMax = checkNumber('CosineAnnealingLR', 'tMax', options.tMax, 'a positive integer', isPositiveInteger);
    const etaMin = checkNumber('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, 'a finite number');
    super(optimizer, { tMax, etaMin }, options.lastEpoch);
    this.initialStep();
  }

  // Operation order follows PyTorch term by term so the results agree to the last bit or so.
  protected override computeLrs(): number[] {
    const { tMax, etaMin } = this.settings;
    const epoch = this.lastEpoch;
    if (epoch === 0) return this.currentLrs();
    if (this.stepCount === 1 && epoch > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((epoch * Math.PI) / tMax))) / 2);
    }
    // Where the recursion's denominator would be 1 + cos(pi) = 0.
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) {
      return this.optimizer.paramGroups.map((group, i) => group.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax));
    return this.currentLrs().map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected override closedFormLrs(): number[] {
    const { tMax, etaMin } = this.settings;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / tMax))) / 2);
  }
}

/** Options of LinearLR. */
export interface LinearLROptions extends SchedulerOptions {
  /** Factor on the initial lr at the first step, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor reached after `totalIters` steps, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps over which the factor changes (default 5). */
  totalIters?: number;
}

interface LinearLRSettings {
  startFactor: number;
  endFactor: number;
  totalIters: number;
}

/** Scales the lr by a factor going linearly from `startFactor` to `endFactor` over `totalIters` steps (warmup or decay). */
export class LinearLR extends LRScheduler<LinearLRSettings> {
  /** Wraps `optimizer`; the first lr is each group's current lr times `startFactor`. */
  constructor(optimizer: OptimizerLike, options: LinearLROptions = {}) {
    // startFactor 0 would divide by zero in PyTorch's recursion.
    const startFactor = checkNumber('LinearLR', 'startFactor', options.startFactor ?? 1 / 3, 'a number in (0, 1]', (v) => v > 0 && v <= 1);
    const endFactor = checkNumber('LinearLR', 'endFactor', options.endFactor ?? 1, 'a number in [0, 1]', isFraction);
    const totalIters = checkNumber('LinearLR', 'totalIters', options.totalIters ?? 5, 'a positive integer', isPositiveInteger);
    super(optimizer, { startFactor, endFactor, totalIters }, options.lastEpoch);
    this.initialStep();
  }

  protected override computeLrs(): number[] {
    const { startFactor, endFactor, totalIters } = this.settings;
    const epoch = this.lastEpoch;
    if (epoch === 0) return this.currentLrs().map((lr) => lr * startFactor);
    if (epoch > totalIters) return this.currentLrs();
    const change = 1 + (endFactor - startFactor) / (totalIters * startFactor + (epoch - 1) * (endFactor - startFactor));
    return this.currentLrs().map((lr) => lr * change);
  }

  protected override closedFormLrs(): number[] {
    const { startFactor, endFactor, totalIters } = this.settings;
    const factor = startFactor + ((endFactor - startFactor) * Math.min(totalIters, this.lastEpoch)) / totalIters;
    return this.baseLrs.map((base) => base * factor);
  }
}

// ---- OneCycleLR ----------------------------------------------------------------------------------

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

// ---- SequentialLR --------------------------------------------------------------------------------

/** Options of SequentialLR. */
export interface SequentialLROptions extends SchedulerOptions {
  /** Schedulers of the same optimizer, run one after another. */
  schedulers: readonly LRScheduler[];
  /** Steps at which the next scheduler takes over: one fewer than `schedulers`, increasing. */
  milestones: readonly number[];
}

interface SequentialLRSettings {
  milestones: number[];
}

/** The protected members SequentialLR drives on the schedulers it wraps. */
interface Driven {
  initialStep(): void;
  stepToEpoch(epoch: number): void;
}

// SequentialLR is part of the scheduler family, so it may use the protected stepping hooks of its children.
const driven = (scheduler: LRScheduler): Driven => scheduler as unknown as Driven;

function checkSequence(optimizer: OptimizerLike, options: SequentialLROptions): SequentialLRSettings {
  const { schedulers, milestones } = options;
  if (!Array.isArray(schedulers) || schedulers.length === 0) {
    throw new TypeError(`SequentialLR: schedulers must be a non-empty array of schedulers, got ${describe(schedulers)}`);
  }
  schedulers.forEach((scheduler, i) => {
    if (!(scheduler instanceof LRScheduler)) {
      throw new TypeError(`SequentialLR: schedulers[${i}] must be an LRScheduler, got ${describe(scheduler)}`);
    }
    // PyTorch restarts a nested SequentialLR from the wrong lr (e.g. a warmup overshoots); refuse it rather than copy that.
    if (scheduler instanceof SequentialLR) throw new TypeError(`SequentialLR: schedulers[${i}] must not itself be a SequentialLR`);
    if (scheduler.optimizer !== optimizer) throw new TypeError(`SequentialLR: schedulers[${i}] belongs to a different optimizer`);
  });
  const increasing = Array.isArray(milestones) && milestones.every((m, i) => isPositiveInteger(m) && (i === 0 || m > milestones[i - 1]!));
  if (!increasing) throw new TypeError(`SequentialLR: milestones must be increasing positive integers, got ${describe(milestones)}`);
  if (milestones.length !== schedulers.length - 1) {
    throw new RangeError(
      `SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`,
    );
  }
  return { milestones: [...milestones] };
}

/** Runs `schedulers` one after another, switching at each milestone (PyTorch restarts the incoming one at its step 0). */
export class SequentialLR extends LRScheduler<SequentialLRSettings> {
  private readonly schedulers: LRScheduler[];

  /** Wraps already-built schedulers of `optimizer`; undoes their initial steps and restarts the first. */
  constructor(optimizer: OptimizerLike, options: SequentialLROptions) {
    requireOptions('SequentialLR', options, '{ schedulers, milestones }');
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, checkSequence(optimizer, options), lastEpoch);
    this.schedulers = [...options.schedulers];
    this.lastEpoch = lastEpoch + 1;
    optimizer.paramGroups.forEach((group, i) => (group.lr = this.baseLrs[i]!));
    for (const scheduler of this.schedulers) scheduler.lastEpoch -= 1;
    driven(this.schedulers[0]!).initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  /** Also holds every wrapped scheduler's state, under `schedulers`. */
  override stateDict(): SchedulerState {
    return { ...super.stateDict(), schedulers: this.schedulers.map((scheduler) => scheduler.stateDict()) };
  }

  /** Restores this scheduler's and every wrapped scheduler's state. */
  override loadStateDict(state: SchedulerState): void {
    super.loadStateDict(state);
    const states = state.schedulers;
    if (!Array.isArray(states) || states.length !== this.schedulers.length) {
      throw new TypeError(`SequentialLR: state.schedulers must hold ${this.schedulers.length} scheduler states`);
    }
    this.schedulers.forEach((scheduler, i) => scheduler.loadStateDict(states[i] as SchedulerState));
  }

  /** Steps the scheduler whose interval holds `lastEpoch`, restarting it at a milestone. */
  protected override computeLrs(): number[] {
    const { milestones } = this.settings;
    const index = bisectRight(milestones, this.lastEpoch);
    const scheduler = this.schedulers[index]!;
    if (index > 0 && milestones[index - 1] === this.lastEpoch) driven(scheduler).stepToEpoch(0);
    else scheduler.step();
    return scheduler.getLastLr();
  }
}

// ---- ReduceLROnPlateau ---------------------------------------------------------------------------

/** Options of ReduceLROnPlateau. */
export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing (default 'min'). */
  mode?: 'min' | 'max';
  /** new lr = lr * factor, in [0, 1) (default 0.1). */
  factor?: number;
  /** Steps without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Least change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel': relative to the best value; 'abs': absolute (default 'rel'). */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

interface PlateauSettings {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
}

function plateauSettings(optimizer: OptimizerLike, options: ReduceLROnPlateauOptions): PlateauSettings {
  const where = 'ReduceLROnPlateau';
  checkOptimizer(where, optimizer);
  return {
    mode: checkChoice(where, 'mode', options.mode ?? 'min', ['min', 'max'] as const),
    factor: checkNumber(where, 'factor', options.factor ?? 0.1, 'a number in [0, 1)', (v) => v >= 0 && v < 1),
    patience: checkNumber(where, 'patience', options.patience ?? 10, 'a non-negative integer', isNonNegativeInteger),
    threshold: checkNumber(where, 'threshold', options.threshold ?? 1e-4, 'a non-negative number', isNonNegative),
    thresholdMode: checkChoice(where, 'thresholdMode', options.thresholdMode ?? 'rel', ['rel', 'abs'] as const),
    cooldown: checkNumber(where, 'cooldown', options.cooldown ?? 0, 'a non-negative integer', isNonNegativeInteger),
    minLrs: perGroup(where, 'minLr', options.minLr ?? 0, optimizer.paramGroups.length, 'a non-negative number', isNonNegative),
    eps: checkNumber(where, 'eps', options.eps ?? 1e-8, 'a non-negative number', isNonNegative),
  };
}

function isBetter(value: number, best: number, { mode, threshold, thresholdMode }: PlateauSettings): boolean {
  if (mode === 'min') return thresholdMode === 'rel' ? value < best * (1 - threshold) : value < best - threshold;
  return thresholdMode === 'rel' ? value > best * (threshold + 1) : value > best + threshold;
}

// JSON has no Infinity, and the best value starts at +-Infinity.
const encodeNumber = (value: number): number | string => (Number.isFinite(value) ? value : String(value));
const decodeNumber = (value: unknown): unknown => (typeof value === 'string' ? Number(value) : value);

/**
 * Reduces the lr by `factor` once a metric has not improved for `patience` steps. Unlike the other
 * schedulers it is stepped with the metric, `step(loss)`, and leaves the lr alone at construction.
 */
export class ReduceLROnPlateau {
  /** The optimizer whose param groups this scheduler sets. */
  readonly optimizer: OptimizerLike;
  /** Steps taken. */
  lastEpoch = 0;
  /** Best metric so far (+Infinity in 'min' mode, -Infinity in 'max' mode before the first step). */
  best: number;
  /** Consecutive steps without improvement. */
  numBadEpochs = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  private settings: PlateauSettings;
  private lastLr: number[];

  /** Wraps `optimizer`; nothing changes until the first `step(metric)`. */
  constructor(optimizer: OptimizerLike, options: ReduceLROnPlateauOptions = {}) {
    this.settings = plateauSettings(optimizer, options);
    this.optimizer = optimizer;
    this.best = this.settings.mode === 'min' ? Infinity : -Infinity;
    this.lastLr = this.currentLrs();
  }

  /** Whether a recent reduction still suspends counting bad steps. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one metric value (e.g. a validation loss) and reduces the lr if it has plateaued. */
  step(metric: MetricLike): void {
    const current = typeof metric === 'number' ? metric : metric?.item?.();
    if (typeof current !== 'number') {
      throw new TypeError(`ReduceLROnPlateau: metric must be a number or a one-element tensor, got ${describe(metric)}`);
    }
    this.lastEpoch += 1;
    if (isBetter(current, this.best, this.settings)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.settings.patience) {
      this.reduceLrs();
      this.cooldownCounter = this.settings.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.currentLrs();
  }

  /** The lrs after the last step (the groups' lrs before any step), one per param group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state (hyperparameters included) as a plain JSON-able object. */
  stateDict(): SchedulerState {
    const { lastEpoch, numBadEpochs, cooldownCounter, lastLr } = this;
    return structuredClone({ ...this.settings, best: encodeNumber(this.best), lastEpoch, numBadEpochs, cooldownCounter, lastLr });
  }

  /** Restores a state from `stateDict()`; the optimizer's param groups are not touched. */
  loadStateDict(state: SchedulerState): void {
    const where = 'ReduceLROnPlateau';
    this.settings = mergeSettings(this.settings, state);
    this.best = stateNumber(where, { best: decodeNumber(state.best) }, 'best');
    this.lastEpoch = stateNumber(where, state, 'lastEpoch');
    this.numBadEpochs = stateNumber(where, state, 'numBadEpochs');
    this.cooldownCounter = stateNumber(where, state, 'cooldownCounter');
    this.lastLr = stateNumbers(where, state, 'lastLr');
  }

  private reduceLrs(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.settings.factor, this.settings.minLrs[i]!);
      if (oldLr - newLr > this.settings.eps) group.lr = newLr;
    });
  }

  private currentLrs(): number[] {
    return this.optimizer.paramGroups.map((group) => group.lr);
  }
}

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
