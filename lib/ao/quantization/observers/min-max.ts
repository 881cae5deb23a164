/**
 * Per-tensor range observers: MinMaxObserver (the running minimum and maximum) and
 * MovingAverageMinMaxObserver (their exponential moving average, for quantization-aware training),
 * as PyTorch's.
 * @module
 */
import { noGrad } from '../../../tensor/autograd.js';
import type { Tensor } from '../../../tensor/tensor.js';
import type { Qparams, QScheme, UniformObserverOptions } from './base.js';
import { PerTensorRangeObserver, perTensorScheme } from './per-tensor.js';

/** Options of {@link MinMaxObserver}, as PyTorch's. */
export interface MinMaxObserverOptions extends UniformObserverOptions {
  /** 'per_tensor_affine' (default) or 'per_tensor_symmetric'. */
  qscheme?: QScheme;
}

/** Options of {@link MovingAverageMinMaxObserver}, as PyTorch's. */
export interface MovingAverageMinMaxObserverOptions extends MinMaxObserverOptions {
  /** The weight of each new batch's minimum and maximum (default 0.01). */
  averagingConstant?: number;
}

/** Throws unless `qscheme` is a per-tensor one that `dtype` and `reduceRange` allow. */
function minMaxScheme(name: string, options: MinMaxObserverOptions): QScheme {
  const qscheme = perTensorScheme(name, options);
  if (qscheme === 'per_tensor_symmetric' && options.reduceRange && (options.dtype ?? 'quint8') === 'quint8')
    throw new RangeError(`${name}: cannot reduce range for symmetric quantization for quint8`);
  return qscheme;
}

/**
 * PyTorch's MinMaxObserver: records the running minimum and maximum of what it sees (buffers
 * `min_val` and `max_val`) and computes `calculateQparams()` from them. Defaults: quint8, per-tensor
 * affine, PyTorch's.
 */
export class MinMaxObserver extends PerTensorRangeObserver {
  /** An observer for `options.dtype` (quint8) and `options.qscheme` (per-tensor affine). */
  constructor(options: MinMaxObserverOptions = {}) {
    super(options, minMaxScheme(new.target.name, options));
    this.registerRange();
  }

  /** Records the range of `x` (detached, in float32) and returns `x` unchanged; an empty `x` changes nothing. */
  forward(x: Tensor): Tensor {
    if (x.numel() === 0) return x;
    noGrad(() => {
      const { min, max } = x.detach().to('float32').aminmax();
      this.update(min, max);
    });
    return x;
  }

  /** Folds one batch's minimum and maximum into the recorded ones. */
  protected update(min: Tensor, max: Tensor): void {
    this.minVal.copy_(min.minimum(this.minVal));
    this.maxVal.copy_(max.maximum(this.maxVal));
  }

  /** `{ scale, zeroPoint }` (one element each) from the recorded range, as PyTorch computes them. */
  calculateQparams(): Qparams {
    return this.qparamsOf(this.minVal, this.maxVal);
  }

  /** Forgets the recorded range. */
  resetMinMaxVals(): void {
    noGrad(() => {
      this.minVal.fill_(Infinity);
      this.maxVal.fill_(-Infinity);
    });
  }
}

/**
 * PyTorch's MovingAverageMinMaxObserver: the first batch sets the range, each later one moves it by
 * `averagingConstant` toward that batch's minimum and maximum.
 */
export class MovingAverageMinMaxObserver extends MinMaxObserver {
  /** The weight of each new batch. */
  readonly averagingConstant: number;

  /** An observer as MinMaxObserver's, with `averagingConstant` (0.01). */
  constructor(options: MovingAverageMinMaxObserverOptions = {}) {
    super(options);
    this.averagingConstant = options.averagingConstant ?? 0.01;
    if (!(this.averagingConstant > 0 && this.averagingConstant <= 1))
      throw new RangeError(`MovingAverageMinMaxObserver: averagingConstant must be in (0, 1], got ${this.averagingConstant}`);
  }

  protected override update(min: Tensor, max: Tensor): void {
    if (this.min === Infinity && this.max === -Infinity) {
      this.minVal.copy_(min);
      this.maxVal.copy_(max);
      return;
    }
    const c = this.averagingConstant;
    this.minVal.copy_(this.minVal.add(min.sub(this.minVal).mul(c)));
    this.maxVal.copy_(this.maxVal.add(max.sub(this.maxVal).mul(c)));
  }
}
