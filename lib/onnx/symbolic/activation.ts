/** Activations, softmax and log-softmax. */
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { dtypeOfScalarType } from '../tensor-data.js';
import { isNone, type TensorValue, type Value } from '../values.js';
import { dimArg, float, optionalString, rankOf, tensorArg } from './args.js';
import type { Symbolic, SymbolicTable } from './common.js';

const unary =
  (type: string, attributes: Record<string, number> = {}): Symbolic =>
  (g, [x]) =>
    g.op(type, [tensorArg(x, 'self')], attributes);

const constantLike = (g: GraphContext, x: TensorValue, value: number) => g.scalar(value, x.dtype ?? 'float32');

function gelu(g: GraphContext, x: TensorValue, approximate: string): TensorValue {
  if (approximate !== 'none' && approximate !== 'tanh') throw new UnsupportedError(`gelu approximate='${approximate}' is not supported`);
  if (g.opset >= 20) return g.op('Gelu', [x], { approximate });
  const half = g.op('Mul', [x, constantLike(g, x, 0.5)]);
  if (approximate === 'none') {
    // 0.5 x (1 + erf(x / sqrt 2))
    const erf = g.op('Erf', [g.op('Div', [x, constantLike(g, x, Math.SQRT2)])]);
    return g.op('Mul', [half, g.op('Add', [erf, constantLike(g, x, 1)])]);
  }
  // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
  const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Mul', [
    g.op('Add', [x, g.op('Mul', [cube, constantLike(g, x, 0.044715)])]),
    constantLike(g, x, Math.sqrt(2 / Math.PI)),
  ]);
  return g.op('Mul', [half, g.op('Add', [g.op('Tanh', [inner]), constantLike(g, x, 1)])]);
}

function softplus(g: GraphContext, x: TensorValue, beta: number): TensorValue {
  // ONNX's Softplus has no threshold; above it PyTorch returns x, where log(1 + e^x) equals x in float32 anyway.
  if (beta === 1) return g.op('Softplus', [x]);
  const scaled = g.op('Softplus', [g.op('Mul', [x, constantLike(g, x, beta)])]);
  return g.op('Div', [scaled, constantLike(g, x, beta)]);
}

function softmax(type: 'Softmax' | 'LogSoftmax'): Symbolic {
  return (g, [self, dim, dtype]) => {
    let x = tensorArg(self, 'self');
    // _softmax(self, dim, half_to_float) has a bool third argument; softmax.int a dtype or None.
    if (dtype && !isNone(dtype) && dtype.kind === 'constant' && typeof dtype.value === 'number')
      x = g.cast(x, dtypeOfScalarType(dtype.value));
    const rank = rankOf(x, 'the input');
    if (rank === 0) throw new UnsupportedError(`${type.toLowerCase()} of a 0-d tensor is not supported`);
    return g.op(type, [x], { axis: dimArg(dim, rank) });
  };
}

const scalarOr = (value: Value | undefined, fallback: number, what: string) => (value === undefined ? fallback : float(value, what));

/** Activation symbolics. */
export const activation: SymbolicTable = {
  'aten::relu': unary('Relu'),
  'aten::relu6': (g, [x]) => {
    const input = tensorArg(x, 'self');
    return g.op('Clip', [input, constantLike(g, input, 0), constantLike(g, input, 6)]);
  },
  'aten::leaky_relu': (g, [x, slope]) => g.op('LeakyRelu', [tensorArg(x, 'self')], { alpha: scalarOr(slope, 0.01, 'negative_slope') }),
  'aten::elu': (g, [x, alpha, scale, inputScale]) => {
    if (scalarOr(scale, 1, 'scale') !== 1 || scalarOr(inputScale, 1, 'input_scale') !== 1)
      throw new UnsupportedError('elu with scale or input_scale other than 1 is not supported');
    return g.op('Elu', [tensorArg(x, 'self')], { alpha: scalarOr(alpha, 1, 'alpha') });
  },
  'aten::selu': unary('Selu'),
  'aten::celu': (g, [x, alpha]) => g.op('Celu', [tensorArg(x, 'self')], { alpha: scalarOr(alpha, 1, 'alpha') }),
  'aten::gelu': (g, [x, approximate]) => gelu(g, tensorArg(x, 'self'), optionalString(approximate, 'approximate') ?? 'none'),
  'aten::silu': (g, [x]) => {
    const input = tensorArg(x, 'self');
    return g.op('Mul', [input, g.op('Sigmoid', [input])]);
  },
  'aten::mish': (g, [x]) => {
    const input = tensorArg(x, 'self');
    return g.op('Mul', [input, g.op('Tanh', [g.op('Softplus', [input])])]);
  },
  'aten::sigmoid': unary('Sigmoid'),
  'aten::tanh': unary('Tanh'),
  'aten::softsign': unary('Softsign'),
  'aten::log_sigmoid': (g, [x]) => g.op('Neg', [g.op('Softplus', [g.op('Neg', [tensorArg(x, 'self')])])]),
  'aten::hardsigmoid': unary('HardSigmoid', { alpha: 1 / 6, beta: 0.5 }),
  'aten::hardswish': unary('HardSwish'),
  'aten::hardtanh': (g, [x, min, max]) => {
    const input = tensorArg(x, 'self');
    return g.op('Clip', [input, constantLike(g, input, scalarOr(min, -1, 'min_val')), constantLike(g, input, scalarOr(max, 1, 'max_val'))]);
  },
  'aten::softplus': (g, [x, beta]) => softplus(g, tensorArg(x, 'self'), scalarOr(beta, 1, 'beta')),
  'aten::threshold': (g, [x, threshold, value]) => {
    const input = tensorArg(x, 'self');
    const above = g.op('Greater', [input, constantLike(g, input, float(threshold, 'threshold'))]);
    return g.op('Where', [above, input, constantLike(g, input, float(value, 'value'))]);
  },
  'aten::prelu': (g, [x, weight]) => {
    const input = tensorArg(x, 'self');
    let slope = tensorArg(weight, 'weight');
    // PyTorch's weight is per channel (dim 1); ONNX broadcasts from the last dim.
    const rank = rankOf(input, 'the input');
    if (slope.shape?.length === 1 && rank > 2)
      slope = g.op('Unsqueeze', [slope, g.ints(Array.from({ length: rank - 2 }, (_, i) => i + 1))]);
    return g.op('PRelu', [input, slope]);
  },
  'aten::glu': (g, [x, dim]) => {
    const input = tensorArg(x, 'self');
    const axis = dimArg(dim ?? { kind: 'constant', value: -1, type: 'int' }, rankOf(input, 'the input'));
    const [a, b] = g.ops('Split', [input, g.ints([input.shape![axis]! / 2, input.shape![axis]! / 2])], { axis }, 2);
    return g.op('Mul', [a!, g.op('Sigmoid', [b!])]);
  },
  'aten::softmax': softmax('Softmax'),
  'aten::_softmax': softmax('Softmax'),
  'aten::log_softmax': softmax('LogSoftmax'),
  'aten::_log_softmax': softmax('LogSoftmax'),
};
