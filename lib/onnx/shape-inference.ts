/**
 * Output sizes and dtypes of the ONNX ops the exporter emits, from their inputs' (the traced
 * example's sizes) and constant inputs. Symbolic functions read them to pick ranks, axes and
 * static sizes, so every op they write gets them here rather than each mapping working them out.
 * Unknown stays unknown (undefined shape, null size): nothing is guessed.
 * @module
 */
import type { DTypeName } from '../native.js';
import { DataType } from './proto.js';
import { numbersOf, type TensorData } from './tensor-data.js';

/** Sizes; null where unknown. */
export type Dims = (number | null)[];

/** What inference knows of an input. */
export interface KnownInput {
  shape?: Dims;
  dtype?: DTypeName;
  constant?: TensorData;
}

/** What inference found for an output. */
export interface Inferred {
  shape?: Dims;
  dtype?: DTypeName;
}

/** An attribute value as the exporter passes it. */
export type AttributeValue = number | string | number[] | string[] | TensorData;

const SAME = new Set(
  (
    'Abs Acos Asin Atan BatchNormalization Ceil Celu Clip Cos CumSum Dropout Elu Erf Exp Floor HardSigmoid HardSwish Identity ' +
    'InstanceNormalization LayerNormalization LeakyRelu Log LogSoftmax Mish Neg Reciprocal Relu Round Selu Sigmoid Sign Sin ' +
    'Softmax Softplus Softsign Sqrt Tan Tanh Trilu Gelu QuantizeLinear DequantizeLinear'
  ).split(' '),
);
const BROADCAST = new Set('Add Sub Mul Div Pow Mod Max Min PRelu'.split(' '));
const COMPARE = new Set('Equal Greater GreaterOrEqual Less LessOrEqual And Or Xor'.split(' '));
const REDUCE = new Set('ReduceMean ReduceSum ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2 ReduceLogSumExp'.split(' '));

const DTYPE_OF_CODE: Record<number, DTypeName> = {
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.FLOAT16]: 'float16',
  [DataType.BFLOAT16]: 'bfloat16',
  [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8',
  [DataType.INT16]: 'int16',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
  [DataType.BOOL]: 'bool',
};

const product = (dims: Dims): number | null => dims.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);
const normalizeAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** numpy broadcasting of sizes. */
export function broadcastShapes(shapes: (Dims | undefined)[]): Dims | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const known = shapes as Dims[];
  const rank = Math.max(0, ...known.map((s) => s.length));
  const out: Dims = [];
  for (let i = 0; i < rank; i++) {
    let size: number | null = 1;
    for (const shape of known) {
      const d = shape[shape.length - rank + i];
      if (d === undefined || d === 1) continue;
      size = d === null ? (size === 1 ? null : size) : d;
    }
    out.push(size);
  }
  return out;
}

function matmulShape(a: Dims | undefined, b: Dims | undefined): Dims | undefined {
  if (!a || !b || a.length === 0 || b.length === 0) return undefined;
  const left = a.length === 1 ? [1, a[0]!] : a;
  const right = b.length === 1 ? [b[0]!, 1] : b;
  const batch = broadcastShapes([left.slice(0, -2), right.slice(0, -2)])!;
  const out = [...batch, left[left.length - 2]!, right[right.length - 1]!];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.pop();
  return out;
}

const ints = (input: KnownInput | undefined): number[] | undefined => (input?.constant ? numbersOf(input.constant) : undefined);

function poolShape(kind: 'conv' | 'pool', x: Dims, kernel: number[], attrs: Record<string, AttributeValue>): Dims {
  const spatial = x.length - 2;
  const strides = (attrs.strides as number[] | undefined) ?? Array<number>(spatial).fill(1);
  const dilations = (attrs.dilations as number[] | undefined) ?? Array<number>(spatial).fill(1);
  const pads = (attrs.pads as number[] | undefined) ?? Array<number>(2 * spatial).fill(0);
  const ceil = kind === 'pool' && attrs.ceil_mode === 1;
  return x.slice(2).map((size, i) => {
    if (size === null) return null;
    const span = dilations[i]! * (kernel[i]! - 1) + 1;
    const padded = size + pads[i]! + pads[i + spatial]!;
    let out = (ceil ? Math.ceil : Math.floor)((padded - span) / strides[i]!) + 1;
    // A last window that would start in the end padding is dropped (ONNX and PyTorch agree).
    if (ceil && (out - 1) * strides[i]! >= size + pads[i]!) out--;
    return out;
  });
}

function sliceLength(size: number, start: number, end: number, step: number): number {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  if (step > 0) {
    const s = clamp(start < 0 ? start + size : start, 0, size);
    const e = clamp(end < 0 ? end + size : end, 0, size);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  const s = clamp(start < 0 ? start + size : start, -1, size - 1);
  const e = clamp(end < 0 ? end + size : end, -1, size - 1);
  return Math.max(0, Math.ceil((e - s) / step));
}

// Einsum with an explicit output ('...i,kij,...j->...k'): letters take their inputs' sizes, '...' broadcasts.
function einsumShape(equation: string, shapes: (Dims | undefined)[]): Dims | undefined {
  const [lhs, rhs] = equation.replace(/\s/g, '').split('->');
  if (rhs === undefined || shapes.some((s) => !s)) return undefined;
  const sizes = new Map<string, number | null>();
  const ellipses: Dims[] = [];
  lhs!.split(',').forEach((term, i) => {
    const shape = shapes[i]!;
    const letters = term.replace('...', '');
    const ellipsisRank = shape.length - letters.length;
    const start = term.indexOf('...');
    if (start >= 0) ellipses.push(shape.slice(start, start + ellipsisRank));
    [...letters].forEach((letter, j) => sizes.set(letter, shape[j < start || start < 0 ? j : j + ellipsisRank]!));
  });
  const ellipsis = broadcastShapes(ellipses) ?? [];
  return [...rhs]
    .join('')
    .split('...')
    .flatMap((part, i) => [...(i > 0 ? ellipsis : []), ...[...part].map((l) => sizes.get(l) ?? null)]);
}

// Ops whose output shape needs more than a line.
function shapeOf(
  op: string,
  inputs: (KnownInput | undefined)[],
  attrs: Record<string, AttributeValue>,
  outputs: number,
): Dims[] | undefined {
  const x = inputs[0]?.shape;
  switch (op) {
    case 'Einsum': {
      const shape = einsumShape(
        attrs.equation as string,
        inputs.map((i) => i?.shape),
      );
      return shape && [shape];
    }
    case 'MatMul':
      return [matmulShape(x, inputs[1]?.shape)].filter((s): s is Dims => s !== undefined);
    case 'Gemm': {
      const b = inputs[1]?.shape;
      if (!x || !b) return undefined;
      return [[attrs.transA ? x[1]! : x[0]!, attrs.transB ? b[0]! : b[1]!]];
    }
    case 'Conv':
    case 'ConvTranspose': {
      const w = inputs[1]?.shape;
      if (!x || !w) return undefined;
      const kernel = (attrs.kernel_shape as number[] | undefined) ?? (w.slice(2) as number[]);
      if (op === 'Conv') return [[x[0]!, w[0]!, ...poolShape('conv', x, kernel, attrs)]];
      const spatial = x.length - 2;
      const strides = (attrs.strides as number[] | undefined) ?? Array<number>(spatial).fill(1);
      const dilations = (attrs.dilations as number[] | undefined) ?? Array<number>(spatial).fill(1);
      const pads = (attrs.pads as number[] | undefined) ?? Array<number>(2 * spatial).fill(0);
      const extra = (attrs.output_padding as number[] | undefined) ?? Array<number>(spatial).fill(0);
      const sizes = x
        .slice(2)
        .map((size, i) =>
          size === null
            ? null
            : strides[i]! * (size - 1) + extra[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - pads[i]! - pads[i + spatial]!,
        );
      const channels = w[1] === null ? null : w[1]! * ((attrs.group as number | undefined) ?? 1);
      return [[x[0]!, channels, ...sizes]];
    }
    case 'MaxPool':
    case 'AveragePool': {
      if (!x) return undefined;
      const shape = [x[0]!, x[1]!, ...poolShape('pool', x, attrs.kernel_shape as number[], attrs)];
      return Array<Dims>(outputs).fill(shape);
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return x && [[x[0]!, x[1]!, ...x.slice(2).map(() => 1)]];
    case 'Reshape': {
      const target = ints(inputs[1]);
      if (!target) return undefined;
      const out: Dims = target.map((d, i) => (d === 0 && attrs.allowzero !== 1 ? (x?.[i] ?? null) : d === -1 ? null : d));
      const inferred = out.indexOf(null);
      if (x && target.includes(-1) && out.filter((d) => d === null).length === 1) {
        const total = product(x);
        const rest = product(out.filter((_, i) => i !== inferred));
        out[inferred] = total === null || rest === null || rest === 0 ? null : total / rest;
      }
      return [out];
    }
    case 'Flatten': {
      if (!x) return undefined;
      const axis = normalizeAxis((attrs.axis as number | undefined) ?? 1, x.length);
      return [[product(x.slice(0, axis)), product(x.slice(axis))]];
    }
    case 'Transpose': {
      if (!x) return undefined;
      const perm = (attrs.perm as number[] | undefined) ?? x.map((_, i) => x.length - 1 - i);
      return [perm.map((p) => x[p]!)];
    }
    case 'Squeeze': {
      if (!x) return undefined;
      const axes = ints(inputs[1]);
      if (!axes && inputs[1]) return undefined;
      const drop = new Set((axes ?? x.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normalizeAxis(a, x.length)));
      return [x.filter((_, i) => !drop.has(i))];
    }
    case 'Unsqueeze': {
      const axes = ints(inputs[1]);
      if (!x || !axes) return undefined;
      const rank = x.length + axes.length;
      const added = new Set(axes.map((a) => normalizeAxis(a, rank)));
      const out: Dims = [];
      let next = 0;
      for (let i = 0; i < rank; i++) out.push(added.has(i) ? 1 : x[next++]!);
      return [out];
    }
    case 'Concat': {
      const shapes = inputs.map((i) => i?.shape);
      if (shapes.some((s) => !s)) return undefined;
      const first = shapes[0]!;
      const axis = normalizeAxis(attrs.axis as number, first.length);
      const out = [...first];
      out[axis] = shapes.reduce<number | null>((sum, s) => (sum === null || s![axis] === null ? null : sum + s![axis]!), 0);
      return [out];
    }
    case 'Split': {
      if (!x) return undefined;
      const axis = normalizeAxis((attrs.axis as number | undefined) ?? 0, x.length);
      const sizes = ints(inputs[1]) ?? (x[axis] === null ? undefined : Array<number>(outputs).fill(x[axis]! / outputs));
      return Array.from({ length: outputs }, (_, i) => x.map((d, j) => (j === axis ? (sizes?.[i] ?? null) : d)));
    }
    case 'Slice': {
      const [starts, ends] = [ints(inputs[1]), ints(inputs[2])];
      if (!x || !starts || !ends) return undefined;
      const axes = ints(inputs[3]) ?? starts.map((_, i) => i);
      const steps = ints(inputs[4]) ?? starts.map(() => 1);
      const out = [...x];
      axes.forEach((a, i) => {
        const axis = normalizeAxis(a, x.length);
        const size = x[axis];
        out[axis] = size === null || size === undefined ? null : sliceLength(size, starts[i]!, ends[i]!, steps[i]!);
      });
      return [out];
    }
    case 'Gather': {
      const indices = inputs[1]?.shape;
      if (!x || !indices) return undefined;
      const axis = normalizeAxis((attrs.axis as number | undefined) ?? 0, x.length);
      return [[...x.slice(0, axis), ...indices, ...x.slice(axis + 1)]];
    }
    case 'Shape':
      return x && [[x.length]];
    case 'Size':
      return [[]];
    case 'ConstantOfShape': {
      const sizes = ints(inputs[0]);
      return sizes && [sizes];
    }
    case 'Constant':
      return [(attrs.value as TensorData).dims];
    case 'Expand': {
      const target = ints(inputs[1]);
      return target && [broadcastShapes([x, target])!];
    }
    case 'Tile': {
      const repeats = ints(inputs[1]);
      return x && repeats && [x.map((d, i) => (d === null ? null : d * repeats[i]!))];
    }
    case 'Range': {
      const [start, limit, delta] = [ints(inputs[0]), ints(inputs[1]), ints(inputs[2])];
      if (!start || !limit || !delta) return [[null]];
      return [[Math.max(0, Math.ceil((limit[0]! - start[0]!) / delta[0]!))]];
    }
    case 'Pad': {
      const pads = ints(inputs[1]);
      if (!x || !pads) return undefined;
      return [x.map((d, i) => (d === null ? null : d + pads[i]! + pads[i + x.length]!))];
    }
    case 'Resize': {
      const sizes = ints(inputs[3]);
      if (sizes) return [sizes];
      const scales = ints(inputs[2]);
      return x && scales && [x.map((d, i) => (d === null ? null : Math.floor(d * scales[i]!)))];
    }
    case 'ArgMax':
    case 'ArgMin': {
      if (!x) return undefined;
      const axis = normalizeAxis((attrs.axis as number | undefined) ?? 0, x.length);
      return [attrs.keepdims === 0 ? x.filter((_, i) => i !== axis) : x.map((d, i) => (i === axis ? 1 : d))];
    }
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      if (!x) return undefined;
      const hidden = attrs.hidden_size as number;
      const dirs = attrs.direction === 'bidirectional' ? 2 : 1;
      const [seq, batch] = [x[0]!, x[1]!];
      return [
        [seq, dirs, batch, hidden],
        [dirs, batch, hidden],
        [dirs, batch, hidden],
      ].slice(0, outputs);
    }
  }
  if (REDUCE.has(op)) {
    if (!x) return undefined;
    const axes = (attrs.axes as number[] | undefined) ?? ints(inputs[1]);
    if (!axes && inputs[1]) return undefined;
    const reduced = new Set((axes?.length ? axes : x.map((_, i) => i)).map((a) => normalizeAxis(a, x.length)));
    return [attrs.keepdims === 0 ? x.filter((_, i) => !reduced.has(i)) : x.map((d, i) => (reduced.has(i) ? 1 : d))];
  }
  return undefined;
}

function dtypeOf(op: string, inputs: (KnownInput | undefined)[], attrs: Record<string, AttributeValue>): DTypeName | undefined {
  if (COMPARE.has(op) || op === 'Not' || op === 'IsNaN' || op === 'IsInf') return 'bool';
  if (op === 'Shape' || op === 'Size' || op === 'ArgMax' || op === 'ArgMin') return 'int64';
  if (op === 'Cast') return DTYPE_OF_CODE[attrs.to as number];
  if (op === 'Where') return inputs[1]?.dtype;
  if (op === 'ConstantOfShape') return attrs.value ? (attrs.value as TensorData).dtype : 'float32';
  if (op === 'Constant') return (attrs.value as TensorData).dtype;
  // QuantizeLinear's output has its zero point's type (uint8 by default); DequantizeLinear's is float.
  if (op === 'QuantizeLinear') return inputs[2]?.dtype ?? 'uint8';
  if (op === 'DequantizeLinear') return 'float32';
  return inputs[0]?.dtype;
}

/** The shapes and dtypes of an op's `outputs` outputs (each undefined where not known). */
export function inferOutputs(
  op: string,
  inputs: (KnownInput | undefined)[],
  attrs: Record<string, AttributeValue>,
  outputs: number,
): Inferred[] {
  const dtype = dtypeOf(op, inputs, attrs);
  let shapes: (Dims | undefined)[] | undefined;
  if (SAME.has(op) || op === 'Cast' || op === 'Not' || op === 'IsNaN' || op === 'IsInf') shapes = [inputs[0]?.shape];
  else if (BROADCAST.has(op) || COMPARE.has(op) || op === 'Where') shapes = [broadcastShapes(inputs.map((i) => i?.shape))];
  else shapes = shapeOf(op, inputs, attrs, outputs);
  return Array.from({ length: outputs }, (_, i) => ({
    shape: shapes?.[i],
    // MaxPool's second output holds indices.
    dtype: op === 'MaxPool' && i === 1 ? 'int64' : dtype,
  }));
}
