/**
 * Printing quantized tensors as PyTorch does: the dequantized values, then size, dtype, the
 * quantization scheme and its parameters (per-channel ones as tensors, with the axis).
 */
import { formatTensor } from './format.js';
import { quantizationParams } from './quantized.js';
import type { Tensor } from './tensor.js';

/** PyTorch's repr of a quantized tensor. */
export function formatQuantized(tensor: Tensor): string {
  const params = quantizationParams(tensor);
  return formatTensor({
    values: tensor.dequantize()._toTypedArray(),
    shape: tensor.shape,
    dtype: tensor.dtype,
    device: tensor.device,
    requiresGrad: false,
    gradFn: null,
    quantization: params.perChannel
      ? { scheme: params.scheme, scale: params.scales.toString(), zeroPoint: params.zeroPoints.toString(), axis: params.axis }
      : { scheme: params.scheme, scale: params.scale, zeroPoint: params.zeroPoint },
  });
}
