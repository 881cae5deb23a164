/**
 * How native calls hand results back: JS makes the result Tensor without a native tensor, and the
 * addon fills it (cheaper than the addon calling the constructor).
 * @module
 */
import { HANDLE, TOKEN } from './handle.js';
import { Tensor } from './tensor.js';

/** A Tensor with no native tensor yet, for a native call to fill (`native.callOpInto`, the hot paths). */
export function emptyResult(): Tensor {
  return new (Tensor as unknown as new (token: object, handle: number) => Tensor)(TOKEN, -1);
}

/** Gives `out` the handle a native call returned; null when the op gave no tensor. */
export function filled(out: Tensor, handle: number): Tensor | null {
  out[HANDLE] = handle;
  return handle < 0 ? null : out;
}
