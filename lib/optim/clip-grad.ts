/** torch.nn.utils.clip_grad_norm_ / clip_grad_value_, done by LibTorch in one call. */
import { native } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Scales the gradients of `parameters` in place so that their total norm is at most `maxNorm`;
 * returns the total norm before clipping. `normType` may be Infinity.
 */
export function clipGradNorm_(
  parameters: Iterable<Tensor>,
  maxNorm: number,
  options: { normType?: number; errorIfNonfinite?: boolean } = {},
): number {
  if (!(maxNorm >= 0)) throw new RangeError(`clipGradNorm_: maxNorm must be >= 0, got ${maxNorm}`);
  return native.clipGradNorm([...parameters], maxNorm, options.normType ?? 2, options.errorIfNonfinite ?? false);
}

/** Clamps every gradient element of `parameters` to [-clipValue, clipValue], in place. */
export function clipGradValue_(parameters: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue_: clipValue must be >= 0, got ${clipValue}`);
  native.clipGradValue([...parameters], clipValue);
}
