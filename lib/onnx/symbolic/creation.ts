/** Tensor factories (zeros, ones, full, *_like, new_*, arange) and tril/triu. */
import type { DTypeName } from '../../native.js';
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { dtypeOfScalarType, makeTensorData } from '../tensor-data.js';
import { isNone, type TensorValue, type Value } from '../values.js';
import { float, int, staticInts, tensorArg } from './args.js';
import type { Symbolic, SymbolicTable } from './common.js';

// Constants up to this many elements are written out; larger ones are made by ConstantOfShape.
const INLINE_ELEMENTS = 1 << 16;

const dtypeArg = (value: Value | undefined, fallback: DTypeName): DTypeName =>
  !value || isNone(value) ? fallback : dtypeOfScalarType(int(value, 'dtype'));

function filled(g: GraphContext, size: Value, fill: number, dtype: DTypeName): TensorValue {
  const sizes = staticInts(size);
  if (sizes) {
    const numel = sizes.reduce((a, b) => a * b, 1);
    if (numel <= INLINE_ELEMENTS) return g.constant(makeTensorData(dtype, sizes, Array<number>(numel).fill(fill)));
  }
  return g.op('ConstantOfShape', [g.tensor(size, 'int64')], { value: makeTensorData(dtype, [1], [fill]) });
}

const factory =
  (fill: number | undefined): Symbolic =>
  (g, [size, ...rest]) => {
    // full(size, fill_value, dtype, ...); zeros/ones(size, dtype, ...)
    const value = fill ?? float(rest[0], 'fill_value');
    const dtypeValue = fill === undefined ? rest[1] : rest[0];
    const natural: DTypeName = fill === undefined && rest[0]?.kind === 'constant' && rest[0].type === 'int' ? 'int64' : 'float32';
    return filled(g, size!, value, dtypeArg(dtypeValue, natural));
  };

const like =
  (fill: number | undefined): Symbolic =>
  (g, [self, ...rest]) => {
    const x = tensorArg(self, 'self');
    const value = fill ?? float(rest[0], 'fill_value');
    const dtype = dtypeArg(fill === undefined ? rest[1] : rest[0], x.dtype ?? 'float32');
    return g.op('ConstantOfShape', [g.op('Shape', [x])], { value: makeTensorData(dtype, [1], [value]) });
  };

const newFilled =
  (fill: number | undefined): Symbolic =>
  (g, [self, size, ...rest]) => {
    const x = tensorArg(self, 'self');
    const value = fill ?? float(rest[0], 'fill_value');
    return filled(g, size!, value, dtypeArg(fill === undefined ? rest[1] : rest[0], x.dtype ?? 'float32'));
  };

const arange: Symbolic = (g, args) => {
  // arange(end, dtype, ...): 5 arguments; arange(start, end, dtype, ...): 6; arange(start, end, step, dtype, ...): 7.
  const [start, end, step, dtypeValue] =
    args.length <= 5 ? [undefined, args[0], undefined, args[1]] : args.length === 6 ? [args[0], args[1], undefined, args[2]] : args;
  const numbers = [start, end, step].filter((v): v is Value => v !== undefined);
  const floating = numbers.some((v) => v.kind === 'constant' && v.type === 'float');
  const dtype = dtypeArg(dtypeValue, floating ? 'float32' : 'int64');
  if (numbers.some((v) => v.kind === 'tensor' && !g.constantOf(v))) {
    const bound = (value: Value | undefined, fallback: number) =>
      value === undefined ? g.scalar(fallback, dtype) : g.tensor(value, dtype);
    return g.op('Range', [bound(start, 0), bound(end, 0), bound(step, 1)]);
  }
  const [from, to, by] = [start === undefined ? 0 : float(start, 'start'), float(end, 'end'), step === undefined ? 1 : float(step, 'step')];
  const count = Math.max(0, Math.ceil((to - from) / by));
  return g.constant(
    makeTensorData(
      dtype,
      [count],
      Array.from({ length: count }, (_, i) => from + i * by),
    ),
  );
};

function triangle(upper: boolean): Symbolic {
  return (g, [self, diagonal]) => {
    if (g.opset < 14) throw new UnsupportedError(`${upper ? 'triu' : 'tril'} needs ONNX opset 14 or later (Trilu)`);
    const k = diagonal === undefined ? 0 : int(diagonal, 'diagonal');
    return g.op('Trilu', [tensorArg(self, 'self'), g.scalar(k, 'int64')], { upper: upper ? 1 : 0 });
  };
}

/** Factory symbolics. */
export const creation: SymbolicTable = {
  'aten::zeros': factory(0),
  'aten::ones': factory(1),
  'aten::full': factory(undefined),
  'aten::zeros_like': like(0),
  'aten::ones_like': like(1),
  'aten::full_like': like(undefined),
  'aten::new_zeros': newFilled(0),
  'aten::new_ones': newFilled(1),
  'aten::new_full': newFilled(undefined),
  'aten::arange': arange,
  'aten::tril': triangle(false),
  'aten::triu': triangle(true),
};
