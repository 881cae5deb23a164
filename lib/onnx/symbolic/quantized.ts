/**
 * Quantized models in ONNX's QDQ form: each quantized tensor of the TorchScript graph is the float
 * output of a QuantizeLinear -> DequantizeLinear pair with its scale and zero point; quantized
 * layers become their float op on DequantizeLinear'd int8 weights (per channel along axis 0 as
 * PyTorch packs them), followed by the output's QuantizeLinear -> DequantizeLinear. ONNX Runtime
 * runs this form with its int8 kernels where it recognizes the pattern, and in float otherwise.
 * Ops working on quantized tensors unchanged (relu, max pooling, flatten) map as in float.
 * @module
 */
import type { ScriptObject } from '../../ao/nn/quantized/utils.js';
import { Op } from '../../tensor/op.js';
import { quantizationParams } from '../../tensor/quantized.js';
import type { Tensor } from '../../tensor/tensor.js';
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { makeTensorData, tensorData } from '../tensor-data.js';
import type { TensorValue, Value } from '../values.js';
import { float, int, listItems, tensorArg } from './args.js';
import type { SymbolicTable } from './common.js';

const unpackOps = {
  linear: new Op<[ScriptObject], [Tensor, Tensor | null]>('quantized::linear_unpack'),
  conv2d: new Op<[ScriptObject], [Tensor, Tensor | null]>('quantized::conv2d_unpack'),
};
const convGeometry = {
  stride: new Op<[ScriptObject], number[]>('quantized::conv2d_stride'),
  padding: new Op<[ScriptObject], number[]>('quantized::conv2d_padding'),
  dilation: new Op<[ScriptObject], number[]>('quantized::conv2d_dilation'),
  groups: new Op<[ScriptObject], number>('quantized::conv2d_groups'),
};

// c10::ScalarType codes of the quantized dtypes quantize_per_tensor takes.
const QUANTIZED_CODES: Record<number, 'uint8' | 'int8'> = { 12: 'int8', 13: 'uint8' };

function packedObject(value: Value | undefined, what: string): ScriptObject {
  const object = value?.kind === 'constant' ? (value.value as unknown) : undefined;
  if (!object || typeof (object as Partial<ScriptObject>).typeName !== 'function')
    throw new UnsupportedError(`${what} must be packed weights known at export time (freeze the module)`);
  return object as ScriptObject;
}

/** Float `x` quantized to `dtype` with `scale` and `zeroPoint` and back: the QDQ form of a quantized tensor. */
function fakeQuantized(g: GraphContext, x: TensorValue, scale: number, zeroPoint: number, dtype: 'uint8' | 'int8'): TensorValue {
  const qparams = [g.scalar(scale, 'float32'), g.scalar(zeroPoint, dtype)];
  return g.op('DequantizeLinear', [g.op('QuantizeLinear', [x, ...qparams]), ...qparams]);
}

/** A quantized weight as an int8 initializer behind a DequantizeLinear (per channel: axis 0). */
function dequantizedWeight(g: GraphContext, weight: Tensor): TensorValue {
  const ints = g.constant(tensorData(weight.intRepr()));
  const params = quantizationParams(weight);
  if (!params.perChannel) return g.op('DequantizeLinear', [ints, g.scalar(params.scale, 'float32'), g.scalar(params.zeroPoint, 'int8')]);
  if (params.axis !== 0) throw new UnsupportedError('per-channel weights quantized along an axis other than 0');
  const scales = params.scales.float();
  const zeroPoints = [...params.zeroPoints._toTypedArray()].map(Number);
  return g.op(
    'DequantizeLinear',
    [ints, g.constant(tensorData(scales)), g.constant(makeTensorData('int8', [zeroPoints.length], zeroPoints))],
    {
      axis: 0,
    },
  );
}

const biasOf = (g: GraphContext, bias: Tensor | null) => (bias ? g.constant(tensorData(bias.float())) : undefined);

// quantized::linear(X, W_prepack, Y_scale, Y_zero_point) and its relu form.
const quantizedLinear =
  (relu: boolean) =>
  (g: GraphContext, [x, packed, scale, zeroPoint]: Value[]): TensorValue => {
    const [weight, bias] = unpackOps.linear.call([packedObject(packed, 'the linear weights')]);
    const input = tensorArg(x, 'X');
    let y = linearOf(g, input, dequantizedWeight(g, weight), biasOf(g, bias));
    if (relu) y = g.op('Relu', [y]);
    return fakeQuantized(g, y, float(scale, 'Y_scale'), int(zeroPoint, 'Y_zero_point'), 'uint8');
  };

function linearOf(g: GraphContext, x: TensorValue, weight: TensorValue, bias: TensorValue | undefined): TensorValue {
  if (x.shape?.length === 2) return g.op('Gemm', [x, weight, bias], { transB: 1 });
  const product = g.op('MatMul', [x, g.op('Transpose', [weight], { perm: [1, 0] })]);
  return bias ? g.op('Add', [product, bias]) : product;
}

// quantized::conv2d.new(qx, packed_weight, output_scale, output_zero_point) and its relu form.
const quantizedConv2d =
  (relu: boolean) =>
  (g: GraphContext, [x, packedValue, scale, zeroPoint]: Value[]): TensorValue => {
    const packed = packedObject(packedValue, 'the conv weights');
    const [weight, bias] = unpackOps.conv2d.call([packed]);
    const [stride, padding, dilation] = [convGeometry.stride, convGeometry.padding, convGeometry.dilation].map((op) => op.call([packed]));
    let y = g.op('Conv', [tensorArg(x, 'qx'), dequantizedWeight(g, weight), biasOf(g, bias)], {
      strides: stride,
      pads: [...padding!, ...padding!],
      dilations: dilation,
      group: convGeometry.groups.call([packed]),
      kernel_shape: weight.shape.slice(2),
    });
    if (relu) y = g.op('Relu', [y]);
    return fakeQuantized(g, y, float(scale, 'output_scale'), int(zeroPoint, 'output_zero_point'), 'uint8');
  };

// quantized::add(qa, qb, scale, zero_point), add_relu, mul: the float op, then the output's QDQ.
const quantizedBinary =
  (type: 'Add' | 'Mul', relu = false) =>
  (g: GraphContext, [a, b, scale, zeroPoint]: Value[]): TensorValue => {
    let y = g.op(type, [tensorArg(a, 'qa'), tensorArg(b, 'qb')]);
    if (relu) y = g.op('Relu', [y]);
    return fakeQuantized(g, y, float(scale, 'scale'), int(zeroPoint, 'zero_point'), 'uint8');
  };

/** Quantized-model symbolics (QDQ). */
export const quantized: SymbolicTable = {
  'aten::quantize_per_tensor': (g, [x, scale, zeroPoint, dtype]) => {
    const code = int(dtype, 'dtype');
    const onnxType = QUANTIZED_CODES[code];
    if (!onnxType) throw new UnsupportedError(`quantize_per_tensor to scalar type ${code} (only quint8 and qint8 map to ONNX)`);
    return fakeQuantized(g, tensorArg(x, 'self'), float(scale, 'scale'), int(zeroPoint, 'zero_point'), onnxType);
  },
  // A quantized tensor is already its dequantized float in the QDQ form.
  'aten::dequantize': (_g, [x]) => tensorArg(x, 'self'),
  'quantized::linear': quantizedLinear(false),
  'quantized::linear_relu': quantizedLinear(true),
  'quantized::conv2d': quantizedConv2d(false),
  'quantized::conv2d_relu': quantizedConv2d(true),
  'quantized::add': quantizedBinary('Add'),
  'quantized::add_relu': quantizedBinary('Add', true),
  'quantized::mul': quantizedBinary('Mul'),
  'quantized::cat': (g, [xs, dim, scale, zeroPoint]) => {
    const items = listItems(xs, 'qx').map((item, i) => tensorArg(item, `qx[${i}]`));
    const rank = items[0]?.shape?.length;
    const axis = int(dim, 'dim');
    const y = g.op('Concat', items, { axis: axis < 0 && rank !== undefined ? axis + rank : axis });
    return fakeQuantized(g, y, float(scale, 'scale'), int(zeroPoint, 'zero_point'), 'uint8');
  },
  // Dynamic quantization: int8 weights (DequantizeLinear), float activations.
  'quantized::linear_dynamic': (g, [x, packed]) => {
    const [weight, bias] = unpackOps.linear.call([packedObject(packed, 'the linear weights')]);
    return linearOf(g, tensorArg(x, 'X'), dequantizedWeight(g, weight), biasOf(g, bias));
  },
};
