/** TorchScript's own nodes: constants, lists and tuples, and the dtype/device queries. */
import { Tensor } from '../../tensor/tensor.js';
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import type { ConstantIR, NodeIR } from '../graph-ir.js';
import { tensorData } from '../tensor-data.js';
import { constantValue, type TensorValue, type Value } from '../values.js';
import { rankOf, tensorArg } from './args.js';
import type { SymbolicTable } from './common.js';

// c10::ScalarType codes of the dtypes, for prim::dtype.
const SCALAR_TYPE_CODES: Record<string, number> = {
  uint8: 0,
  int8: 1,
  int16: 2,
  int32: 3,
  int64: 4,
  float16: 5,
  float32: 6,
  float64: 7,
  bool: 11,
  bfloat16: 15,
};

function constant(g: GraphContext, value: ConstantIR | undefined, type: string): Value {
  if (value instanceof Tensor) return g.constant(tensorData(value));
  if (Array.isArray(value) && value.some((v) => v instanceof Tensor))
    return { kind: 'list', items: (value as Tensor[]).map((t) => g.constant(tensorData(t))) };
  return constantValue((value ?? null) as Exclude<ConstantIR, Tensor | Tensor[]>, type);
}

// The items of a list or tuple; a 1-D tensor (size()) splits into its elements.
function unpack(g: GraphContext, value: Value | undefined, node: NodeIR): Value[] {
  if (value?.kind === 'list') return value.items;
  if (value?.kind === 'constant' && Array.isArray(value.value)) {
    const itemType = value.type.replace(/\[\]$/, '');
    return value.value.map((v) => constantValue(v, itemType));
  }
  const x = tensorArg(value, 'the unpacked value');
  if (rankOf(x, 'the unpacked value') !== 1) throw new UnsupportedError('only lists, tuples and 1-D tensors can be unpacked');
  return node.outputs.map((_, i): TensorValue => ({ ...g.op('Gather', [x, g.scalar(i, 'int64')], { axis: 0 }), scalar: 'int' }));
}

/** TorchScript primitive symbolics. */
export const prim: SymbolicTable = {
  'prim::Constant': (g, _args, node) => constant(g, node.value, node.outputs[0]?.type ?? ''),
  'prim::ListConstruct': (_g, args, node) => {
    // A list of constant numbers stays one constant (sizes, dims); anything else is a list of values.
    const type = node.outputs[0]?.type ?? '';
    if (args.every((a) => a.kind === 'constant' && (typeof a.value === 'number' || typeof a.value === 'boolean')))
      return constantValue(
        args.map((a) => (a as { value: number }).value),
        type,
      );
    return { kind: 'list', items: args };
  },
  'prim::TupleConstruct': (_g, args) => ({ kind: 'list', items: args }),
  'prim::ListUnpack': (g, [value], node) => unpack(g, value, node),
  'prim::TupleUnpack': (g, [value], node) => unpack(g, value, node),
  'prim::TupleIndex': (_g, [tuple, index]) => {
    if (tuple?.kind !== 'list' || index?.kind !== 'constant') throw new UnsupportedError('tuple index must be constant');
    return tuple.items[Number(index.value)]!;
  },
  'prim::dtype': (_g, [x]) => {
    const dtype = tensorArg(x, 'self').dtype;
    if (!dtype) throw new UnsupportedError('the dtype of the tensor is not known');
    return constantValue(SCALAR_TYPE_CODES[dtype] ?? 6, 'int');
  },
  'prim::device': () => constantValue('cpu', 'Device'),
  'aten::len': (_g, [list]) => {
    if (list?.kind === 'list') return constantValue(list.items.length, 'int');
    if (list?.kind === 'constant' && Array.isArray(list.value)) return constantValue(list.value.length, 'int');
    throw new UnsupportedError('len of a computed list is not supported');
  },
};
