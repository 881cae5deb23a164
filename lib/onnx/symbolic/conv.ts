/** Convolutions, plain and transposed: aten::_convolution, convolution, conv1d/2d/3d, conv_transpose1d/2d/3d. */
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import type { TensorValue, Value } from '../values.js';
import { bool, int, ints, optionalTensor, rankOf, tensorArg } from './args.js';
import { squeeze, unsqueeze, type SymbolicTable } from './common.js';

/** A per-spatial-dim list argument, a one-element list standing for all dims. */
export function spatialList(value: Value | undefined, dims: number, what: string, fallback: number): number[] {
  const list = value === undefined ? [fallback] : ints(value, what);
  if (list.length === 1) return Array<number>(dims).fill(list[0]!);
  if (list.length !== dims) throw new UnsupportedError(`${what} has ${list.length} values for ${dims} spatial dims`);
  return list;
}

interface ConvSpec {
  input: Value | undefined;
  weight: Value | undefined;
  bias: Value | undefined;
  stride: Value | undefined;
  padding: Value | undefined;
  dilation: Value | undefined;
  transposed: boolean;
  outputPadding?: Value;
  groups: Value | undefined;
}

function convolution(g: GraphContext, spec: ConvSpec): TensorValue {
  const weight = tensorArg(spec.weight, 'weight');
  const kernel = weight.shape?.slice(2);
  if (!kernel || kernel.some((k) => k === null)) throw new UnsupportedError('the kernel size (the weight shape) is not known');
  const dims = kernel.length;
  const dilations = spatialList(spec.dilation, dims, 'dilation', 1);
  let pads: number[];
  if (spec.padding?.kind === 'constant' && typeof spec.padding.value === 'string') {
    if (spec.padding.value === 'valid') pads = Array<number>(2 * dims).fill(0);
    else if (spec.padding.value === 'same') {
      // PyTorch's 'same': the extra padding of an odd total goes at the end.
      const totals = kernel.map((k, i) => dilations[i]! * (k! - 1));
      pads = [...totals.map((t) => Math.floor(t / 2)), ...totals.map((t) => t - Math.floor(t / 2))];
    } else throw new UnsupportedError(`padding '${spec.padding.value}' is not supported`);
  } else {
    const padding = spatialList(spec.padding, dims, 'padding', 0);
    pads = [...padding, ...padding];
  }
  let x = tensorArg(spec.input, 'input');
  const unbatched = rankOf(x, 'the input') === dims + 1;
  if (unbatched) x = unsqueeze(g, x, [0]);
  const attributes = {
    kernel_shape: kernel as number[],
    strides: spatialList(spec.stride, dims, 'stride', 1),
    pads,
    dilations,
    group: spec.groups === undefined ? 1 : int(spec.groups, 'groups'),
    output_padding: spec.transposed ? spatialList(spec.outputPadding, dims, 'output_padding', 0) : undefined,
  };
  const out = g.op(spec.transposed ? 'ConvTranspose' : 'Conv', [x, weight, optionalTensor(spec.bias, 'bias')], attributes);
  return unbatched ? squeeze(g, out, [0]) : out;
}

/** Convolution symbolics. */
export const conv: SymbolicTable = {
  'aten::_convolution': (g, [input, weight, bias, stride, padding, dilation, transposed, outputPadding, groups]) =>
    convolution(g, { input, weight, bias, stride, padding, dilation, transposed: bool(transposed, 'transposed'), outputPadding, groups }),
  'aten::convolution': (g, [input, weight, bias, stride, padding, dilation, transposed, outputPadding, groups]) =>
    convolution(g, { input, weight, bias, stride, padding, dilation, transposed: bool(transposed, 'transposed'), outputPadding, groups }),
  // padding='same' / 'valid' as recorded by LibTorch 1.13.
  'aten::_convolution_mode': (g, [input, weight, bias, stride, padding, dilation, groups]) =>
    convolution(g, { input, weight, bias, stride, padding, dilation, transposed: false, groups }),
  ...Object.fromEntries(
    ['aten::conv1d', 'aten::conv2d', 'aten::conv3d'].map((kind) => [
      kind,
      (g: GraphContext, [input, weight, bias, stride, padding, dilation, groups]: Value[]) =>
        convolution(g, { input, weight, bias, stride, padding, dilation, transposed: false, groups }),
    ]),
  ),
  ...Object.fromEntries(
    ['aten::conv_transpose1d', 'aten::conv_transpose2d', 'aten::conv_transpose3d'].map((kind) => [
      kind,
      (g: GraphContext, [input, weight, bias, stride, padding, outputPadding, groups, dilation]: Value[]) =>
        convolution(g, { input, weight, bias, stride, padding, dilation, transposed: true, outputPadding, groups }),
    ]),
  ),
};
