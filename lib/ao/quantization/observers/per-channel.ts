/**
 * Per-channel range observers (PyTorch's PerChannelMinMaxObserver and
 * MovingAveragePerChannelMinMaxObserver): one minimum and maximum per slice along `chAxis`, for
 * weights quantized per output channel.
 * @module
 */
import { noGrad } from '../../../tensor/autograd.js';
import { tensor } from '../../../tensor/creation.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { UniformQuantizationObserverBase, type Qparams, type QScheme, type UniformObserverOptions } from './base.js';

/** Options of {@link PerChannelMinMaxObserver}, as PyTorch's. */
export interface PerChannelMinMaxObserverOptions extends UniformObserverOptions {
  /** The channel dimension (default 0, a weight's output channels). */
  chAxis?: number;
  /** 'per_channel_affine' (default) or 'per_channel_symmetric'. */
  qscheme?: QScheme;
}

/** Options of {@link MovingAveragePerChannelMinMaxObserver}. */
export interface MovingAveragePerChannelMinMaxObserverOptions extends PerChannelMinMaxObserverOptions {
  /** The weight of each new batch's minima and maxima (default 0.01). */
  averagingConstant?: number;
}

/** PyTorch's PerChannelMinMaxObserver: the running minimum and maximum of each channel along `chAxis`. */
export class PerChannelMinMaxObserver extends UniformQuantizationObserverBase {
  /** The channel dimension. */
  readonly chAxis: number;
  /** The smallest value of each channel (empty before any). */
  /** @internal The `min_val` buffer (fused fake-quantize updates it in place). */
  minVal: Tensor;
  /** The largest value of each channel. */
  /** @internal The `max_val` buffer. */
  maxVal: Tensor;

  /** An observer for `options.dtype` (quint8), `options.qscheme` (per-channel affine) along `options.chAxis` (0). */
  constructor(options: PerChannelMinMaxObserverOptions = {}) {
    const qscheme = options.qscheme ?? 'per_channel_affine';
    if (qscheme !== 'per_channel_affine' && qscheme !== 'per_channel_symmetric')
      throw new TypeError(`${new.target.name}: qscheme must be 'per_channel_affine' or 'per_channel_symmetric', got '${String(qscheme)}'`);
    if (qscheme === 'per_channel_symmetric' && options.reduceRange && (options.dtype ?? 'quint8') === 'quint8')
      throw new RangeError(`${new.target.name}: cannot reduce range for symmetric quantization for quint8`);
    super(options, qscheme);
    this.chAxis = options.chAxis ?? 0;
    if (!Number.isInteger(this.chAxis)) throw new TypeError(`${new.target.name}: chAxis must be an integer, got ${this.chAxis}`);
    this.minVal = this.registerBuffer('min_val', tensor([], { dtype: 'float32' }));
    this.maxVal = this.registerBuffer('max_val', tensor([], { dtype: 'float32' }));
  }

  /** Whether any value was seen. */
  get hasObserved(): boolean {
    return this.minVal.numel() > 0;
  }

  /** Records each channel's range of `x` and returns `x` unchanged; an empty `x` changes nothing. */
  forward(x: Tensor): Tensor {
    if (x.numel() === 0) return x;
    const axis = this.chAxis < 0 ? this.chAxis + x.dim() : this.chAxis;
    if (axis < 0 || axis >= x.dim())
      throw new RangeError(`${this.constructor.name}: chAxis ${this.chAxis} is out of range for a ${x.dim()}-dim input`);
    noGrad(() => {
      const order = [...Array(x.dim()).keys()];
      [order[0], order[axis]] = [axis, 0];
      const rows = x.detach().permute(order).to('float32').flatten(1);
      const { min, max } = rows.aminmax({ dim: 1 });
      if (this.minVal.numel() !== 0 && this.minVal.numel() !== min.numel())
        throw new RangeError(`${this.constructor.name}: saw ${min.numel()} channels after ${this.minVal.numel()}`);
      const [newMin, newMax] = this.minVal.numel() === 0 ? [min, max] : this.merged(min, max);
      this.minVal = this.replaceBuffer('min_val', newMin.clone());
      this.maxVal = this.replaceBuffer('max_val', newMax.clone());
    });
    return x;
  }

  /** One batch's per-channel minima and maxima folded into the recorded ones. */
  protected merged(min: Tensor, max: Tensor): [Tensor, Tensor] {
    return [min.minimum(this.minVal), max.maximum(this.maxVal)];
  }

  /** `{ scale, zeroPoint }` with one element per channel. */
  calculateQparams(): Qparams {
    return this.qparamsOf(this.minVal, this.maxVal);
  }

  /** Forgets the recorded ranges. */
  resetMinMaxVals(): void {
    this.minVal = this.replaceBuffer('min_val', tensor([], { dtype: 'float32' }));
    this.maxVal = this.replaceBuffer('max_val', tensor([], { dtype: 'float32' }));
  }

  override extraRepr(): string {
    return `ch_axis=${this.chAxis}, channels=${this.minVal.numel()}`;
  }
}

/** PyTorch's MovingAveragePerChannelMinMaxObserver: per-channel ranges moved by `averagingConstant` each batch. */
export class MovingAveragePerChannelMinMaxObserver extends PerChannelMinMaxObserver {
  /** The weight of each new batch. */
  readonly averagingConstant: number;

  /** An observer as PerChannelMinMaxObserver's, with `averagingConstant` (0.01). */
  constructor(options: MovingAveragePerChannelMinMaxObserverOptions = {}) {
    super(options);
    this.averagingConstant = options.averagingConstant ?? 0.01;
    if (!(this.averagingConstant > 0 && this.averagingConstant <= 1))
      throw new RangeError(`MovingAveragePerChannelMinMaxObserver: averagingConstant must be in (0, 1], got ${this.averagingConstant}`);
  }

  protected override merged(min: Tensor, max: Tensor): [Tensor, Tensor] {
    const c = this.averagingConstant;
    return [this.minVal.add(min.sub(this.minVal).mul(c)), this.maxVal.add(max.sub(this.maxVal).mul(c))];
  }
}
