/**
 * What a quantized tensor carries besides its integers: its scheme and parameters (one scale and
 * zero point, or one per channel along an axis), read through ATen, and the way back from integers
 * and parameters to a quantized tensor. Shared by printing and by torch.save/torch.load.
 */
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

// Made on first use: this module loads with the Tensor class.
let ops:
  | {
      qscheme: Op<[Tensor], number>;
      scale: Op<[Tensor], number>;
      zeroPoint: Op<[Tensor], number>;
      scales: Op<[Tensor], Tensor>;
      zeroPoints: Op<[Tensor], Tensor>;
      axis: Op<[Tensor], number>;
      intRepr: Op<[Tensor], Tensor>;
      perTensor: Op<[Tensor, number, number], Tensor>;
      perChannel: Op<[Tensor, Tensor, Tensor, number], Tensor>;
    }
  | undefined;

/** The ATen ops quantized tensors are read and made with. */
export function quantizedOps(): NonNullable<typeof ops> {
  return (ops ??= {
    qscheme: new Op('qscheme'),
    scale: new Op('q_scale'),
    zeroPoint: new Op('q_zero_point'),
    scales: new Op('q_per_channel_scales'),
    zeroPoints: new Op('q_per_channel_zero_points'),
    axis: new Op('q_per_channel_axis'),
    intRepr: new Op('int_repr'),
    perTensor: new Op('_make_per_tensor_quantized_tensor'),
    perChannel: new Op('_make_per_channel_quantized_tensor'),
  });
}

/** Whether a dtype is quantized (qint8, quint8, qint32). */
export const isQuantizedDType = (dtype: string): boolean => dtype === 'qint8' || dtype === 'quint8' || dtype === 'qint32';

/** The scheme and parameters of a quantized tensor. */
export function quantizationParams(tensor: Tensor): QuantizationParams {
  const q = quantizedOps();
  const scheme = QSCHEMES[q.qscheme.call([tensor])] ?? 'per_tensor_affine';
  if (scheme.startsWith('per_channel'))
    return {
      scheme,
      perChannel: true,
      scales: q.scales.call([tensor]),
      zeroPoints: q.zeroPoints.call([tensor]),
      axis: q.axis.call([tensor]),
    };
  return { scheme, perChannel: false, scale: q.scale.call([tensor]), zeroPoint: q.zeroPoint.call([tensor]) };
}

/** A quantized tensor from its integer values and parameters (the dtype follows the integers' dtype). */
export function makeQuantized(values: Tensor, params: QuantizationParams): Tensor {
  const q = quantizedOps();
  return params.perChannel
    ? q.perChannel.call([values, params.scales, params.zeroPoints, params.axis])
    : q.perTensor.call([values, params.scale, params.zeroPoint]);
}
