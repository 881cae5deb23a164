/** Batch, layer, group and instance normalization (inference: batch norm uses the running statistics). */
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { makeTensorData } from '../tensor-data.js';
import type { TensorValue, Value } from '../values.js';
import { bool, float, int, ints, optionalTensor, rankOf, sizeOf, tensorArg } from './args.js';
import { reduce, unsqueeze, type SymbolicTable } from './common.js';

const filled = (g: GraphContext, like: TensorValue, dims: number[], value: number) =>
  g.constant(makeTensorData(like.dtype ?? 'float32', dims, Array<number>(dims.reduce((a, b) => a * b, 1)).fill(value)));

// A per-channel (C,) tensor shaped to broadcast over (N, C, *spatial).
function perChannel(g: GraphContext, value: TensorValue, rank: number): TensorValue {
  const axes = Array.from({ length: rank - 2 }, (_, i) => i + 1);
  const known = g.constantOf(value);
  if (known) return g.constant({ ...known, dims: [...known.dims, ...axes.map(() => 1)] });
  return axes.length ? unsqueeze(g, value, axes) : value;
}

function layerNorm(g: GraphContext, x: TensorValue, axes: number, weight?: TensorValue, bias?: TensorValue, eps = 1e-5): TensorValue {
  const rank = rankOf(x, 'the input');
  const normalized = x.shape!.slice(rank - axes) as number[];
  if (g.opset >= 17) {
    const scale = weight ?? filled(g, x, normalized, 1);
    return g.op('LayerNormalization', [x, scale, bias], { axis: -axes, epsilon: eps });
  }
  const dims = Array.from({ length: axes }, (_, i) => rank - axes + i);
  const centered = g.op('Sub', [x, reduce(g, 'ReduceMean', x, dims, true)]);
  const variance = reduce(g, 'ReduceMean', g.op('Mul', [centered, centered]), dims, true);
  const std = g.op('Sqrt', [g.op('Add', [variance, g.scalar(eps, x.dtype ?? 'float32')])]);
  let y = g.op('Div', [centered, std]);
  if (weight) y = g.op('Mul', [y, weight]);
  return bias ? g.op('Add', [y, bias]) : y;
}

function batchNorm(g: GraphContext, [input, weight, bias, mean, variance, training, , eps]: Value[]): TensorValue {
  if (bool(training, 'training')) throw new UnsupportedError('batch_norm in training mode cannot be exported: call model.eval() first');
  const x = tensorArg(input, 'input');
  const runningMean = optionalTensor(mean, 'running_mean');
  const runningVar = optionalTensor(variance, 'running_var');
  if (!runningMean || !runningVar)
    throw new UnsupportedError('batch_norm without running statistics (trackRunningStats: false) is not supported');
  const channels = sizeOf(x, 1, 'the input');
  const scale = optionalTensor(weight, 'weight') ?? filled(g, x, [channels], 1);
  const shift = optionalTensor(bias, 'bias') ?? filled(g, x, [channels], 0);
  return g.op('BatchNormalization', [x, scale, shift, runningMean, runningVar], { epsilon: float(eps, 'eps') });
}

/** Normalization symbolics. */
export const normalization: SymbolicTable = {
  'aten::batch_norm': (g, args) => batchNorm(g, args),
  'aten::layer_norm': (g, [input, shape, weight, bias, eps]) =>
    layerNorm(
      g,
      tensorArg(input, 'input'),
      ints(shape, 'normalized_shape').length,
      optionalTensor(weight, 'weight'),
      optionalTensor(bias, 'bias'),
      float(eps, 'eps'),
    ),
  'aten::group_norm': (g, [input, groups, weight, bias, eps]) => {
    const x = tensorArg(input, 'input');
    const rank = rankOf(x, 'the input');
    const numGroups = int(groups, 'num_groups');
    // Each group normalized as one instance of an (N, G, rest) tensor, then the per-channel affine.
    const grouped = g.op('Reshape', [x, g.ints([0, numGroups, -1])]);
    const normalized = g.op('InstanceNormalization', [grouped, filled(g, x, [numGroups], 1), filled(g, x, [numGroups], 0)], {
      epsilon: float(eps, 'eps'),
    });
    let y = g.op('Reshape', [normalized, g.op('Shape', [x])]);
    y = { ...y, shape: x.shape };
    const scale = optionalTensor(weight, 'weight');
    const shift = optionalTensor(bias, 'bias');
    if (scale) y = g.op('Mul', [y, perChannel(g, scale, rank)]);
    return shift ? g.op('Add', [y, perChannel(g, shift, rank)]) : y;
  },
  'aten::instance_norm': (g, [input, weight, bias, mean, variance, useInputStats, , , eps]) => {
    const x = tensorArg(input, 'input');
    if (!bool(useInputStats, 'use_input_stats')) {
      return batchNorm(g, [x, weight!, bias!, mean!, variance!, { kind: 'constant', value: false, type: 'bool' }, undefined!, eps!]);
    }
    const channels = sizeOf(x, 1, 'the input');
    const scale = optionalTensor(weight, 'weight') ?? filled(g, x, [channels], 1);
    const shift = optionalTensor(bias, 'bias') ?? filled(g, x, [channels], 0);
    return g.op('InstanceNormalization', [x, scale, shift], { epsilon: float(eps, 'eps') });
  },
};
