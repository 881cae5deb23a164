/**
 * torch.nn.utils.fusion: folds an eval-mode batch norm into the convolution or linear layer before
 * it, so inference runs one layer instead of two with the same output.
 * @module
 */
import { aten } from '../../ops/surface.js';
import { noGrad } from '../../tensor/autograd.js';
import { onesLike, zerosLike } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import { deepCopy } from '../deep-copy.js';
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d } from '../layers/conv.js';
import { Linear } from '../layers/linear.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from '../layers/normalization.js';
import type { Module } from '../module.js';

/** A convolution whose batch norm can be folded into it. */
export type FusableConv = Conv1d | Conv2d | Conv3d | ConvTranspose1d | ConvTranspose2d;
/** A batch norm layer (its running statistics are what is folded). */
export type FusableBatchNorm = BatchNorm1d | BatchNorm2d | BatchNorm3d;

/** Options of `fuseConvBnEval` and `fuseConvBnWeights`. */
export interface FuseConvBnOptions {
  /**
   * The convolution is transposed (its weight is (in, out / groups, ...k)), so the scale applies
   * along dim 1. `fuseConvBnEval` defaults to whether `conv` is a ConvTranspose; `fuseConvBnWeights`
   * to false, as PyTorch's `transpose=False`.
   */
  transpose?: boolean;
}

/** Fused weights: the parameters of the layer that replaces the layer and its batch norm. */
export type FusedWeights = [weight: Tensor, bias: Tensor];

/**
 * A copy of `conv` whose weight and bias fold in `bn`'s running statistics and affine transform,
 * as PyTorch's `fuse_conv_bn_eval`: `fused.forward(x)` equals `bn.forward(conv.forward(x))` in eval
 * mode. `conv` and `bn` are left unchanged; both must be in eval mode. A conv without bias gets one
 * (with requiresGrad false, as PyTorch's).
 */
export function fuseConvBnEval<C extends FusableConv>(conv: C, bn: FusableBatchNorm, options: FuseConvBnOptions = {}): C {
  const convs = [Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d];
  checkPair('fuseConvBnEval', ['conv', conv, convs], ['bn', bn, [BatchNorm1d, BatchNorm2d, BatchNorm3d]]);
  const [runningMean, runningVar] = runningStats('fuseConvBnEval', bn);
  if (bn.numFeatures !== conv.outChannels)
    throw new RangeError(
      `fuseConvBnEval: bn (${bn.constructor.name}) has ${bn.numFeatures} features but conv (${conv.constructor.name}) has ${conv.outChannels} output channels`,
    );
  const fused = deepCopy(conv);
  const [weight, bias] = fuseConvBnWeights(fused.weight, fused.bias, runningMean, runningVar, bn.eps, bn.weight, bn.bias, {
    transpose: options.transpose ?? conv.transposed,
  });
  fused.replaceParameter('weight', weight);
  fused.replaceParameter('bias', bias);
  return fused;
}

/**
 * The weight and bias of a convolution with a batch norm folded in, as PyTorch's
 * `fuse_conv_bn_weights`: weight * (bnW / sqrt(bnRv + bnEps)) per output channel, and
 * (convB - bnRm) / sqrt(bnRv + bnEps) * bnW + bnB. A null convB, bnW or bnB counts as zeros, ones,
 * zeros. The results are new leaf tensors in the conv's dtypes, requiring grad as convW and convB do.
 * A transposed weight with groups (dim 1 is out / groups) is scaled per group, where PyTorch's
 * function fails on the shapes.
 */
export function fuseConvBnWeights(
  convW: Tensor,
  convB: Tensor | null,
  bnRm: Tensor,
  bnRv: Tensor,
  bnEps: number,
  bnW: Tensor | null,
  bnB: Tensor | null,
  options: FuseConvBnOptions = {},
): FusedWeights {
  return noGrad(() => {
    const bias = convB ?? zerosLike(bnRm);
    const bnVarRsqrt = aten.rsqrt.default(bnRv.add(bnEps));
    const scale = (bnW ?? onesLike(bnRm)).mul(bnVarRsqrt);
    const weight = scaleChannels(convW, scale, options.transpose ?? false).to(convW.dtype);
    const fusedBias = bias
      .sub(bnRm)
      .mul(bnVarRsqrt)
      .mul(bnW ?? onesLike(bnRm))
      .add(bnB ?? zerosLike(bnRm))
      .to(convB?.dtype ?? convW.dtype);
    return [asParameter(weight, convW.requiresGrad), asParameter(fusedBias, convB?.requiresGrad ?? false)];
  });
}

/**
 * A copy of `linear` whose weight and bias fold in `bn`'s running statistics and affine transform,
 * as PyTorch's `fuse_linear_bn_eval`: `fused.forward(x)` equals `bn.forward(linear.forward(x))` in
 * eval mode. `bn` normalizes the linear layer's features, so its numFeatures must be the linear
 * layer's outFeatures (or 1). `linear` and `bn` are left unchanged; both must be in eval mode.
 */
export function fuseLinearBnEval(linear: Linear, bn: FusableBatchNorm): Linear {
  checkPair('fuseLinearBnEval', ['linear', linear, [Linear]], ['bn', bn, [BatchNorm1d, BatchNorm2d, BatchNorm3d]]);
  const [runningMean, runningVar] = runningStats('fuseLinearBnEval', bn);
  if (bn.numFeatures !== linear.outFeatures && bn.numFeatures !== 1)
    throw new RangeError(
      `fuseLinearBnEval: bn (${bn.constructor.name}) has ${bn.numFeatures} features but linear has ${linear.outFeatures} output features (to fuse they must be equal, or bn must have 1)`,
    );
  const fused = deepCopy(linear);
  const [weight, bias] = fuseLinearBnWeights(fused.weight, fused.bias, runningMean, runningVar, bn.eps, bn.weight, bn.bias);
  fused.replaceParameter('weight', weight);
  fused.replaceParameter('bias', bias);
  return fused;
}

/**
 * The weight and bias of a linear layer with a batch norm folded in, as PyTorch's
 * `fuse_linear_bn_weights`: with scale = bnW / sqrt(bnRv + bnEps), weight * scale per output row and
 * (linearB - bnRm) * scale + bnB. A null linearB, bnW or bnB counts as zeros, ones, zeros (PyTorch
 * needs bnW and bnB). The results are new leaf tensors in the layer's dtypes, requiring grad as
 * linearW and linearB do.
 */
export function fuseLinearBnWeights(
  linearW: Tensor,
  linearB: Tensor | null,
  bnRm: Tensor,
  bnRv: Tensor,
  bnEps: number,
  bnW: Tensor | null,
  bnB: Tensor | null,
): FusedWeights {
  return noGrad(() => {
    const bias = linearB ?? zerosLike(bnRm);
    const bnScale = (bnW ?? onesLike(bnRm)).mul(aten.rsqrt.default(bnRv.add(bnEps)));
    const weight = linearW.mul(bnScale.unsqueeze(-1).to(linearW.dtype));
    const fusedBias = bias
      .sub(bnRm)
      .mul(bnScale)
      .add(bnB ?? zerosLike(bnRm))
      .to(linearB?.dtype ?? linearW.dtype);
    return [asParameter(weight, linearW.requiresGrad), asParameter(fusedBias, linearB?.requiresGrad ?? false)];
  });
}

// Scales each output channel of a conv weight: dim 0 of (out, in / groups, ...k), or for a
// transposed conv dim 1 of (in, out / groups, ...k), whose groups (out / its dim 1; PyTorch's
// fusion supports 1 only) each hold the in / groups rows of their out / groups channels.
function scaleChannels(convW: Tensor, scale: Tensor, transpose: boolean): Tensor {
  const ones = Array<number>(convW.dim() - 2).fill(1);
  if (!transpose) return convW.mul(scale.reshape([-1, 1, ...ones]));
  const [inChannels, outPerGroup, ...kernel] = convW.shape as [number, number, ...number[]];
  const groups = scale.numel() / outPerGroup;
  if (groups === 1 || !Number.isInteger(groups) || inChannels % groups) return convW.mul(scale.reshape([1, -1, ...ones]));
  const grouped = convW.reshape([groups, inChannels / groups, outPerGroup, ...kernel]);
  return grouped.mul(scale.reshape([groups, 1, outPerGroup, ...ones])).reshape(convW.shape);
}

// torch.nn.Parameter(t, requires_grad): a leaf of its own.
function asParameter(t: Tensor, requiresGrad: boolean): Tensor {
  const leaf = t.detach();
  leaf.requiresGrad = requiresGrad;
  return leaf;
}

type Named = [role: string, module: Module, classes: readonly (abstract new (...args: never[]) => Module)[]];

// Both layers must be of the expected kinds and in eval mode (an error names the one in training).
function checkPair(fn: string, ...pair: [Named, Named]): void {
  for (const [role, module, classes] of pair) {
    if (!classes.some((cls) => module instanceof cls))
      throw new TypeError(`${fn}: ${role} must be a ${classes.map((cls) => cls.name).join(', ')}, got ${describe(module)}`);
  }
  const training = pair.filter(([, module]) => module.training);
  if (training.length)
    throw new Error(
      `${fn}: fusion only for eval, but ${training.map(([role, module]) => `${role} (${module.constructor.name})`).join(' and ')} ${training.length > 1 ? 'are' : 'is'} in training mode: call .eval() first`,
    );
}

function runningStats(fn: string, bn: FusableBatchNorm): [Tensor, Tensor] {
  if (!bn.runningMean || !bn.runningVar)
    throw new Error(`${fn}: bn (${bn.constructor.name}) has no running statistics (trackRunningStats: false), so there is nothing to fold`);
  return [bn.runningMean, bn.runningVar];
}

function describe(value: unknown): string {
  return typeof value === 'object' && value !== null ? value.constructor.name : typeof value;
}
