import type { DTypeName } from '../native.js';

/** A dtype name as PyTorch spells it (with aliases 'float', 'double', 'long', 'int', 'half', 'short'). */
export type DType = DTypeName | 'float' | 'double' | 'long' | 'int' | 'half' | 'short';

/** 'cpu', 'cuda', 'cuda:N' (or 'meta'). */
export type Device = 'cpu' | 'cuda' | 'meta' | `cuda:${number}`;

/** Options shared by the tensor factories. */
export interface TensorOptions {
  /** Element type; by default float32 for factories, inferred from the data for `tensor()`. */
  dtype?: DType;
  /** Where the tensor lives; default 'cpu'. */
  device?: Device;
  /** Record operations on the new tensor for autograd; default false. */
  requiresGrad?: boolean;
}

/** A size given either as one array or as separate numbers: `zeros([2, 3])` or `zeros(2, 3)`. */
export type ShapeArgs = [readonly number[]] | number[];

/** Normalizes the two ways of passing a shape. */
export function shapeOf(args: ShapeArgs): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}
