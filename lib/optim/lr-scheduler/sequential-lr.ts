/** SequentialLR. */
import { describeValue } from '../../util/validate.js';
import { bisectRight, isPositiveInteger, requireOptions } from './checks.js';
import type { OptimizerLike, SchedulerState } from './types.js';
import { LRScheduler, type SchedulerOptions } from './base.js';

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
    throw new TypeError(`SequentialLR: schedulers must be a non-empty array of schedulers, got ${describeValue(schedulers)}`);
  }
  schedulers.forEach((scheduler, i) => {
    if (!(scheduler instanceof LRScheduler)) {
      throw new TypeError(`SequentialLR: schedulers[${i}] must be an LRScheduler, got ${describeValue(scheduler)}`);
    }
    // PyTorch restarts a nested SequentialLR from the wrong lr (e.g. a warmup overshoots); refuse it rather than copy that.
    if (scheduler instanceof SequentialLR) throw new TypeError(`SequentialLR: schedulers[${i}] must not itself be a SequentialLR`);
    if (scheduler.optimizer !== optimizer) throw new TypeError(`SequentialLR: schedulers[${i}] belongs to a different optimizer`);
  });
  const increasing = Array.isArray(milestones) && milestones.every((m, i) => isPositiveInteger(m) && (i === 0 || m > milestones[i - 1]!));
  if (!increasing) throw new TypeError(`SequentialLR: milestones must be increasing positive integers, got ${describeValue(milestones)}`);
  if (milestones.length !== schedulers.length - 1) {
    throw new RangeError(
      `SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`,
    );
  }
  return { milestones: [...(milestones as number[])] };
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
