/**
 * LearningRateMonitor (Lightning's): logs every param group's learning rate as `lr-<Optimizer>`
 * (with `/pg<N>` for several groups) per epoch, or per step with `loggingInterval: 'step'`.
 * @module
 */
import { invalidOption } from '../../util/validate.js';
import type { LightningModule } from '../lightning-module.js';
import type { Trainer } from '../trainer.js';
import { Callback } from './callback.js';

/** Options of LearningRateMonitor. */
export interface LearningRateMonitorOptions {
  /** 'epoch' (default) or 'step'. */
  loggingInterval?: 'epoch' | 'step';
}

/** Logs learning rates. */
export class LearningRateMonitor extends Callback {
  private readonly interval: 'epoch' | 'step';

  /** A monitor logging per `loggingInterval`. */
  constructor(options: LearningRateMonitorOptions = {}) {
    super();
    const interval = options.loggingInterval ?? 'epoch';
    if (interval !== 'epoch' && interval !== 'step')
      throw invalidOption('LearningRateMonitor', 'loggingInterval', "'epoch' or 'step'", interval);
    this.interval = interval;
  }

  /** The learning rates now, by key. */
  rates(trainer: Trainer): Record<string, number> {
    const rates: Record<string, number> = {};
    for (const optimizer of trainer.optimizers) {
      const base = `lr-${optimizer.constructor.name}`;
      const groups = optimizer.paramGroups;
      groups.forEach((group, i) => {
        rates[groups.length > 1 ? `${base}/pg${i + 1}` : base] = Number(group.lr);
      });
    }
    return rates;
  }

  /** Per-epoch logging. */
  async onTrainEpochStart(trainer: Trainer, _module: LightningModule): Promise<void> {
    if (this.interval === 'epoch') await this.send(trainer);
  }

  /** Per-step logging. */
  async onTrainBatchStart(trainer: Trainer, _module: LightningModule): Promise<void> {
    if (this.interval === 'step') await this.send(trainer);
  }

  private async send(trainer: Trainer): Promise<void> {
    const rates = this.rates(trainer);
    for (const [key, value] of Object.entries(rates)) trainer.callbackMetrics.set(key, value);
    for (const logger of trainer.loggers) await logger.logMetrics(rates, trainer.globalStep);
  }
}
