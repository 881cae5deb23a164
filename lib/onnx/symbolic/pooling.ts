/** Max, average and adaptive pooling. */
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { isNone, type TensorValue, type Value } from '../values.js';
import { bool, ints, rankOf, tensorArg } from './args.js';
import { squeeze, unsqueeze, type SymbolicTable } from './common.js';
import { spatialList } from './conv.js';

// Pools take (N, C, *spatial) in ONNX; PyTorch also takes unbatched (C, *spatial).
function batched(g: GraphContext, input: Value | undefined, dims: number): { x: TensorValue; unbatch: (y: TensorValue) => TensorValue } {
  const x = tensorArg(input, 'input');
  if (rankOf(x, 'the input') === dims + 2) return { x, unbatch: (y) => y };
  if (x.shape!.length === dims + 1) return { x: unsqueeze(g, x, [0]), unbatch: (y) => squeeze(g, y, [0]) };
  throw new UnsupportedError(`expected a ${dims + 1}-D or ${dims + 2}-D input, got ${x.shape!.length}-D`);
}

// PyTorch's max-pool indices count within each (n, c) plane; ONNX's count over the whole tensor.
function planeIndices(g: GraphContext, x: TensorValue, indices: TensorValue, dims: number): TensorValue {
  const ones = Array<number>(dims).fill(1);
  const [, flat] = g.ops('MaxPool', [x], { kernel_shape: ones, strides: ones }, 2);
  const axes = Array.from({ length: dims }, (_, i) => i + 2);
  const planeStart = g.op('Slice', [flat!, g.ints(axes.map(() => 0)), g.ints(ones), g.ints(axes)]);
  return g.op('Sub', [indices, planeStart]);
}

function maxPool(dims: number, withIndices: boolean) {
  return (g: GraphContext, [input, kernelArg, strideArg, padding, dilation, ceilMode]: Value[]): TensorValue | TensorValue[] => {
    const { x, unbatch } = batched(g, input, dims);
    const kernel = spatialList(kernelArg, dims, 'kernel_size', 1);
    const stride = strideArg && ints(strideArg, 'stride').length === 0 ? kernel : spatialList(strideArg, dims, 'stride', 1);
    const pad = spatialList(padding, dims, 'padding', 0);
    const attributes = {
      kernel_shape: kernel,
      strides: stride,
      pads: [...pad, ...pad],
      dilations: spatialList(dilation, dims, 'dilation', 1),
      ceil_mode: ceilMode && bool(ceilMode, 'ceil_mode') ? 1 : 0,
    };
    if (!withIndices) return unbatch(g.op('MaxPool', [x], attributes));
    const [values, indices] = g.ops('MaxPool', [x], attributes, 2);
    return [unbatch(values!), unbatch(planeIndices(g, x, indices!, dims))];
  };
}

function avgPool(dims: number) {
  return (g: GraphContext, [input, kernelArg, strideArg, padding, ceilMode, countIncludePad, divisorOverride]: Value[]): TensorValue => {
    if (divisorOverride && !isNone(divisorOverride)) throw new UnsupportedError('avg_pool with divisor_override is not supported');
    const { x, unbatch } = batched(g, input, dims);
    const kernel = spatialList(kernelArg, dims, 'kernel_size', 1);
    const stride = strideArg && ints(strideArg, 'stride').length === 0 ? kernel : spatialList(strideArg, dims, 'stride', 1);
    const pad = spatialList(padding, dims, 'padding', 0);
    return unbatch(
      g.op('AveragePool', [x], {
        kernel_shape: kernel,
        strides: stride,
        pads: [...pad, ...pad],
        ceil_mode: ceilMode && bool(ceilMode, 'ceil_mode') ? 1 : 0,
        count_include_pad: countIncludePad === undefined || bool(countIncludePad, 'count_include_pad') ? 1 : 0,
      }),
    );
  };
}

/**
 * Adaptive pooling: an output of 1 is a global pool; otherwise each input size must be a multiple
 * of its output size, and the pool is an ordinary one with kernel = stride = input / output.
 */
function adaptive(dims: number, kind: 'Average' | 'Max') {
  return (g: GraphContext, [input, outputSize]: Value[]): TensorValue | TensorValue[] => {
    const { x, unbatch } = batched(g, input, dims);
    const spatial = x.shape!.slice(2);
    const sizes =
      outputSize?.kind === 'list'
        ? outputSize.items.map((item, i) => (isNone(item) ? spatial[i]! : ints(item, 'output_size')[0]!))
        : spatialList(outputSize, dims, 'output_size', 1);
    const withIndices = kind === 'Max';
    if (sizes.every((s) => s === 1)) {
      const pooled = unbatch(g.op(`Global${kind}Pool`, [x]));
      if (!withIndices) return pooled;
      const [, indices] = g.ops('MaxPool', [x], { kernel_shape: spatial as number[] }, 2);
      return [pooled, unbatch(planeIndices(g, x, indices!, dims))];
    }
    const kernel = spatial.map((size, i) => {
      if (size === null) throw new UnsupportedError('adaptive pooling to sizes other than 1 needs the input size, which is not known');
      if (size % sizes[i]! !== 0)
        throw new UnsupportedError(
          `adaptive pooling of size ${size} to ${sizes[i]} is not supported (only to a divisor of the input size)`,
        );
      return size / sizes[i]!;
    });
    if (!withIndices) return unbatch(g.op('AveragePool', [x], { kernel_shape: kernel, strides: kernel }));
    const [values, indices] = g.ops('MaxPool', [x], { kernel_shape: kernel, strides: kernel }, 2);
    return [unbatch(values!), unbatch(planeIndices(g, x, indices!, dims))];
  };
}

/** Pooling symbolics. */
export const pooling: SymbolicTable = {
  'aten::max_pool1d': maxPool(1, false),
  'aten::max_pool2d': maxPool(2, false),
  'aten::max_pool3d': maxPool(3, false),
  'aten::max_pool1d_with_indices': maxPool(1, true),
  'aten::max_pool2d_with_indices': maxPool(2, true),
  'aten::max_pool3d_with_indices': maxPool(3, true),
  'aten::avg_pool1d': avgPool(1),
  'aten::avg_pool2d': avgPool(2),
  'aten::avg_pool3d': avgPool(3),
  'aten::adaptive_avg_pool1d': adaptive(1, 'Average'),
  'aten::adaptive_avg_pool2d': adaptive(2, 'Average'),
  'aten::adaptive_avg_pool3d': adaptive(3, 'Average'),
  'aten::adaptive_max_pool1d': adaptive(1, 'Max'),
  'aten::adaptive_max_pool2d': adaptive(2, 'Max'),
  'aten::adaptive_max_pool3d': adaptive(3, 'Max'),
};
