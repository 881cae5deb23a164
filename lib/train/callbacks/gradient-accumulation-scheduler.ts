/**
 * GradientAccumulationScheduler (Lightning's): changes how many batches make one optimizer step
 * as epochs go by, e.g. `{ scheduling: { 0: 8, 4: 4, 8: 1 } }` (from epoch 4 on, 4 batches a step).
 * @module
 */
import type { LightningModule } from '../lightning-module.js';
import type { Trainer } from '../trainer.js';
import { Callback } from './callback.js';

/** Options of GradientAccumulationScheduler. */
export interface GradientAccumulationSchedulerOptions {
  /** Epoch (from 0) -> batches per optimizer step from that epoch on. */
  scheduling: Record<number, number>;
}

/** Schedules gradient accumulation by epoch. */
export class GradientAccumulationScheduler extends Callback {
  private readonly scheduling: [number, number][];

  /** A scheduler of `options.scheduling` (epochs and factors are checked now). */
  constructor(options: GradientAccumulationSchedulerOptions) {
    super();
    const entries = Object.entries(options?.scheduling ?? {}).map(([epoch, factor]) => [Number(epoch), factor] as [number, number]);
    if (entries.length === 0)
      throw new TypeError('GradientAccumulationScheduler: scheduling must map epochs to factors, e.g. { 0: 4, 5: 1 }');
    for (const [epoch, factor] of entries) {
      if (!Number.isInteger(epoch) || epoch < 0)
        throw new RangeError(`GradientAccumulationScheduler: epoch keys must be non-negative integers, got ${epoch}`);
      if (!Number.isInteger(factor) || factor < 1)
        throw new RangeError(`GradientAccumulationScheduler: epoch ${epoch}: the factor must be a positive integer, got ${factor}`);
    }
    this.scheduling = entries.sort((a, b) => a[0] - b[0]);
  }

  /** The factor for `epoch`. */
  factorAt(epoch: number): number {
    let factor = 1;
    for (const [from, value] of this.scheduling) if (epoch >= from) factor = value;
    return factor;
  }

  /** Sets the trainer's accumulation for the epoch that starts. */
  onTrainEpochStart(trainer: Trainer, _module: LightningModule): void {
    trainer.accumulateGradBatches = this.factorAt(trainer.currentEpoch);
  }
}
