/**
 * torch.nn.init: in-place initializers with PyTorch's formulas. They draw from the global generator
 * in PyTorch's order, so with the same seed a layer gets the same numbers as in PyTorch.
 */
import { aten } from '../ops/surface.js';
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';

/** Nonlinearities known to `calculateGain`. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/** The recommended gain for a nonlinearity (`param` is leaky_relu's negative slope, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    case 'linear':
    case 'sigmoid':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
      return 1;
    default:
      throw new TypeError(`calculateGain: unsupported nonlinearity '${nonlinearity}'`);
  }
}

/** [fanIn, fanOut] of a weight: dims 1 and 0 times the receptive field (the product of the rest). */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  if (tensor.dim() < 2) throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return [tensor.size(1) * receptive, tensor.size(0) * receptive];
}

const inPlace = (tensor: Tensor, fill: () => void): Tensor => {
  noGrad(fill);
  return tensor;
};

/** Fills `tensor` with U(a, b) samples (default U(0, 1)) without recording autograd; returns it. */
export const uniform_ = (tensor: Tensor, a = 0, b = 1): Tensor => inPlace(tensor, () => aten.uniform_.default(tensor, a, b));
/** Fills `tensor` with N(mean, std^2) samples (default N(0, 1)) without recording autograd; returns it. */
export const normal_ = (tensor: Tensor, mean = 0, std = 1): Tensor => inPlace(tensor, () => aten.normal_.default(tensor, mean, std));
/** Fills `tensor` with `value` without recording autograd; returns it. */
export const constant_ = (tensor: Tensor, value: number): Tensor => inPlace(tensor, () => tensor.fill_(value));
/** Fills `tensor` with zeros without recording autograd; returns it. */
export const zeros_ = (tensor: Tensor): Tensor => inPlace(tensor, () => tensor.zero_());
/** Fills `tensor` with ones without recording autograd; returns it. */
export const ones_ = (tensor: Tensor): Tensor => inPlace(tensor, () => tensor.fill_(1));

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(tensor: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(tensor, -a, a);
}
/** Glorot normal: N(0, gain^2 * 2 / (fanIn + fanOut)). */
export function xavierNormal_(tensor: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return normal_(tensor, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/** Options of the Kaiming initializers. */
export interface KaimingOptions {
  /** Negative slope of the leaky ReLU after this layer (default 0). */
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}
function kaimingStd(tensor: Tensor, options: KaimingOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}
/** He uniform: U(-b, b) with b = gain * sqrt(3 / fan). */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(tensor, options);
  return uniform_(tensor, -bound, bound);
}
/** He normal: N(0, gain^2 / fan). */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  return normal_(tensor, 0, kaimingStd(tensor, options));
}

/** A (semi-)orthogonal matrix from the QR decomposition of a normal sample, scaled by gain. */
export function orthogonal_(tensor: Tensor, gain = 1): Tensor {
  if (tensor.dim() < 2) throw new Error('Only tensors with 2 or more dimensions are supported');
  return inPlace(tensor, () => {
    const rows = tensor.size(0);
    const cols = tensor.numel() / rows;
    let flat = aten.normal_.default(tensor.newEmpty([rows, cols]), 0, 1);
    if (rows < cols) flat = flat.t();
    const { Q, R } = aten.linalg_qr.default(flat);
    let q = Q.mul(R.diagonal().sign());
    if (rows < cols) q = q.t();
    tensor.copy_(q.reshape(tensor.shape).mul(gain));
  });
}
