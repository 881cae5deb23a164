/** Padding: aten::pad (constant, reflect, replicate, circular), constant_pad_nd, reflection_pad*, replication_pad*. */
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { isNone, type TensorValue, type Value } from '../values.js';
import { float, ints, optionalString, rankOf, tensorArg } from './args.js';
import type { Symbolic, SymbolicTable } from './common.js';

// PyTorch's (left, right) pairs from the last dim backwards as ONNX's begins and ends of every dim.
function onnxPads(pad: number[], rank: number): number[] {
  if (pad.length % 2 || pad.length / 2 > rank) throw new UnsupportedError(`padding of length ${pad.length} for a ${rank}-D input`);
  const begins = Array<number>(rank).fill(0);
  const ends = Array<number>(rank).fill(0);
  for (let i = 0; i < pad.length / 2; i++) {
    begins[rank - 1 - i] = pad[2 * i]!;
    ends[rank - 1 - i] = pad[2 * i + 1]!;
  }
  return [...begins, ...ends];
}

// Circular padding: the end of each padded dim wrapped around to its start, and the start to its end.
function circular(g: GraphContext, x: TensorValue, pad: number[]): TensorValue {
  const rank = rankOf(x, 'the input');
  let out = x;
  for (let i = 0; i < pad.length / 2; i++) {
    const axis = rank - 1 - i;
    const [before, after] = [pad[2 * i]!, pad[2 * i + 1]!];
    if (before < 0 || after < 0) throw new UnsupportedError('circular padding with negative sizes is not supported');
    const slice = (start: number, end: number) => g.op('Slice', [out, g.ints([start]), g.ints([end]), g.ints([axis])]);
    const parts = [...(before ? [slice(-before, 2 ** 62)] : []), out, ...(after ? [slice(0, after)] : [])];
    if (parts.length > 1) out = g.op('Concat', parts, { axis });
  }
  return out;
}

function pad(g: GraphContext, input: Value | undefined, padArg: Value | undefined, mode: string, value: Value | undefined): TensorValue {
  const x = tensorArg(input, 'input');
  const sizes = ints(padArg, 'pad');
  if (mode === 'circular') return circular(g, x, sizes);
  const onnxMode = mode === 'constant' ? 'constant' : mode === 'reflect' ? 'reflect' : mode === 'replicate' ? 'edge' : undefined;
  if (!onnxMode) throw new UnsupportedError(`padding mode '${mode}' is not supported`);
  const fill = onnxMode === 'constant' && value && !isNone(value) ? g.scalar(float(value, 'value'), x.dtype ?? 'float32') : undefined;
  return g.op('Pad', [x, g.ints(onnxPads(sizes, rankOf(x, 'the input'))), fill], { mode: onnxMode });
}

const fixedMode =
  (mode: string): Symbolic =>
  (g, [input, padArg]) =>
    pad(g, input, padArg, mode, undefined);

/** Padding symbolics. */
export const padding: SymbolicTable = {
  'aten::pad': (g, [input, padArg, mode, value]) => pad(g, input, padArg, optionalString(mode, 'mode') ?? 'constant', value),
  'aten::constant_pad_nd': (g, [input, padArg, value]) => pad(g, input, padArg, 'constant', value),
  'aten::reflection_pad1d': fixedMode('reflect'),
  'aten::reflection_pad2d': fixedMode('reflect'),
  'aten::reflection_pad3d': fixedMode('reflect'),
  'aten::replication_pad1d': fixedMode('replicate'),
  'aten::replication_pad2d': fixedMode('replicate'),
  'aten::replication_pad3d': fixedMode('replicate'),
};
