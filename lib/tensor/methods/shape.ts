/** Methods that change the shape: views where the strides allow, copies otherwise. */
import type { DTypeName } from '../../native.js';
import { bound } from '../bound-ops.js';
import type { Tensor } from '../tensor.js';
import { shapeOf } from '../types.js';

/** The shape methods of Tensor. */
export interface ShapeMethods {
  /** `reshape(2, 3)` or `reshape([2, 3])`; -1 infers one size. */
  reshape(...shape: number[] | [readonly number[]]): Tensor;
  /**
   * Like reshape, but always shares storage (fails for incompatible strides); or, given a dtype
   * as PyTorch's `view(torch.int16)`, the same bytes read as that dtype (the last dimension scales
   * by the ratio of element sizes).
   */
  view(...shape: number[] | [readonly number[]] | [DTypeName]): Tensor;
  /** Reorders the dimensions: `permute(2, 0, 1)`. */
  permute(...order: number[] | [readonly number[]]): Tensor;
  /** Swaps two dimensions. */
  transpose(dim0: number, dim1: number): Tensor;
  /** The transpose of a 2-D tensor; 0-D and 1-D tensors come back as they are (as views). */
  t(): Tensor;
  /** Drops every dimension of size 1, or `dim` if it has size 1. */
  squeeze(dim?: number): Tensor;
  /** Inserts a dimension of size 1 at `dim`. */
  unsqueeze(dim: number): Tensor;
  /** Merges dimensions `startDim` through `endDim` into one. */
  flatten(startDim?: number, endDim?: number): Tensor;
  /** A view with size-1 dimensions repeated to `shape` (-1 keeps a size). */
  expand(...shape: number[] | [readonly number[]]): Tensor;
  /** Splits into pieces of `size` along `dim`, or into the given sizes. */
  split(size: number | number[], dim?: number): Tensor[];
  /** Splits into `chunks` nearly equal pieces along `dim`. */
  chunk(chunks: number, dim?: number): Tensor[];
}

const dims = (args: number[] | [readonly number[]]): number[] => shapeOf(args);

export const shapeMethods: ShapeMethods & ThisType<Tensor> = {
  reshape(...shape) {
    return bound.reshape.call([this, dims(shape)]);
  },
  view(...shape) {
    if (typeof shape[0] === 'string') return bound.viewDtype.call([this, shape[0]]);
    return bound.view.call([this, dims(shape)]);
  },
  permute(...order) {
    return bound.permute.call([this, dims(order)]);
  },
  transpose(dim0, dim1) {
    return bound.transpose.call([this, dim0, dim1]);
  },
  t() {
    return bound.t.call([this]);
  },
  squeeze(dim) {
    return dim === undefined ? bound.squeezeAll.call([this]) : bound.squeezeDim.call([this, dim]);
  },
  unsqueeze(dim) {
    return bound.unsqueeze.call([this, dim]);
  },
  flatten(startDim = 0, endDim = -1) {
    return bound.flatten.call([this, startDim, endDim]);
  },
  expand(...shape) {
    return bound.expand.call([this, dims(shape)]);
  },
  split(size, dim = 0) {
    return (Array.isArray(size) ? bound.splitSizes : bound.splitSize).call([this, size, dim]);
  },
  chunk(chunks, dim = 0) {
    return bound.chunk.call([this, chunks, dim]);
  },
};
