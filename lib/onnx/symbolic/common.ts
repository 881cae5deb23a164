/** Pieces several op families share: the symbolic function type, dtype promotion, reductions, axes. */
import type { DTypeName } from '../../native.js';
import type { GraphContext } from '../graph-context.js';
import type { NodeIR } from '../graph-ir.js';
import { isFloating } from '../tensor-data.js';
import type { TensorValue, Value } from '../values.js';

/** Translates one TorchScript node: its arguments' values in, its outputs' values out (one or a list). */
export type Symbolic = (g: GraphContext, args: Value[], node: NodeIR) => Value | Value[];

/** Symbolic functions by node kind. */
export type SymbolicTable = Record<string, Symbolic>;

const INT_ORDER: DTypeName[] = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64'];
const category = (dtype: DTypeName): number => (dtype === 'bool' ? 0 : isFloating(dtype) ? 2 : 1);

/** torch.promote_types for two dtypes. */
export function promoteTypes(a: DTypeName, b: DTypeName): DTypeName {
  if (a === b) return a;
  if (category(a) !== category(b)) return category(a) > category(b) ? a : b;
  if (isFloating(a)) {
    if (a === 'float64' || b === 'float64') return 'float64';
    return 'float32'; // float16 with bfloat16, or either with float32
  }
  if ((a === 'uint8' && b === 'int8') || (a === 'int8' && b === 'uint8')) return 'int16';
  return INT_ORDER.indexOf(a) > INT_ORDER.indexOf(b) ? a : b;
}

// A Python number's dtype class: 'int' numbers are int64, 'float' ones float32, as PyTorch's defaults.
function numberDtype(value: Value): DTypeName | undefined {
  if (value.kind === 'constant') {
    if (typeof value.value === 'boolean') return 'bool';
    if (typeof value.value === 'number') return value.type === 'float' ? 'float32' : 'int64';
    return undefined;
  }
  if (value.kind === 'tensor' && value.scalar) return value.scalar === 'float' ? 'float32' : value.scalar === 'bool' ? 'bool' : 'int64';
  return undefined;
}

/**
 * The dtype PyTorch computes `values` in: tensors with dims decide, then 0-d tensors, then
 * numbers, a lower group counting only when its kind (bool < int < float) is higher.
 */
export function resultDtype(values: Value[]): DTypeName | undefined {
  const groups: DTypeName[][] = [[], [], []];
  for (const value of values) {
    const scalarType = numberDtype(value);
    if (scalarType) groups[2]!.push(scalarType);
    else if (value.kind === 'tensor' && value.dtype) groups[value.shape?.length === 0 ? 1 : 0]!.push(value.dtype);
  }
  let result: DTypeName | undefined;
  for (const group of groups) {
    if (!group.length) continue;
    const promoted = group.reduce(promoteTypes);
    if (!result) result = promoted;
    else if (category(promoted) > category(result)) result = group === groups[2] ? (isFloating(promoted) ? 'float32' : promoted) : promoted;
  }
  return result;
}

/** The numbers of a TorchScript scalar result: int stays int, anything with a float is float. */
export function scalarKind(values: Value[]): 'int' | 'float' | 'bool' {
  const dtype = resultDtype(values);
  return dtype === 'bool' ? 'bool' : dtype && isFloating(dtype) ? 'float' : 'int';
}

/** `x` with `axes` added as size-1 dims. */
export const unsqueeze = (g: GraphContext, x: TensorValue, axes: number[]): TensorValue => g.op('Unsqueeze', [x, g.ints(axes)]);

/** `x` without the size-1 dims `axes`. */
export const squeeze = (g: GraphContext, x: TensorValue, axes: number[]): TensorValue =>
  axes.length ? g.op('Squeeze', [x, g.ints(axes)]) : x;

/** `x` with its dims permuted; itself for the identity permutation. */
export const transpose = (g: GraphContext, x: TensorValue, perm: number[]): TensorValue =>
  perm.every((p, i) => p === i) ? x : g.op('Transpose', [x], { perm });

/** A reduction over `axes` (all when undefined): ReduceSum takes them as an input from opset 13, the others from 18. */
export function reduce(g: GraphContext, type: string, x: TensorValue, axes: number[] | undefined, keepdims: boolean): TensorValue {
  const asInput = type === 'ReduceSum' || g.opset >= 18;
  if (!axes || axes.length === 0) return g.op(type, [x], { keepdims: keepdims ? 1 : 0 });
  return asInput ? g.op(type, [x, g.ints(axes)], { keepdims: keepdims ? 1 : 0 }) : g.op(type, [x], { axes, keepdims: keepdims ? 1 : 0 });
}

/** Both operands as tensors of their PyTorch result dtype (or `dtype`). */
export function commonTensors(g: GraphContext, values: Value[], dtype?: DTypeName): TensorValue[] {
  const target = dtype ?? resultDtype(values);
  return values.map((value) => g.tensor(value, target));
}

/** A dtype name from the graph's description of an output, when it gives one. */
export const irDtype = (node: NodeIR, output = 0): DTypeName | undefined => node.outputs[output]?.dtype as DTypeName | undefined;
