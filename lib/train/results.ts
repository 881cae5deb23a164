/**
 * What modules and callbacks log: step values for the loggers, epoch values (the batch-size
 * weighted mean by default, as Lightning reduces them), and torch.metrics objects computed at the
 * end of the epoch. Keys follow Lightning: a value logged both per step and per epoch appears as
 * `name_step` and `name_epoch` (and `name`, the epoch value, among the callback metrics).
 * @module
 */
import { Metric } from '../metrics/metric.js';
import { Tensor } from '../tensor/tensor.js';
import { describeValue, invalidOption } from '../util/validate.js';
import { LOG_RULES } from './hooks.js';

/** Options of `LightningModule.log`. */
export interface LogOptions {
  /** Log this step's value (default: true in training steps, false elsewhere). */
  onStep?: boolean;
  /** Accumulate over the epoch and log the reduced value at its end (default: false in training steps, true elsewhere). */
  onEpoch?: boolean;
  /** Show it in the progress bar. */
  progBar?: boolean;
  /** Send it to the loggers (default true). */
  logger?: boolean;
  /** How the epoch value is reduced: 'mean' (weighted by batch size), 'sum', 'max' or 'min'. */
  reduce?: 'mean' | 'sum' | 'max' | 'min';
  /** The batch's size, for the weighted mean (default: the first dimension of the batch's first tensor). */
  batchSize?: number;
}

/** A value that can be logged: a number, a one-element tensor, or a torch.metrics object. */
export type Loggable = number | Tensor | Metric;

interface Accumulator {
  reduce: NonNullable<LogOptions['reduce']>;
  total: number;
  weight: number;
  value: number;
  metric: Metric | null;
  progBar: boolean;
  logger: boolean;
  key: string;
}

const REDUCES = new Set(['mean', 'sum', 'max', 'min']);

/** The values logged during one loop (fit's training, validation, test). */
export class ResultCollection {
  /** Step values logged since the loggers last took them. */
  readonly stepValues = new Map<string, number>();
  /** Every value known to callbacks (ModelCheckpoint and EarlyStopping monitor these). */
  readonly callbackMetrics = new Map<string, number>();
  /** What the progress bar shows. */
  readonly progressBarMetrics = new Map<string, number>();
  private readonly epoch = new Map<string, Accumulator>();

  /** Records `value` under `name`, logged from `hook` (checked against the log table). */
  log(hook: string, name: string, value: Loggable, options: LogOptions, batchSize: number | undefined): void {
    const rule = LOG_RULES[hook];
    if (!rule) throw new Error(`log('${name}'): logging is not allowed in ${hook}`);
    if (typeof name !== 'string' || name === '') throw invalidOption('log', 'name', 'a non-empty string', name);
    const onStep = options.onStep ?? rule.onStep;
    const onEpoch = options.onEpoch ?? rule.onEpoch;
    if (onStep && !rule.stepAllowed) throw new Error(`log('${name}', { onStep: true }): ${hook} has no step to log per`);
    const reduce = options.reduce ?? 'mean';
    if (!REDUCES.has(reduce)) throw invalidOption(`log('${name}')`, 'reduce', "'mean', 'sum', 'max' or 'min'", reduce);
    const progBar = options.progBar ?? false;
    const toLogger = options.logger ?? true;
    const both = onStep && onEpoch;
    if (value instanceof Metric) {
      if (onStep) throw new Error(`log('${name}'): a Metric object is logged per epoch (onStep: false); log its forward() value per step`);
      this.accumulator(name, both, reduce, progBar, toLogger).metric = value;
      return;
    }
    const number = scalarOf(name, value);
    if (onStep) {
      const key = both ? `${name}_step` : name;
      if (toLogger) this.stepValues.set(key, number);
      this.callbackMetrics.set(key, number);
      if (progBar) this.progressBarMetrics.set(key, number);
    }
    if (onEpoch) {
      const weight = options.batchSize ?? batchSize ?? 1;
      const acc = this.accumulator(name, both, reduce, progBar, toLogger);
      if (reduce === 'mean') {
        acc.total += number * weight;
        acc.weight += weight;
      } else if (reduce === 'sum') acc.total += number;
      else acc.value = acc.weight === 0 ? number : reduce === 'max' ? Math.max(acc.value, number) : Math.min(acc.value, number);
      if (reduce !== 'mean') acc.weight += 1;
    }
  }

  private accumulator(name: string, both: boolean, reduce: Accumulator['reduce'], progBar: boolean, logger: boolean): Accumulator {
    let acc = this.epoch.get(name);
    if (!acc) {
      acc = { reduce, total: 0, weight: 0, value: 0, metric: null, progBar, logger, key: both ? `${name}_epoch` : name };
      this.epoch.set(name, acc);
    }
    return acc;
  }

  /** Reduces the epoch's values; returns those for the loggers and makes all known to callbacks. */
  endEpoch(): Map<string, number> {
    const logged = new Map<string, number>();
    for (const [name, acc] of this.epoch) {
      let value: number;
      if (acc.metric) {
        value = scalarOf(name, acc.metric.compute());
        acc.metric.reset();
      } else if (acc.weight === 0) continue;
      else value = acc.reduce === 'mean' ? acc.total / acc.weight : acc.reduce === 'sum' ? acc.total : acc.value;
      this.callbackMetrics.set(acc.key, value);
      if (acc.key !== name) this.callbackMetrics.set(name, value);
      if (acc.progBar) this.progressBarMetrics.set(acc.key, value);
      if (acc.logger) logged.set(acc.key, value);
    }
    this.epoch.clear();
    return logged;
  }

  /** The epoch accumulators of plain values, for a mid-epoch checkpoint (metric objects are not saved). */
  state(): Record<string, unknown> {
    const saved: Record<string, unknown> = {};
    for (const [name, acc] of this.epoch) {
      if (acc.metric) continue;
      saved[name] = {
        reduce: acc.reduce,
        total: acc.total,
        weight: acc.weight,
        value: acc.value,
        progBar: acc.progBar,
        logger: acc.logger,
        key: acc.key,
      };
    }
    return saved;
  }

  /** Restores {@link state}. */
  loadState(saved: unknown): void {
    if (typeof saved !== 'object' || saved === null) return;
    for (const [name, acc] of Object.entries(saved as Record<string, Omit<Accumulator, 'metric'>>))
      this.epoch.set(name, { ...acc, metric: null });
  }

  /** Takes the step values logged since the last call (for the loggers). */
  takeStepValues(): Map<string, number> {
    const taken = new Map(this.stepValues);
    this.stepValues.clear();
    return taken;
  }
}

function scalarOf(name: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof Tensor) {
    if (value.shape.reduce((n, d) => n * d, 1) !== 1)
      throw new TypeError(`log('${name}'): expected a number or a one-element tensor, got a tensor of shape [${value.shape}]`);
    return value.item();
  }
  throw new TypeError(`log('${name}'): expected a number, a one-element tensor or a torch.metrics object, got ${describeValue(value)}`);
}
