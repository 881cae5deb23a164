/** torch functions that PyTorch defines in Python over ATen, with its signatures. */
import { aten } from '../ops/surface.js';
import type { Tensor } from './tensor.js';

/** `tensordot`'s dims: how many trailing dims of `a` meet leading dims of `b`, or the two lists of dims to contract. */
export type Dims = number | readonly [readonly number[], readonly number[]];

/**
 * Contracts the last `dims` dimensions of `a` with the first `dims` of `b`, or the listed pairs:
 * `tensordot(a, b, 2)`, `tensordot(a, b, [[1, 2], [0, 1]])` or `tensordot(a, b, { dims })`.
 */
export function tensordot(a: Tensor, b: Tensor, dims: Dims | { dims?: Dims } = 2): Tensor {
  const spec = typeof dims === 'object' && !Array.isArray(dims) ? ((dims as { dims?: Dims }).dims ?? 2) : (dims as Dims);
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0) throw new TypeError(`tensordot: dims must be a non-negative integer, got ${spec}`);
    const first = Array.from({ length: spec }, (_, i) => a.dim() - spec + i);
    return aten.tensordot.default(
      a,
      b,
      first,
      Array.from({ length: spec }, (_, i) => i),
    );
  }
  return aten.tensordot.default(a, b, spec[0], spec[1]);
}
