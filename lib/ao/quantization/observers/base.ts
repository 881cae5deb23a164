/**
 * The observers' common base (PyTorch's ObserverBase and UniformQuantizationObserverBase,
 * torch/ao/quantization/observer.py): quantization ranges per dtype, and the one formula that
 * turns a recorded range into a scale and zero point, in float32 tensor arithmetic as PyTorch's,
 * so the parameters are bit-identical to PyTorch's for the same data.
 * @module
 */
import { Module } from '../../../nn/module.js';
import { noGrad } from '../../../tensor/autograd.js';
import { zerosLike } from '../../../ops/functions.generated.js';
import { full, tensor } from '../../../tensor/creation.js';
import type { Tensor } from '../../../tensor/tensor.js';

/** The quantized dtypes observers compute parameters for. */
export type QuantizedDType = 'qint8' | 'quint8' | 'qint32';
/** How values map to integers: per tensor or per channel; symmetric around 0 or affine (with a zero point). */
export type QScheme = 'per_tensor_affine' | 'per_tensor_symmetric' | 'per_channel_affine' | 'per_channel_symmetric';

/** Scale (float32) and zero point (integer) tensors, one element per tensor or one per channel. */
export interface Qparams {
  /** The scales, float32. */
  scale: Tensor;
  /** The zero points (int32 for affine schemes, int64 for symmetric ones, as PyTorch's). */
  zeroPoint: Tensor;
}

/** Options every uniform observer takes, as PyTorch's (camelCase). */
export interface UniformObserverOptions {
  /** The quantized dtype (default 'quint8', PyTorch's default for activations). */
  dtype?: QuantizedDType;
  /** Use one bit less of range (for engines whose kernels would overflow otherwise). */
  reduceRange?: boolean;
  /** The smallest integer (with quantMax: a custom range, which must include 0). */
  quantMin?: number;
  /** The largest integer. */
  quantMax?: number;
  /** The smallest scale (default float32's epsilon). */
  eps?: number;
}

/** What a QConfig's factories make: an observer, or a fake-quantize module holding one. */
export interface ObserverLike extends Module {
  /** The quantized dtype the parameters are for. */
  readonly dtype: QuantizedDType;
  /** The scheme (per tensor or per channel, affine or symmetric). */
  readonly qscheme: QScheme;
  /** The scale and zero point for what was observed. */
  calculateQparams(): Qparams;
  /** Whether any value was observed. */
  readonly hasObserved: boolean;
}

/** A function making a fresh observer (or fake-quantize module): what a QConfig holds, as PyTorch's `with_args` partials. */
export type ObserverFactory<T extends Module = Module> = (() => T) & { readonly observerName?: string };

const FLOAT32_EPS = 1.1920928955078125e-7;

/** PyTorch's calculate_qmin_qmax: the integer range of `dtype`, halved by `reduceRange`, or the custom one. */
export function quantRange(dtype: QuantizedDType, reduceRange: boolean, custom?: [number, number]): [number, number] {
  if (custom) {
    const [min, max] = custom;
    if (!(min <= 0 && 0 <= max)) throw new RangeError(`observer: the quantization range [${min}, ${max}] must include 0`);
    if (!(min < max)) throw new RangeError(`observer: quantMin (${min}) must be below quantMax (${max})`);
    const width = max - min + 1;
    if (dtype !== 'qint32' && width > 256) throw new RangeError(`observer: the quantization range [${min}, ${max}] does not fit 8 bits`);
    return reduceRange ? [Math.floor(min / 2), Math.floor(max / 2)] : [min, max];
  }
  if (dtype === 'qint8') return reduceRange ? [-64, 63] : [-128, 127];
  if (dtype === 'quint8') return reduceRange ? [0, 127] : [0, 255];
  return [-(2 ** 31), 2 ** 31 - 1];
}

/** Base of observers: a module that watches the values passing through `forward` and computes quantization parameters. */
export abstract class ObserverBase extends Module {
  /** The quantized dtype the parameters are for. */
  abstract readonly dtype: QuantizedDType;
  /** Records what `x` holds and returns `x` unchanged. */
  abstract override forward(x: Tensor): Tensor;
  /** The scale and zero point for what was observed. */
  abstract calculateQparams(): Qparams;
  /** Whether the observer has seen any values (convert refuses an uncalibrated layer). */
  abstract get hasObserved(): boolean;

  /**
   * A factory making this observer with `options`, as PyTorch's `Observer.with_args(...)`: what
   * a QConfig holds, so every layer gets an observer of its own.
   */
  static withArgs<T extends ObserverBase, O>(this: new (options?: O) => T, options?: O): ObserverFactory<T> {
    const make = () => new this(options);
    return Object.assign(make, { observerName: this.name });
  }
}

/** Base of observers mapping a range uniformly onto the integers (PyTorch's UniformQuantizationObserverBase). */
export abstract class UniformQuantizationObserverBase extends ObserverBase {
  readonly dtype: QuantizedDType;
  /** The scheme; per-channel schemes belong to per-channel observers. */
  readonly qscheme: QScheme;
  /** Whether the range was halved. */
  readonly reduceRange: boolean;
  /** The smallest integer of the range. */
  readonly quantMin: number;
  /** The largest integer of the range. */
  readonly quantMax: number;
  /** Whether quantMin and quantMax were given. */
  protected readonly hasCustomizedQrange: boolean;
  /** The smallest scale, a float32 buffer as PyTorch's `eps`. */
  protected readonly eps: Tensor;

  /** Checks the dtype and range; `qscheme` is the subclass's default or the one given. */
  protected constructor(options: UniformObserverOptions, qscheme: QScheme) {
    super();
    this.dtype = options.dtype ?? 'quint8';
    if (!['qint8', 'quint8', 'qint32'].includes(this.dtype))
      throw new TypeError(`${new.target.name}: dtype must be 'qint8', 'quint8' or 'qint32', got '${String(this.dtype)}'`);
    this.qscheme = qscheme;
    this.reduceRange = options.reduceRange ?? false;
    this.hasCustomizedQrange = options.quantMin !== undefined && options.quantMax !== undefined;
    const custom = this.hasCustomizedQrange ? ([options.quantMin, options.quantMax] as [number, number]) : undefined;
    try {
      [this.quantMin, this.quantMax] = quantRange(this.dtype, this.reduceRange, custom);
    } catch (error) {
      throw new RangeError(`${new.target.name}: ${(error as Error).message.replace(/^observer: /, '')}`, { cause: error });
    }
    this.eps = this.registerBuffer('eps', tensor([options.eps ?? FLOAT32_EPS], { dtype: 'float32' }));
  }

  /** The qscheme is symmetric (zero maps to the zero point exactly, the range is centered). */
  protected get symmetric(): boolean {
    return this.qscheme === 'per_tensor_symmetric' || this.qscheme === 'per_channel_symmetric';
  }

  /**
   * PyTorch's `_calculate_qparams`: scale and zero point for the recorded `minVal`/`maxVal`
   * (0-dim for per tensor, one per channel), the range widened to include 0. Nothing observed
   * yet gives PyTorch's defaults (scale 1, zero point 0).
   */
  protected qparamsOf(minVal: Tensor, maxVal: Tensor): Qparams {
    return noGrad(() => {
      const perTensor = minVal.dim() === 0;
      if (minVal.numel() === 0 || (perTensor && minVal.item() === Infinity && maxVal.item() === -Infinity))
        return { scale: tensor([1], { dtype: 'float32' }), zeroPoint: tensor([0], { dtype: 'int64' }) };
      if (minVal.gt(maxVal).any().item()) throw new RangeError(`${this.constructor.name}: min_val must not exceed max_val`);
      const [qmin, qmax] = [this.quantMin, this.quantMax];
      const minNeg = minVal.minimum(zerosLike(minVal));
      const maxPos = maxVal.maximum(zerosLike(maxVal));
      let scale: Tensor;
      let zeroPoint: Tensor;
      if (this.symmetric) {
        scale = minNeg
          .neg()
          .maximum(maxPos)
          .div((qmax - qmin) / 2)
          .maximum(this.eps);
        const midpoint = this.dtype === 'quint8' ? (this.hasCustomizedQrange ? Math.floor((qmin + qmax) / 2) : 128) : 0;
        zeroPoint = full(minNeg.shape, midpoint, { dtype: 'int64' });
      } else {
        scale = maxPos
          .sub(minNeg)
          .div(qmax - qmin)
          .maximum(this.eps);
        zeroPoint = minNeg.div(scale).round().to('int32').neg().add(qmin).clamp(qmin, qmax);
      }
      return { scale: scale.reshape([-1]), zeroPoint: zeroPoint.reshape([-1]) };
    });
  }

  override extraRepr(): string {
    return `dtype=torch.${this.dtype}, qscheme=torch.${this.qscheme}, quant_min=${this.quantMin}, quant_max=${this.quantMax}`;
  }
}
