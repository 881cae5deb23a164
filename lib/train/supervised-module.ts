/**
 * torch.train.SupervisedModule: the common case without writing a class: a model, a loss, an
 * optimizer factory, optionally a scheduler factory and torch.metrics objects. Batches are
 * `[input, target]`; it logs `train/loss` (per step and epoch), `val/loss`, `test/loss` and
 * `val/<metric>` / `test/<metric>` per epoch.
 * @module
 */
import type { Metric } from '../metrics/metric.js';
import { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { describeValue } from '../util/validate.js';
import { LightningModule, type OptimizerConfig, type SchedulerConfig } from './lightning-module.js';

/** A loss: a loss module (`new nn.CrossEntropyLoss()`) or a function of (output, target). */
export type LossFunction = Module | ((output: Tensor, target: Tensor) => Tensor);

/** Options of SupervisedModule. */
export interface SupervisedOptions {
  /** The loss. */
  loss: LossFunction;
  /** Makes the optimizer from the model's parameters: `(params) => new torch.optim.SGD(params, { lr: 0.1 })`. */
  optimizer: (params: Tensor[]) => Optimizer;
  /** Makes the LR scheduler (or its config) from the optimizer. */
  lrScheduler?: (optimizer: Optimizer) => SchedulerConfig | SchedulerConfig['scheduler'];
  /** torch.metrics objects updated in validation and test and logged per epoch by name. */
  metrics?: Record<string, Metric>;
}

/** A LightningModule around a model that maps inputs to outputs compared with targets by a loss. */
export class SupervisedModule extends LightningModule {
  /** The model being trained. */
  readonly model: Module;
  private readonly lossFn: (output: Tensor, target: Tensor) => Tensor;
  private readonly settings: SupervisedOptions;

  /** Wraps `model` (registered as the child `model`, so state dict keys read `model.<name>`). */
  constructor(model: Module, options: SupervisedOptions) {
    super();
    if (!(model instanceof Module)) throw new TypeError(`SupervisedModule: model must be a torch.nn.Module, got ${describeValue(model)}`);
    if (typeof options !== 'object' || options === null) throw new TypeError('SupervisedModule: options { loss, optimizer } are required');
    const { loss, optimizer } = options;
    if (loss instanceof Module) this.lossFn = (output, target) => loss.forward(output, target) as Tensor;
    else if (typeof loss === 'function') this.lossFn = loss;
    else
      throw new TypeError(
        `SupervisedModule: loss must be a loss module or a function (output, target) => Tensor, got ${describeValue(loss)}`,
      );
    if (typeof optimizer !== 'function')
      throw new TypeError(
        `SupervisedModule: optimizer must be a function from the parameters to an optimizer, got ${describeValue(optimizer)}`,
      );
    this.model = this.registerModule('model', model);
    this.settings = options;
  }

  /** The model's forward. */
  override forward(input: Tensor): Tensor {
    return this.model.forward(input) as Tensor;
  }

  /** Forward, loss, and `train/loss` logged per step and per epoch. */
  trainingStep(batch: unknown): Tensor {
    const [input, target] = pairOf(batch, 'trainingStep');
    const loss = this.lossFn(this.forward(input), target);
    this.logTrainLoss(loss);
    return loss;
  }

  /** @internal Logs `train/loss` (the native epoch loop reports its losses through here too). */
  logTrainLoss(loss: Tensor | number): void {
    this.log('train/loss', loss, { onStep: true, onEpoch: true, progBar: true });
  }

  /** `val/loss` and the metrics, per epoch. */
  override validationStep(batch: unknown): void {
    this.evaluateStep(batch, 'val');
  }

  /** `test/loss` and the metrics, per epoch. */
  override testStep(batch: unknown): void {
    this.evaluateStep(batch, 'test');
  }

  /** The model's output for a batch's input. */
  override predictStep(batch: unknown): Tensor {
    return this.forward(batch instanceof Tensor ? batch : pairOf(batch, 'predictStep')[0]);
  }

  /** @internal The loss as given (the native epoch loop runs built-in loss modules itself). */
  get lossFunction(): LossFunction {
    return this.settings.loss;
  }

  /** The optimizer (and scheduler) from the factories. */
  configureOptimizers(): OptimizerConfig {
    const optimizer = this.settings.optimizer([...this.model.parameters()]);
    const lrScheduler = this.settings.lrScheduler?.(optimizer);
    return lrScheduler ? { optimizer, lrScheduler } : optimizer;
  }

  private evaluateStep(batch: unknown, prefix: 'val' | 'test'): void {
    const [input, target] = pairOf(batch, prefix === 'val' ? 'validationStep' : 'testStep');
    const output = this.forward(input);
    this.log(`${prefix}/loss`, this.lossFn(output, target), { progBar: prefix === 'val' });
    for (const [name, metric] of Object.entries(this.settings.metrics ?? {})) {
      metric.update(output, target);
      this.log(`${prefix}/${name}`, metric, { progBar: prefix === 'val' });
    }
  }
}

function pairOf(batch: unknown, where: string): [Tensor, Tensor] {
  if (Array.isArray(batch) && batch.length >= 2 && batch[0] instanceof Tensor && batch[1] instanceof Tensor) return [batch[0], batch[1]];
  throw new TypeError(`SupervisedModule.${where}: expected a batch [input, target] of tensors, got ${describeValue(batch)}`);
}
