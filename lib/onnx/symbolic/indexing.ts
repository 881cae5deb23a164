/** Joining, splitting and indexing: cat, stack, split, chunk, unbind, slice, select, narrow, index, embedding. */
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { isNone, type ListValue, type TensorValue, type Value } from '../values.js';
import { dimArg, int, ints, listItems, optionalInt, rankOf, sizeOf, tensorArg } from './args.js';
import { commonTensors, squeeze, unsqueeze, type SymbolicTable } from './common.js';

const INT64_MAX = 2 ** 63;

function splitInto(g: GraphContext, x: TensorValue, sizes: number[], axis: number): ListValue {
  if (sizes.length === 1) return { kind: 'list', items: [x] };
  return { kind: 'list', items: g.ops('Split', [x, g.ints(sizes)], { axis }, sizes.length) };
}

// split(size): pieces of `size`, the last one smaller.
function evenSizes(total: number, size: number): number[] {
  const sizes: number[] = [];
  for (let start = 0; start < total; start += size) sizes.push(Math.min(size, total - start));
  return sizes;
}

function slice(g: GraphContext, x: TensorValue, axis: number, start: Value | number, end: Value | number, step = 1): TensorValue {
  const bound = (value: Value | number) =>
    typeof value === 'number' ? g.ints([value]) : g.op('Reshape', [g.tensor(value, 'int64'), g.ints([1])]);
  if (typeof start === 'number' && typeof end === 'number' && step === 1 && start === 0) {
    const size = x.shape?.[axis];
    if (end >= INT64_MAX / 2 || (typeof size === 'number' && end >= size && !g.dynamic)) return x;
  }
  return g.op('Slice', [x, bound(start), bound(end), g.ints([axis]), g.ints([step])]);
}

// A slice bound: a constant int, INT64_MAX for None, or a number computed in the graph.
const boundOf = (value: Value | undefined, fallback: number): Value | number => {
  if (isNone(value)) return fallback;
  if (value!.kind === 'tensor' && !value!.constant) return value!;
  return optionalInt(value, 'slice bound') ?? fallback;
};

function concat(g: GraphContext, list: Value | undefined, dim: Value | undefined, stack: boolean): TensorValue {
  let items = commonTensors(g, listItems(list, 'tensors'));
  if (items.length === 0) throw new UnsupportedError('cat of no tensors');
  // PyTorch's cat skips 1-D empty tensors.
  const nonEmpty = items.filter((t) => !(t.shape?.length === 1 && t.shape[0] === 0));
  if (nonEmpty.length) items = nonEmpty;
  const rank = rankOf(items[0]!, 'the first tensor') + (stack ? 1 : 0);
  const axis = dimArg(dim ?? { kind: 'constant', value: 0, type: 'int' }, rank);
  if (stack) items = items.map((t) => unsqueeze(g, t, [axis]));
  return items.length === 1 ? items[0]! : g.op('Concat', items, { axis });
}

/** Indexing symbolics. */
export const indexing: SymbolicTable = {
  'aten::cat': (g, [tensors, dim]) => concat(g, tensors, dim, false),
  'aten::concat': (g, [tensors, dim]) => concat(g, tensors, dim, false),
  'aten::stack': (g, [tensors, dim]) => concat(g, tensors, dim, true),
  'aten::split': (g, [self, size, dimValue]) => {
    const x = tensorArg(self, 'self');
    const axis = dimArg(dimValue, rankOf(x, 'the input'));
    const total = sizeOf(x, axis, 'the input');
    const sizes =
      size?.kind === 'constant' && Array.isArray(size.value) ? ints(size, 'split_sizes') : evenSizes(total, int(size, 'split_size'));
    return splitInto(g, x, sizes, axis);
  },
  'aten::split_with_sizes': (g, [self, sizes, dimValue]) => {
    const x = tensorArg(self, 'self');
    return splitInto(g, x, ints(sizes, 'split_sizes'), dimArg(dimValue, rankOf(x, 'the input')));
  },
  'aten::chunk': (g, [self, chunks, dimValue]) => {
    const x = tensorArg(self, 'self');
    const axis = dimArg(dimValue, rankOf(x, 'the input'));
    const total = sizeOf(x, axis, 'the input');
    return splitInto(g, x, evenSizes(total, Math.ceil(total / int(chunks, 'chunks'))), axis);
  },
  'aten::unbind': (g, [self, dimValue]) => {
    const x = tensorArg(self, 'self');
    const axis = dimArg(dimValue, rankOf(x, 'the input'));
    const pieces = splitInto(g, x, Array<number>(sizeOf(x, axis, 'the input')).fill(1), axis);
    return { kind: 'list', items: pieces.items.map((piece) => squeeze(g, piece as TensorValue, [axis])) };
  },
  'aten::slice': (g, [self, dimValue, start, end, step]) => {
    const x = tensorArg(self, 'self');
    const axis = dimArg(dimValue ?? { kind: 'constant', value: 0, type: 'int' }, rankOf(x, 'the input'));
    return slice(g, x, axis, boundOf(start, 0), boundOf(end, INT64_MAX), step === undefined ? 1 : int(step, 'step'));
  },
  'aten::narrow': (g, [self, dimValue, start, length]) => {
    const x = tensorArg(self, 'self');
    const axis = dimArg(dimValue, rankOf(x, 'the input'));
    const from = int(start, 'start');
    return slice(g, x, axis, from, from + int(length, 'length'));
  },
  'aten::select': (g, [self, dimValue, index]) => {
    const x = tensorArg(self, 'self');
    const axis = dimArg(dimValue, rankOf(x, 'the input'));
    return g.op('Gather', [x, g.tensor(index!, 'int64')], { axis });
  },
  'aten::index_select': (g, [self, dimValue, index]) => {
    const x = tensorArg(self, 'self');
    return g.op('Gather', [x, g.cast(tensorArg(index, 'index'), 'int64')], { axis: dimArg(dimValue, rankOf(x, 'the input')) });
  },
  'aten::index': (g, [self, indices]) => {
    const x = tensorArg(self, 'self');
    const items = listItems(indices, 'indices');
    const given = items.flatMap((item, axis) => (isNone(item) ? [] : [{ item, axis }]));
    if (given.length !== 1) throw new UnsupportedError('indexing with more than one index tensor is not supported');
    const index = tensorArg(given[0]!.item, 'index');
    if (index.dtype === 'bool') throw new UnsupportedError('indexing with a boolean mask is not supported');
    return g.op('Gather', [x, g.cast(index, 'int64')], { axis: given[0]!.axis });
  },
  'aten::embedding': (g, [weight, indices]) =>
    g.op('Gather', [tensorArg(weight, 'weight'), g.cast(tensorArg(indices, 'indices'), 'int64')], { axis: 0 }),
  'aten::__getitem__': (g, [list, index]) => {
    if (list?.kind === 'list') {
      const i = int(index, 'index');
      const item = list.items[i < 0 ? i + list.items.length : i];
      if (!item) throw new UnsupportedError(`list index ${i} out of range`);
      return item;
    }
    return g.op('Gather', [tensorArg(list, 'list'), g.tensor(index!, 'int64')], { axis: 0 });
  },
};
