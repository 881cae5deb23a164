/**
 * Argument checks shared by the pruning methods, with PyTorch's messages
 * (`_validate_structured_pruning`, `_validate_pruning_dim`) plus what was given.
 * @module
 */
import type { Tensor } from '../../../tensor/tensor.js';

/** Checks that `dim` is an integer (at construction, before any tensor is known). */
export function checkDimOption(dim: unknown, label: string): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new TypeError(`${label}: dim must be an integer, got ${String(dim)}`);
  return dim;
}

/** Checks that `dim` indexes `t` (negative dims count from the end) and returns it as given. */
export function checkDim(t: Tensor, dim: number, label: string): number {
  const rank = t.dim();
  if (dim >= rank || dim < -rank)
    throw new RangeError(`${label}: dim=${dim} is out of range for a tensor of ${rank} dimensions (shape [${t.shape.join(', ')}])`);
  return dim;
}

/** `dim` counted from the front. */
export function normalizeDim(dim: number, rank: number): number {
  return dim < 0 ? dim + rank : dim;
}

/** Structured pruning prunes channels: `t` must have more than one dimension. */
export function checkStructured(t: Tensor, label: string): void {
  if (t.dim() <= 1)
    throw new Error(
      `${label}: structured pruning can only be applied to multidimensional tensors; found a tensor of shape [${t.shape.join(', ')}] with ${t.dim()} dims`,
    );
}
