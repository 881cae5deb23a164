/** Reductions: mean, sum, prod, amax/amin, max/min (all three forms), argmax/argmin, norm, logsumexp, cumsum. */
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { dtypeOfScalarType } from '../tensor-data.js';
import { isNone, type TensorValue, type Value } from '../values.js';
import { bool, dimArg, float, int, rankOf, staticInts, tensorArg } from './args.js';
import { commonTensors, reduce, type Symbolic, type SymbolicTable } from './common.js';

function dims(value: Value | undefined, rank: number): number[] | undefined {
  if (isNone(value)) return undefined;
  const list = staticInts(value);
  if (!list) throw new UnsupportedError('the reduced dims must be constant');
  return list.map((d) => dimArg({ kind: 'constant', value: d, type: 'int' }, Math.max(rank, 1)));
}

const withDtype = (g: GraphContext, x: TensorValue, dtype: Value | undefined) =>
  dtype && !isNone(dtype) && dtype.kind === 'constant' ? g.cast(x, dtypeOfScalarType(int(dtype, 'dtype'))) : x;

// (self, dtype) reduces everything; (self, dim, keepdim, dtype) the given dims.
function reduction(type: string, integersAsInt64 = false): Symbolic {
  return (g, args) => {
    let x = tensorArg(args[0], 'self');
    const rank = rankOf(x, 'the input');
    const all = args.length <= 2;
    x = withDtype(g, x, all ? args[1] : args[3]);
    // PyTorch sums bool and integer tensors as int64.
    if (integersAsInt64 && (x.dtype === 'bool' || x.dtype === 'int32' || x.dtype === 'int16' || x.dtype === 'int8' || x.dtype === 'uint8'))
      x = g.cast(x, 'int64');
    if (all) return reduce(g, type, x, undefined, false);
    const axes = dims(args[1], rank);
    return reduce(g, type, x, axes, bool(args[2], 'keepdim'));
  };
}

function extreme(type: 'Max' | 'Min'): Symbolic {
  return (g, args, node) => {
    const x = tensorArg(args[0], 'self');
    if (args.length === 1) return reduce(g, `Reduce${type}`, x, undefined, false);
    if (args[1]!.kind === 'tensor' && node.outputs.length === 1) return g.op(type, commonTensors(g, [x, args[1]!]));
    const axis = dimArg(args[1], rankOf(x, 'the input'));
    const keepdim = args[2] !== undefined && bool(args[2], 'keepdim');
    return [reduce(g, `Reduce${type}`, x, [axis], keepdim), g.op(`Arg${type}`, [x], { axis, keepdims: keepdim ? 1 : 0 })];
  };
}

function argExtreme(type: 'ArgMax' | 'ArgMin'): Symbolic {
  return (g, [self, dim, keepdim]) => {
    let x = tensorArg(self, 'self');
    const keep = keepdim !== undefined && bool(keepdim, 'keepdim');
    if (isNone(dim)) {
      x = g.op('Reshape', [x, g.ints([-1])]);
      return g.op(type, [x], { axis: 0, keepdims: 0 });
    }
    return g.op(type, [x], { axis: dimArg(dim, rankOf(x, 'the input')), keepdims: keep ? 1 : 0 });
  };
}

function norm(g: GraphContext, x: TensorValue, p: number, axes: number[] | undefined, keepdim: boolean): TensorValue {
  if (p === 2) return reduce(g, 'ReduceL2', x, axes, keepdim);
  if (p === 1) return reduce(g, 'ReduceL1', x, axes, keepdim);
  if (p === Infinity) return reduce(g, 'ReduceMax', g.op('Abs', [x]), axes, keepdim);
  throw new UnsupportedError(`norm with p=${p} is not supported (only 1, 2 and inf)`);
}

const productOfAll = reduction('ReduceProd', true);

/** Reduction symbolics. */
export const reductions: SymbolicTable = {
  'aten::mean': reduction('ReduceMean'),
  'aten::sum': reduction('ReduceSum', true),
  'aten::prod': (g, args, node) => {
    if (args.length <= 2) return productOfAll(g, args, node);
    // prod.dim_int(self, dim, keepdim, dtype): one dim.
    const x = tensorArg(args[0], 'self');
    return reduce(g, 'ReduceProd', withDtype(g, x, args[3]), [dimArg(args[1], rankOf(x, 'the input'))], bool(args[2], 'keepdim'));
  },
  'aten::amax': (g, [self, dim, keepdim]) => {
    const x = tensorArg(self, 'self');
    return reduce(g, 'ReduceMax', x, dims(dim, rankOf(x, 'the input')), bool(keepdim, 'keepdim'));
  },
  'aten::amin': (g, [self, dim, keepdim]) => {
    const x = tensorArg(self, 'self');
    return reduce(g, 'ReduceMin', x, dims(dim, rankOf(x, 'the input')), bool(keepdim, 'keepdim'));
  },
  'aten::max': extreme('Max'),
  'aten::min': extreme('Min'),
  'aten::argmax': argExtreme('ArgMax'),
  'aten::argmin': argExtreme('ArgMin'),
  'aten::norm': (g, [self, p, dim, keepdim]) => {
    const x = tensorArg(self, 'self');
    return norm(
      g,
      x,
      isNone(p) || p === undefined ? 2 : float(p, 'p'),
      dims(dim, rankOf(x, 'the input')),
      keepdim !== undefined && bool(keepdim, 'keepdim'),
    );
  },
  'aten::linalg_vector_norm': (g, [self, ord, dim, keepdim]) => {
    const x = tensorArg(self, 'self');
    return norm(g, x, float(ord, 'ord'), dims(dim, rankOf(x, 'the input')), bool(keepdim, 'keepdim'));
  },
  'aten::logsumexp': (g, [self, dim, keepdim]) => {
    const x = tensorArg(self, 'self');
    return reduce(g, 'ReduceLogSumExp', x, dims(dim, rankOf(x, 'the input')), bool(keepdim, 'keepdim'));
  },
  'aten::cumsum': (g, [self, dim, dtype]) => {
    const x = withDtype(g, tensorArg(self, 'self'), dtype);
    return g.op('CumSum', [x, g.scalar(dimArg(dim, rankOf(x, 'the input')), 'int64')]);
  },
};
