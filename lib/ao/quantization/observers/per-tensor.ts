/**
 * The base of per-tensor observers (MinMaxObserver and its moving average, HistogramObserver):
 * the running range in the `min_val` and `max_val` buffers (0-dim float32, ±Infinity before any
 * value), and the check of per-tensor schemes.
 * @module
 */
import { tensor } from '../../../tensor/creation.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { UniformQuantizationObserverBase, type QScheme, type UniformObserverOptions } from './base.js';

/** `options.qscheme` (default per-tensor affine) if it is a per-tensor scheme, else a TypeError naming the observer. */
export function perTensorScheme(name: string, options: UniformObserverOptions & { qscheme?: QScheme }): QScheme {
  const qscheme = options.qscheme ?? 'per_tensor_affine';
  if (qscheme !== 'per_tensor_affine' && qscheme !== 'per_tensor_symmetric')
    throw new TypeError(`${name}: qscheme must be 'per_tensor_affine' or 'per_tensor_symmetric', got '${String(qscheme)}'`);
  return qscheme;
}

/** A per-tensor observer keeping the range it saw. */
export abstract class PerTensorRangeObserver extends UniformQuantizationObserverBase {
  /** @internal The `min_val` buffer (fused fake-quantize updates it in place). */
  minVal!: Tensor;
  /** @internal The `max_val` buffer. */
  maxVal!: Tensor;

  /** Registers `min_val` and `max_val` (subclasses call it where PyTorch registers them, for the state dict's order). */
  protected registerRange(): void {
    this.minVal = this.registerBuffer('min_val', tensor(Infinity, { dtype: 'float32' }));
    this.maxVal = this.registerBuffer('max_val', tensor(-Infinity, { dtype: 'float32' }));
  }

  /** The smallest value seen so far (+Infinity before any). */
  get min(): number {
    return this.minVal.item();
  }
  /** The largest value seen so far (-Infinity before any). */
  get max(): number {
    return this.maxVal.item();
  }
  /** Whether any value was seen. */
  get hasObserved(): boolean {
    return this.min !== Infinity || this.max !== -Infinity;
  }

  override extraRepr(): string {
    return `min_val=${this.min}, max_val=${this.max}`;
  }
}
