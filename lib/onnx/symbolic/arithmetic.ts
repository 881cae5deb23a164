/** Elementwise arithmetic, math functions, comparisons, logic, where and masked_fill. */
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { isFloating } from '../tensor-data.js';
import { constantValue, isNone, type TensorValue, type Value } from '../values.js';
import { float, optionalString, tensorArg } from './args.js';
import { commonTensors, resultDtype, scalarKind, type Symbolic, type SymbolicTable } from './common.js';

const isNumber = (value: Value | undefined): value is Value & { kind: 'constant'; value: number | boolean } =>
  value?.kind === 'constant' && (typeof value.value === 'number' || typeof value.value === 'boolean');

// Arithmetic on TorchScript numbers that are all constants is done here; the result stays a constant.
function folded(values: Value[], compute: (...n: number[]) => number | boolean, kind?: 'int' | 'float' | 'bool'): Value | undefined {
  if (!values.every(isNumber)) return undefined;
  const result = compute(...values.map((v) => Number(v.value)));
  const type = kind ?? (typeof result === 'boolean' ? 'bool' : scalarKind(values));
  return constantValue(type === 'int' && typeof result === 'number' ? Math.trunc(result) : result, type);
}

// Marks a result computed from TorchScript numbers (not tensors) as a number too.
function asScalar(result: TensorValue, values: Value[], kind?: 'int' | 'float' | 'bool'): TensorValue {
  const fromNumbers = values.every((v) => v.kind === 'constant' || (v.kind === 'tensor' && v.scalar));
  return fromNumbers ? { ...result, scalar: kind ?? scalarKind(values) } : result;
}

function binary(type: string, compute: (a: number, b: number) => number): Symbolic {
  return (g, [self, other, alpha]) => {
    const alphaValue = isNone(alpha) || alpha === undefined ? 1 : float(alpha, 'alpha');
    const constant = folded([self!, other!], (a, b) => compute(a, alphaValue * b));
    if (constant) return constant;
    const [a, b] = commonTensors(g, [self!, other!]);
    const scaled = alphaValue === 1 ? b! : g.op('Mul', [b!, g.scalar(alphaValue, b!.dtype ?? 'float32')]);
    return asScalar(g.op(type, [a!, scaled]), [self!, other!]);
  };
}

// True division: integers are divided as floats (aten::div without a rounding mode).
function divide(g: GraphContext, self: Value, other: Value, roundingMode: string | undefined): Value {
  const constant = folded(
    [self, other],
    (a, b) => (roundingMode === 'trunc' ? Math.trunc(a / b) : roundingMode === 'floor' ? Math.floor(a / b) : a / b),
    roundingMode ? undefined : 'float',
  );
  if (constant) return constant;
  const dtype = resultDtype([self, other]);
  if (!roundingMode) {
    const target = dtype && isFloating(dtype) ? dtype : 'float32';
    const [a, b] = commonTensors(g, [self, other], target);
    return asScalar(g.op('Div', [a!, b!]), [self, other], 'float');
  }
  if (roundingMode !== 'trunc' && roundingMode !== 'floor') throw new UnsupportedError(`rounding_mode '${roundingMode}' is not supported`);
  const [a, b] = commonTensors(g, [self, other], dtype);
  if (!dtype || !isFloating(dtype)) {
    if (roundingMode === 'trunc') return asScalar(g.op('Div', [a!, b!]), [self, other]); // ONNX integer Div truncates
    // floor division of integers: truncated quotient, one less where the signs differ and it is inexact.
    const quotient = g.op('Div', [a!, b!]);
    const inexact = g.op('Not', [g.op('Equal', [g.op('Mul', [quotient, b!]), a!])]);
    const zero = g.scalar(0, dtype ?? 'int64');
    const signsDiffer = g.op('Xor', [g.op('Less', [a!, zero]), g.op('Less', [b!, zero])]);
    const adjust = g.op('Cast', [g.op('And', [inexact, signsDiffer])], { to: 7 });
    return asScalar(g.op('Sub', [quotient, g.cast(adjust, dtype ?? 'int64')]), [self, other]);
  }
  const quotient = g.op('Div', [a!, b!]);
  if (roundingMode === 'floor') return g.op('Floor', [quotient]);
  // trunc for floats: floor of the magnitude, with the sign put back.
  return g.op('Mul', [g.op('Sign', [quotient]), g.op('Floor', [g.op('Abs', [quotient])])]);
}

function comparison(type: string, compute: (a: number, b: number) => boolean, negate = false): Symbolic {
  return (g, [self, other]) => {
    const constant = folded([self!, other!], compute, 'bool');
    if (constant) return constant;
    const [a, b] = commonTensors(g, [self!, other!]);
    const result = g.op(type, [a!, b!]);
    return asScalar(negate ? g.op('Not', [result]) : result, [self!, other!], 'bool');
  };
}

// The input of a float function: integer tensors are computed as float32, as PyTorch does.
function floatInput(g: GraphContext, x: Value | undefined): TensorValue {
  const input = tensorArg(x, 'self');
  return input.dtype && !isFloating(input.dtype) ? g.cast(input, 'float32') : input;
}

/** A unary op on a float tensor. */
const unaryFloat =
  (type: string): Symbolic =>
  (g, [x]) =>
    g.op(type, [floatInput(g, x)]);
const unary =
  (type: string): Symbolic =>
  (g, [x]) =>
    g.op(type, [tensorArg(x, 'self')]);

function logical(type: string): Symbolic {
  return (g, args) => {
    const inputs = args.slice(0, type === 'Not' ? 1 : 2).map((arg) => g.tensor(arg, 'bool'));
    return g.op(type, inputs);
  };
}

// x * log(base) adjustments for log2/log10.
const logBase =
  (base: number): Symbolic =>
  (g, [x]) => {
    const log = g.op('Log', [floatInput(g, x)]);
    return g.op('Div', [log, g.scalar(Math.log(base), log.dtype ?? 'float32')]);
  };

function clamp(g: GraphContext, x: TensorValue, min: Value | undefined, max: Value | undefined): TensorValue {
  const bound = (value: Value | undefined) => (isNone(value) ? undefined : g.tensor(value!, x.dtype));
  const [lo, hi] = [bound(min), bound(max)];
  // Clip takes 0-d bounds; tensor bounds broadcast through Max/Min.
  if ((lo && lo.shape?.length !== 0) || (hi && hi.shape?.length !== 0)) {
    const lower = lo ? g.op('Max', [x, lo]) : x;
    return hi ? g.op('Min', [lower, hi]) : lower;
  }
  return g.op('Clip', [x, lo, hi]);
}

const subtract = binary('Sub', (a, b) => a - b);

/** Arithmetic, math and comparison symbolics. */
export const arithmetic: SymbolicTable = {
  'aten::add': binary('Add', (a, b) => a + b),
  'aten::sub': subtract,
  'aten::rsub': (g, [self, other, alpha], node) => subtract(g, alpha ? [other!, self!, alpha] : [other!, self!], node),
  'aten::mul': binary('Mul', (a, b) => a * b),
  'aten::div': (g, [self, other, mode]) => divide(g, self!, other!, optionalString(mode, 'rounding_mode')),
  'aten::true_divide': (g, [self, other]) => divide(g, self!, other!, undefined),
  'aten::floor_divide': (g, [self, other]) => divide(g, self!, other!, 'floor'),
  'aten::floordiv': (g, [self, other]) => divide(g, self!, other!, 'floor'),
  'aten::remainder': (g, [self, other]) => {
    const constant = folded([self!, other!], (a, b) => a - Math.floor(a / b) * b);
    if (constant) return constant;
    const [a, b] = commonTensors(g, [self!, other!]);
    // Python's modulo takes the divisor's sign: fmod=0 for integers; for floats a - floor(a / b) * b.
    if (a!.dtype && !isFloating(a!.dtype)) return asScalar(g.op('Mod', [a!, b!], { fmod: 0 }), [self!, other!]);
    return g.op('Sub', [a!, g.op('Mul', [g.op('Floor', [g.op('Div', [a!, b!])]), b!])]);
  },
  'aten::pow': (g, [self, exponent]) => {
    const constant = folded([self!, exponent!], (a, b) => a ** b);
    if (constant) return constant;
    const dtype = resultDtype([self!, exponent!]);
    const base = g.tensor(self!, dtype);
    // ONNX Pow allows a different exponent type; keep the exponent integer when it is.
    const power = exponent!.kind === 'constant' ? g.tensor(exponent!, dtype) : g.tensor(exponent!);
    return g.op('Pow', [base, power]);
  },
  'aten::neg': (g, [x]) => folded([x!], (a) => -a) ?? asScalar(g.op('Neg', [g.tensor(x!)]), [x!]),
  'aten::abs': unary('Abs'),
  'aten::sign': unary('Sign'),
  'aten::sqrt': unaryFloat('Sqrt'),
  'aten::rsqrt': (g, [x]) => g.op('Reciprocal', [g.op('Sqrt', [floatInput(g, x)])]),
  'aten::reciprocal': unaryFloat('Reciprocal'),
  'aten::exp': unaryFloat('Exp'),
  'aten::log': unaryFloat('Log'),
  'aten::log2': logBase(2),
  'aten::log10': logBase(10),
  'aten::log1p': (g, [x]) => {
    const input = floatInput(g, x);
    return g.op('Log', [g.op('Add', [input, g.scalar(1, input.dtype ?? 'float32')])]);
  },
  'aten::sin': unaryFloat('Sin'),
  'aten::cos': unaryFloat('Cos'),
  'aten::tan': unaryFloat('Tan'),
  'aten::asin': unaryFloat('Asin'),
  'aten::acos': unaryFloat('Acos'),
  'aten::atan': unaryFloat('Atan'),
  'aten::erf': unaryFloat('Erf'),
  'aten::floor': unary('Floor'),
  'aten::ceil': unary('Ceil'),
  'aten::round': unary('Round'),
  'aten::square': (g, [x]) => {
    const input = tensorArg(x, 'self');
    return g.op('Mul', [input, input]);
  },
  'aten::clamp': (g, [x, min, max]) => clamp(g, tensorArg(x, 'self'), min, max),
  'aten::clip': (g, [x, min, max]) => clamp(g, tensorArg(x, 'self'), min, max),
  'aten::clamp_min': (g, [x, min]) => clamp(g, tensorArg(x, 'self'), min, undefined),
  'aten::clamp_max': (g, [x, max]) => clamp(g, tensorArg(x, 'self'), undefined, max),
  'aten::maximum': (g, args) => g.op('Max', commonTensors(g, args.slice(0, 2))),
  'aten::minimum': (g, args) => g.op('Min', commonTensors(g, args.slice(0, 2))),
  'aten::eq': comparison('Equal', (a, b) => a === b),
  'aten::ne': comparison('Equal', (a, b) => a !== b, true),
  'aten::lt': comparison('Less', (a, b) => a < b),
  'aten::le': comparison('LessOrEqual', (a, b) => a <= b),
  'aten::gt': comparison('Greater', (a, b) => a > b),
  'aten::ge': comparison('GreaterOrEqual', (a, b) => a >= b),
  'aten::logical_not': logical('Not'),
  'aten::logical_and': logical('And'),
  'aten::logical_or': logical('Or'),
  'aten::logical_xor': logical('Xor'),
  'aten::bitwise_not': (g, [x]) => {
    if (tensorArg(x, 'self').dtype !== 'bool') throw new UnsupportedError('bitwise_not is supported on bool tensors only');
    return g.op('Not', [x as TensorValue]);
  },
  'aten::__and__': logical('And'),
  'aten::__or__': logical('Or'),
  'aten::isnan': (g, [x]) => g.op('IsNaN', [tensorArg(x, 'self')]),
  'aten::where': (g, [condition, self, other]) => {
    if (self === undefined) throw new UnsupportedError('where(condition) with one argument (nonzero) is not supported');
    const [a, b] = commonTensors(g, [self, other!]);
    return g.op('Where', [g.tensor(condition!, 'bool'), a!, b!]);
  },
  'aten::masked_fill': (g, [self, mask, value]) => {
    const x = tensorArg(self, 'self');
    return g.op('Where', [g.tensor(mask!, 'bool'), g.tensor(value!, x.dtype), x]);
  },
};
