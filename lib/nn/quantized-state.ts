/**
 * PyTorch's current state-dict format for quantized Linear layers packs weight and bias as one
 * entry (`<layer>._packed_params._packed_params`: a (weight, bias) tuple, beside
 * `<layer>._packed_params.dtype`). nodetorch's quantized layers read and write the older flat
 * form (`<layer>.weight`, `<layer>.bias`), which PyTorch also loads; this turns the one into the other.
 * @module
 */
import { Tensor } from '../tensor/tensor.js';

const PACKED = '._packed_params._packed_params';
const DTYPE = '._packed_params.dtype';

/**
 * `stateDict` with each packed (weight, bias) pair of PyTorch's quantized Linear format spelled as
 * `<layer>.weight` and `<layer>.bias`, and its dtype entry dropped; other entries are kept as they are.
 */
export function unpackQuantizedParams(stateDict: Record<string, unknown>): Record<string, Tensor> {
  if (!Object.keys(stateDict).some((key) => key.endsWith(PACKED) || key.endsWith(DTYPE))) return stateDict as Record<string, Tensor>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stateDict)) {
    if (key.endsWith(DTYPE)) continue;
    if (!key.endsWith(PACKED)) {
      out[key] = value;
      continue;
    }
    const layer = key.slice(0, -PACKED.length);
    const [weight, bias] = Array.isArray(value) ? (value as unknown[]) : [];
    if (!(weight instanceof Tensor)) throw new TypeError(`loadStateDict: "${key}" must be a (weight, bias) pair of tensors`);
    out[`${layer}.weight`] = weight;
    if (bias instanceof Tensor) out[`${layer}.bias`] = bias;
  }
  return out as Record<string, Tensor>;
}
