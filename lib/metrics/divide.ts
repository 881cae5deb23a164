/** Division that gives 0 for 0 / 0, as torchmetrics' `_safe_divide`. @module */
import { aten } from '../ops/surface.js';
import type { Tensor } from '../tensor/tensor.js';

/** `num / den`, 0 where `den` is 0; float32 (float64 when either is float64). */
export function safeDivide(num: Tensor, den: Tensor): Tensor {
  const n = num.dtype === 'float64' ? num : num.float();
  const d = den.dtype === 'float64' ? den : den.float();
  return aten.where.ScalarOther(d.ne(0), n.div(d), 0);
}
