/**
 * Shape ops: reshape/view/flatten/unflatten, permute/transpose, squeeze/unsqueeze, expand,
 * repeat, identities (contiguous, clone, detach), casts (to, type_as), and TorchScript's size
 * arithmetic (size, numel, NumToTensor, Int, Float).
 * @module
 */
import type { DTypeName } from '../../native.js';
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { dtypeOfScalarType, isFloating, numbersOf } from '../tensor-data.js';
import { constantValue, isNone, type TensorValue, type Value } from '../values.js';
import { dimArg, int, ints, rankOf, staticInts, tensorArg } from './args.js';
import { squeeze, transpose, unsqueeze, type Symbolic, type SymbolicTable } from './common.js';
import { reshapeTarget } from './reshape.js';

/** `x` reshaped to `size` (a constant list with -1 allowed, or a list computed in the graph). */
export function reshape(g: GraphContext, x: TensorValue, size: Value): TensorValue {
  const target = staticInts(size);
  if (!target) return g.op('Reshape', [x, g.tensor(size, 'int64')]);
  if (x.shape && target.length === x.shape.length && target.every((d, i) => d === x.shape![i])) return x;
  return withTracedShape(g.op('Reshape', [x, reshapeTarget(g, x, target, g.dynamic)]), x, target);
}

// A computed target hides the sizes from inference; they are the traced target's.
function withTracedShape(out: TensorValue, x: TensorValue, target: number[]): TensorValue {
  if (out.shape && !out.shape.includes(null)) return out;
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const total = x.shape?.every((d) => d !== null) ? x.shape.reduce((a, b) => a * b, 1) : undefined;
  if (target.includes(-1) && total === undefined) return out;
  return { ...out, shape: target.map((d) => (d === -1 ? total! / known : d)) };
}

function flatten(g: GraphContext, x: TensorValue, startArg: Value | undefined, endArg: Value | undefined): TensorValue {
  const rank = rankOf(x, 'the input');
  if (rank === 0) return reshape(g, x, constantValue([1], 'int[]'));
  const start = dimArg(startArg, rank, 'start_dim');
  const end = dimArg(endArg, rank, 'end_dim');
  if (start === end) return x;
  if (start === 1 && end === rank - 1) return g.op('Flatten', [x], { axis: 1 });
  if (end === rank - 1) return g.op('Reshape', [x, g.ints([...Array<number>(start).fill(0), -1])]);
  const shape = x.shape!;
  if (shape.slice(end + 1).some((d) => d === null)) throw new UnsupportedError('flatten needs the sizes of the dims after end_dim');
  const target = [...shape.slice(0, start).map((d) => d ?? 0), -1, ...(shape.slice(end + 1) as number[])];
  return withTracedShape(g.op('Reshape', [x, reshapeTarget(g, x, target, g.dynamic)]), x, target);
}

function permutation(rank: number, dim0: number, dim1: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[dim0], perm[dim1]] = [perm[dim1]!, perm[dim0]!];
  return perm;
}

// expand's sizes: -1 keeps the input's size, which ONNX's broadcasting Expand spells 1; so does a
// size equal to the input's (so that a traced batch size does not stick).
function expandShape(x: TensorValue, sizes: number[]): number[] {
  const rank = x.shape?.length ?? 0;
  return sizes.map((size, i) => {
    const own = x.shape?.[i - (sizes.length - rank)];
    return size === -1 || (own !== undefined && own !== 1 && own === size) ? 1 : size;
  });
}

function toDtype(g: GraphContext, x: TensorValue, dtype: Value | undefined): TensorValue {
  if (!dtype || isNone(dtype)) return x;
  if (dtype.kind === 'tensor' && !dtype.scalar) return g.cast(x, dtype.dtype);
  return g.cast(x, dtypeOfScalarType(int(dtype, 'dtype')));
}

// aten::to's overloads: (self, dtype, ...), (self, device, dtype, ...), (self, other, ...), (self, dtype?, layout?, device?, ...).
const to: Symbolic = (g, [self, first, second]) => {
  const x = tensorArg(self, 'self');
  if (first?.kind === 'constant' && typeof first.value === 'string') return toDtype(g, x, second);
  return toDtype(g, x, first);
};

const identity: Symbolic = (_g, [x]) => x!;

function sizeOfDim(g: GraphContext, x: TensorValue, dim: number): Value {
  const known = x.shape?.[dim];
  if (!g.dynamic && typeof known === 'number') return constantValue(known, 'int');
  const size = g.op('Gather', [g.op('Shape', [x]), g.scalar(dim, 'int64')], { axis: 0 });
  return { ...size, scalar: 'int' };
}

function scalarCast(kind: 'int' | 'float' | 'bool', dtype: DTypeName): Symbolic {
  return (g, [value]) => {
    if (value!.kind === 'constant') return constantValue(kind === 'bool' ? Boolean(value!.value) : Number(value!.value), kind);
    const x = tensorArg(value, 'self');
    const known = g.constantOf(x);
    if (known && known.dims.every((d) => d === 1)) {
      const number = numbersOf(known)[0]!;
      return constantValue(kind === 'int' ? Math.trunc(number) : kind === 'bool' ? Boolean(number) : number, kind);
    }
    return { ...g.cast(x.shape?.length ? g.op('Reshape', [x, g.ints([])]) : x, dtype), scalar: kind };
  };
}

/** Shape symbolics. */
export const shape: SymbolicTable = {
  'aten::reshape': (g, [x, size]) => reshape(g, tensorArg(x, 'self'), size!),
  'aten::view': (g, [x, size]) => reshape(g, tensorArg(x, 'self'), size!),
  'aten::_reshape_alias': (g, [x, size]) => reshape(g, tensorArg(x, 'self'), size!),
  'aten::reshape_as': (g, [x, other]) => g.op('Reshape', [tensorArg(x, 'self'), g.op('Shape', [tensorArg(other, 'other')])]),
  'aten::view_as': (g, [x, other]) => g.op('Reshape', [tensorArg(x, 'self'), g.op('Shape', [tensorArg(other, 'other')])]),
  'aten::flatten': (g, [x, start, end]) => flatten(g, tensorArg(x, 'self'), start, end),
  'aten::unflatten': (g, [self, dimValue, sizes]) => {
    const x = tensorArg(self, 'self');
    const rank = rankOf(x, 'the input');
    const dim = dimArg(dimValue, rank);
    if (x.shape!.some((d, i) => i !== dim && d === null)) throw new UnsupportedError('unflatten needs the sizes of the other dims');
    const target = [...(x.shape!.slice(0, dim) as number[]), ...ints(sizes, 'sizes'), ...(x.shape!.slice(dim + 1) as number[])];
    return withTracedShape(g.op('Reshape', [x, reshapeTarget(g, x, target, g.dynamic)]), x, target);
  },
  'aten::permute': (g, [x, dims]) => {
    const input = tensorArg(x, 'self');
    const rank = rankOf(input, 'the input');
    return transpose(
      g,
      input,
      ints(dims, 'dims').map((d) => (d < 0 ? d + rank : d)),
    );
  },
  'aten::transpose': (g, [x, dim0, dim1]) => {
    const input = tensorArg(x, 'self');
    const rank = rankOf(input, 'the input');
    if (rank < 2) return input;
    return transpose(g, input, permutation(rank, dimArg(dim0, rank, 'dim0'), dimArg(dim1, rank, 'dim1')));
  },
  'aten::squeeze': (g, [x, dimValue]) => {
    const input = tensorArg(x, 'self');
    const rank = rankOf(input, 'the input');
    if (dimValue === undefined) {
      if (input.shape!.some((d) => d === null)) return g.op('Squeeze', [input]);
      return squeeze(
        g,
        input,
        input.shape!.flatMap((d, i) => (d === 1 ? [i] : [])),
      );
    }
    // squeeze(dim) of a dim whose size is not 1 is a no-op, as in PyTorch.
    const dims = (staticInts(dimValue) ?? [int(dimValue, 'dim')]).map((d) => dimArg(constantValue(d, 'int'), rank));
    return squeeze(
      g,
      input,
      dims.filter((d) => input.shape![d] === 1),
    );
  },
  'aten::unsqueeze': (g, [x, dim]) => {
    const input = tensorArg(x, 'self');
    return unsqueeze(g, input, [dimArg(dim, rankOf(input, 'the input') + 1)]);
  },
  'aten::expand': (g, [x, size]) => {
    const input = tensorArg(x, 'self');
    const sizes = staticInts(size);
    return g.op('Expand', [input, sizes ? g.ints(expandShape(input, sizes)) : g.tensor(size!, 'int64')]);
  },
  'aten::expand_as': (g, [x, other]) => g.op('Expand', [tensorArg(x, 'self'), g.op('Shape', [tensorArg(other, 'other')])]),
  'aten::repeat': (g, [x, repeatsValue]) => {
    let input = tensorArg(x, 'self');
    const repeats = ints(repeatsValue, 'repeats');
    const rank = rankOf(input, 'the input');
    if (repeats.length > rank)
      input = unsqueeze(
        g,
        input,
        Array.from({ length: repeats.length - rank }, (_, i) => i),
      );
    return g.op('Tile', [input, g.ints(repeats)]);
  },
  'aten::flip': (g, [x, dims]) => {
    const input = tensorArg(x, 'self');
    const rank = rankOf(input, 'the input');
    const axes = ints(dims, 'dims').map((d) => (d < 0 ? d + rank : d));
    // Each flipped dim read backwards: from its last element to before its first.
    return g.op('Slice', [input, g.ints(axes.map(() => -1)), g.ints(axes.map(() => -(2 ** 63))), g.ints(axes), g.ints(axes.map(() => -1))]);
  },
  'aten::contiguous': identity,
  'aten::clone': identity,
  'aten::detach': identity,
  'aten::alias': identity,
  'aten::lift_fresh': identity,
  'aten::dropout': (_g, [x, , train]) => {
    if (train && train.kind === 'constant' && train.value === true)
      throw new UnsupportedError('dropout in training mode cannot be exported: call model.eval() first');
    return x!;
  },
  'aten::feature_dropout': identity,
  'aten::alpha_dropout': identity,
  'aten::feature_alpha_dropout': identity,
  'aten::to': to,
  'aten::type_as': (g, [x, other]) => g.cast(tensorArg(x, 'self'), tensorArg(other, 'other').dtype),
  'aten::size': (g, [x, dim]) => {
    const input = tensorArg(x, 'self');
    if (dim === undefined) {
      const rank = rankOf(input, 'the input');
      return { kind: 'list', items: Array.from({ length: rank }, (_, i) => sizeOfDim(g, input, i)) };
    }
    return sizeOfDim(g, input, dimArg(dim, rankOf(input, 'the input')));
  },
  'aten::numel': (g, [x]) => {
    const input = tensorArg(x, 'self');
    if (!g.dynamic && input.shape?.every((d) => d !== null))
      return constantValue(
        input.shape.reduce((a, b) => a * b, 1),
        'int',
      );
    return { ...g.op('Size', [input]), scalar: 'int' };
  },
  'aten::dim': (_g, [x]) => constantValue(rankOf(tensorArg(x, 'self'), 'the input'), 'int'),
  'prim::NumToTensor': (g, [x]) => {
    const value = g.tensor(x!);
    return { ...value, scalar: undefined };
  },
  'aten::Int': scalarCast('int', 'int64'),
  'aten::Float': scalarCast('float', 'float32'),
  'aten::Bool': scalarCast('bool', 'bool'),
  'aten::ScalarImplicit': (g, args, node) => {
    const x = args[0]!;
    const integral = x.kind === 'tensor' && x.dtype !== undefined && !isFloating(x.dtype);
    return integral ? scalarCast('int', 'int64')(g, args, node) : scalarCast('float', 'float32')(g, args, node);
  },
};
