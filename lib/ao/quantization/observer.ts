/**
 * Observers: they watch the values a tensor takes and turn their range into quantization
 * parameters (scale, zero point) with PyTorch's arithmetic (torch/ao/quantization/observer.py), in
 * float32 as PyTorch computes them, so the quantized weights are bit-identical to PyTorch's.
 */
import { noGrad } from '../../tensor/autograd.js';
import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';

/** The quantized dtypes observers compute parameters for. */
export type QuantizedDType = 'qint8' | 'quint8' | 'qint32';
/** How values map to integers: symmetric around 0 or affine (with a zero point). */
export type QScheme = 'per_tensor_affine' | 'per_tensor_symmetric';

/** Options of {@link MinMaxObserver}, as PyTorch's. */
export interface MinMaxObserverOptions {
  dtype?: QuantizedDType;
  qscheme?: QScheme;
  /** Use one bit less of range (for engines whose kernels would overflow otherwise). */
  reduceRange?: boolean;
  quantMin?: number;
  quantMax?: number;
  /** The smallest scale (default float32's epsilon). */
  eps?: number;
}

const FLOAT32_EPS = 1.1920928955078125e-7;

// PyTorch's _calculate_qmin_qmax for the default ranges.
function quantRange(dtype: QuantizedDType, reduceRange: boolean): [number, number] {
  if (dtype === 'qint8') return reduceRange ? [-64, 63] : [-128, 127];
  if (dtype === 'quint8') return reduceRange ? [0, 127] : [0, 255];
  return [-(2 ** 31), 2 ** 31 - 1];
}

/**
 * PyTorch's MinMaxObserver: records the running minimum and maximum of what it sees and computes
 * `calculateQparams()` from them. The default (qint8, per-tensor symmetric) is PyTorch's default
 * weight observer.
 */
export class MinMaxObserver {
  readonly dtype: QuantizedDType;
  readonly qscheme: QScheme;
  readonly quantMin: number;
  readonly quantMax: number;
  readonly eps: number;
  private minVal: Tensor | null = null;
  private maxVal: Tensor | null = null;

  /** An observer for `dtype` (qint8) and `qscheme` (per-tensor symmetric), PyTorch's defaults for weights. */
  constructor(options: MinMaxObserverOptions = {}) {
    this.dtype = options.dtype ?? 'qint8';
    this.qscheme = options.qscheme ?? 'per_tensor_symmetric';
    const [min, max] = quantRange(this.dtype, options.reduceRange ?? false);
    this.quantMin = options.quantMin ?? min;
    this.quantMax = options.quantMax ?? max;
    if (!(this.quantMin < this.quantMax))
      throw new RangeError(`MinMaxObserver: quantMin (${this.quantMin}) must be below quantMax (${this.quantMax})`);
    this.eps = options.eps ?? FLOAT32_EPS;
  }

  /** Records the range of `x` (detached, in float32) and returns `x` unchanged. */
  forward(x: Tensor): Tensor {
    noGrad(() => {
      const values = x.detach().float();
      const [min, max] = [values.min(), values.max()];
      this.minVal = this.minVal ? this.minVal.minimum(min) : min;
      this.maxVal = this.maxVal ? this.maxVal.maximum(max) : max;
    });
    return x;
  }

  /** `{ scale, zeroPoint }` from the recorded range, computed as PyTorch does (float32 scale). */
  calculateQparams(): { scale: number; zeroPoint: number } {
    if (!this.minVal || !this.maxVal) throw new Error('MinMaxObserver: calculateQparams before the observer saw any values');
    return noGrad(() => {
      const zero = tensor(0, { dtype: 'float32' });
      const minNeg = this.minVal!.minimum(zero);
      const maxPos = this.maxVal!.maximum(zero);
      const eps = tensor(this.eps, { dtype: 'float32' });
      const [qmin, qmax] = [this.quantMin, this.quantMax];
      if (this.qscheme === 'per_tensor_symmetric') {
        const scale = minNeg
          .neg()
          .maximum(maxPos)
          .div((qmax - qmin) / 2)
          .maximum(eps);
        const zeroPoint = this.dtype === 'quint8' ? Math.floor((qmin + qmax + 1) / 2) : 0;
        return { scale: scale.item(), zeroPoint };
      }
      const scale = maxPos
        .sub(minNeg)
        .div(qmax - qmin)
        .maximum(eps);
      const zeroPoint = tensor(qmin, { dtype: 'float32' }).sub(minNeg.div(scale).round()).clamp(qmin, qmax).item();
      return { scale: scale.item(), zeroPoint: Math.trunc(zeroPoint) };
    });
  }
}
