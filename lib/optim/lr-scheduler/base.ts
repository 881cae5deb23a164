/** The base of the epoch-indexed schedulers. */
import { describeValue } from '../../util/validate.js';
import { checkNumber, checkOptimizer, mergeSettings, stateNumber, stateNumbers } from './checks.js';
import type { OptimizerLike, SchedulerState } from './types.js';

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
  /**
   * @internal Hyperparameters; stateDict() saves and loadStateDict() restores them, like PyTorch's attributes
   * (hidden from the docs: each scheduler's settings type is private to it).
   */
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
      throw new TypeError(`${where}: paramGroups[${i}].initialLr must be a number${resuming}, got ${describeValue(group.initialLr)}`);
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
