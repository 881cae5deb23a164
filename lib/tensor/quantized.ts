/**
 * What a quantized tensor carries besides its integers: its scheme and parameters (one scale and
 * zero point, or one per channel along an axis), read through ATen, and the way back from integers
 * and parameters to a quantized tensor. Shared by printing and by torch.save/torch.load.
 */
import { aten } from '../ops/surface.js';
import { Op } from './op.js';
import type { Tensor } from './tensor.js';

/** c10::QScheme's names in its order (aten::qscheme returns the index). */
export const QSCHEMES = [
  'per_tensor_affine',
  'per_channel_affine',
  'per_tensor_symmetric',
  'per_channel_symmetric',
  'per_channel_affine_float_qparams',
] as const;
export type QSchemeName = (typeof QSCHEMES)[number];

/** A quantized tensor's parameters. */
export type QuantizationParams =
  | { scheme: QSchemeName; perChannel: false; scale: number; zeroPoint: number }
  | { scheme: QSchemeName; perChannel: true; scales: Tensor; zeroPoints: Tensor; axis: number };

// aten::qscheme returns a QScheme, which the generated surface leaves out; made on first use
// (this module loads with the Tensor class).
let qscheme: Op<[Tensor], number> | undefined;

/** Whether a dtype is quantized (qint8, quint8, qint32). */
export const isQuantizedDType = (dtype: string): boolean => dtype === 'qint8' || dtype === 'quint8' || dtype === 'qint32';

/** The scheme and parameters of a quantized tensor. */
export function quantizationParams(tensor: Tensor): QuantizationParams {
  const scheme = QSCHEMES[(qscheme ??= new Op('qscheme')).call([tensor])] ?? 'per_tensor_affine';
  if (scheme.startsWith('per_channel'))
    return {
      scheme,
      perChannel: true,
      scales: tensor.qPerChannelScales(),
      zeroPoints: tensor.qPerChannelZeroPoints(),
      axis: tensor.qPerChannelAxis(),
    };
  return { scheme, perChannel: false, scale: tensor.qScale(), zeroPoint: tensor.qZeroPoint() };
}

/** A quantized tensor from its integer values and parameters (the dtype follows the integers' dtype). */
export function makeQuantized(values: Tensor, params: QuantizationParams): Tensor {
  return params.perChannel
    ? aten._make_per_channel_quantized_tensor.default(values, params.scales, params.zeroPoints, params.axis)
    : aten._make_per_tensor_quantized_tensor.default(values, params.scale, params.zeroPoint);
}
