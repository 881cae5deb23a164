/**
 * torch.nn.functional: PyTorch's names and options, over the ATen operators (so autograd records
 * every call). Options objects take PyTorch's keyword arguments in camelCase, with its defaults.
 */
import { aten } from '../ops/surface.js';
import { Op } from '../tensor/op.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/types.js';

/** How a loss reduces over the batch. */
export type Reduction = 'none' | 'mean' | 'sum';
/** A size per spatial dimension, or one number for all of them (kernel sizes, strides, padding, dilation). */
export type Size = number | readonly number[];

const REDUCTIONS: Record<Reduction, number> = { none: 0, mean: 1, sum: 2 };

function reductionCode(reduction: Reduction | undefined, fn: string): number {
  const code = REDUCTIONS[reduction ?? 'mean'];
  if (code === undefined) throw new TypeError(`${fn}: reduction must be 'none', 'mean' or 'sum', got '${reduction}'`);
  return code;
}

function oneOf<T extends string>(value: T | undefined, allowed: readonly T[], fallback: T, what: string): T {
  const chosen = value ?? fallback;
  if (!allowed.includes(chosen)) throw new TypeError(`${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${chosen}'`);
  return chosen;
}

// ---- activations -------------------------------------------------------------------------------

/** max(0, x), like F.relu; `inplace` overwrites the input. */
export function relu(input: Tensor, options: { inplace?: boolean } = {}): Tensor {
  return options.inplace ? aten.relu_.default(input) : aten.relu.default(input);
}
/** x for x >= 0, else negativeSlope * x (default 0.01), like F.leaky_relu. */
export function leakyRelu(input: Tensor, options: { negativeSlope?: number; inplace?: boolean } = {}): Tensor {
  const slope = options.negativeSlope ?? 0.01;
  return options.inplace ? aten.leaky_relu_.default(input, slope) : aten.leaky_relu.default(input, slope);
}
/** GELU; `approximate: 'tanh'` uses the tanh approximation. */
export function gelu(input: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  return aten.gelu.default(input, { approximate: oneOf(options.approximate, ['none', 'tanh'], 'none', 'gelu: approximate') });
}
/** x * sigmoid(x) (swish), like F.silu. */
export function silu(input: Tensor, options: { inplace?: boolean } = {}): Tensor {
  return options.inplace ? aten.silu_.default(input) : aten.silu.default(input);
}
/** x for x > 0, else alpha * (exp(x) - 1) (alpha default 1), like F.elu. */
export function elu(input: Tensor, options: { alpha?: number; inplace?: boolean } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  return options.inplace ? aten.elu_.default(input, alpha) : aten.elu.default(input, alpha);
}
/** log(1 + exp(beta * x)) / beta (beta 1), just x where beta * x > `threshold` (20), like F.softplus. */
export function softplus(input: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  return aten.softplus.default(input, options.beta ?? 1, options.threshold ?? 20);
}
/** Softmax along `dim`, optionally computed in `dtype`, like F.softmax. */
export function softmax(input: Tensor, dim: number, options: { dtype?: DType } = {}): Tensor {
  return aten.softmax.int(input, dim, options.dtype ?? null);
}
/** log(softmax(x)) along `dim`, computed stably, optionally in `dtype`, like F.log_softmax. */
export function logSoftmax(input: Tensor, dim: number, options: { dtype?: DType } = {}): Tensor {
  return aten.log_softmax.int(input, dim, options.dtype ?? null);
}

// ---- losses ------------------------------------------------------------------------------------

/** Options shared by the losses that weight classes. */
export interface ClassLossOptions {
  /** A manual rescaling weight per class. */
  weight?: Tensor | null;
  /** Targets equal to this index do not contribute (default -100). */
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Cross entropy of logits against class indices (or class probabilities), like F.cross_entropy. */
export function crossEntropy(input: Tensor, target: Tensor, options: ClassLossOptions & { labelSmoothing?: number } = {}): Tensor {
  return aten.cross_entropy_loss.default(
    input,
    target,
    options.weight ?? null,
    reductionCode(options.reduction, 'crossEntropy'),
    options.ignoreIndex ?? -100,
    options.labelSmoothing ?? 0,
  );
}
/** Negative log likelihood of log-probabilities against class indices. */
export function nllLoss(input: Tensor, target: Tensor, options: ClassLossOptions = {}): Tensor {
  return aten.nll_loss_nd.default(
    input,
    target,
    options.weight ?? null,
    reductionCode(options.reduction, 'nllLoss'),
    options.ignoreIndex ?? -100,
  );
}
/** Mean squared error (squared L2), like F.mse_loss; reduction defaults to 'mean'. */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  return aten.mse_loss.default(input, target, reductionCode(options.reduction, 'mseLoss'));
}
/** Mean absolute error, like F.l1_loss; reduction defaults to 'mean'. */
export function l1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  return aten.l1_loss.default(input, target, reductionCode(options.reduction, 'l1Loss'));
}
/** Huber-like loss: squared below `beta` (default 1), absolute above, like F.smooth_l1_loss. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction; beta?: number } = {}): Tensor {
  return aten.smooth_l1_loss.default(input, target, reductionCode(options.reduction, 'smoothL1Loss'), options.beta ?? 1);
}
/** Binary cross entropy of probabilities in [0, 1]. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  return aten.binary_cross_entropy.default(input, target, options.weight ?? null, reductionCode(options.reduction, 'binaryCrossEntropy'));
}
/** Binary cross entropy of logits (numerically stable sigmoid + BCE). */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {},
): Tensor {
  return aten.binary_cross_entropy_with_logits.default(
    input,
    target,
    options.weight ?? null,
    options.posWeight ?? null,
    reductionCode(options.reduction, 'binaryCrossEntropyWithLogits'),
  );
}
/** KL divergence of log-probabilities `input` from `target`; 'batchmean' divides the sum by the batch size. */
export function klDiv(input: Tensor, target: Tensor, options: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  const logTarget = options.logTarget ?? false;
  if (options.reduction === 'batchmean') {
    const total = aten.kl_div.default(input, target, REDUCTIONS.sum, { logTarget });
    return input.dim() > 0 ? total.div(input.size(0)) : total;
  }
  return aten.kl_div.default(input, target, reductionCode(options.reduction, 'klDiv'), { logTarget });
}

// ---- convolution and pooling -------------------------------------------------------------------

/** Options of conv1d/2d/3d; padding may be 'same' or 'valid'. */
export interface ConvOptions {
  bias?: Tensor | null;
  stride?: Size;
  padding?: Size | 'same' | 'valid';
  dilation?: Size;
  groups?: number;
}

function conv(which: 'conv1d' | 'conv2d' | 'conv3d', input: Tensor, weight: Tensor, options: ConvOptions): Tensor {
  const { bias = null, stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  if (typeof padding === 'string') {
    return aten[which].padding(
      input,
      weight,
      bias,
      stride,
      oneOf(padding, ['same', 'valid'], 'valid', `${which}: padding`),
      dilation,
      groups,
    );
  }
  return aten[which].default(input, weight, bias, stride, padding, dilation, groups);
}
/** 1-D convolution of (N, C, L) input with a (out, C / groups, k) weight, like F.conv1d. */
export const conv1d = (input: Tensor, weight: Tensor, options: ConvOptions = {}): Tensor => conv('conv1d', input, weight, options);
/** 2-D convolution of (N, C, H, W) input with a (out, C / groups, kH, kW) weight, like F.conv2d. */
export const conv2d = (input: Tensor, weight: Tensor, options: ConvOptions = {}): Tensor => conv('conv2d', input, weight, options);
/** 3-D convolution of (N, C, D, H, W) input, like F.conv3d. */
export const conv3d = (input: Tensor, weight: Tensor, options: ConvOptions = {}): Tensor => conv('conv3d', input, weight, options);

/** Options of convTranspose1d/2d. */
export interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  dilation?: Size;
}
/** 1-D transposed convolution ("deconvolution") with an (in, out / groups, k) weight, like F.conv_transpose1d. */
export function convTranspose1d(input: Tensor, weight: Tensor, options: ConvTransposeOptions = {}): Tensor {
  const { bias = null, stride = 1, padding = 0, outputPadding = 0, groups = 1, dilation = 1 } = options;
  return aten.conv_transpose1d.default(input, weight, bias, stride, padding, outputPadding, groups, dilation);
}
/** 2-D transposed convolution with an (in, out / groups, kH, kW) weight, like F.conv_transpose2d. */
export function convTranspose2d(input: Tensor, weight: Tensor, options: ConvTransposeOptions = {}): Tensor {
  const { bias = null, stride = 1, padding = 0, outputPadding = 0, groups = 1, dilation = 1 } = options;
  return aten.conv_transpose2d.input(input, weight, bias, stride, padding, outputPadding, groups, dilation);
}

/** Options of the max pools; `stride` defaults to the kernel size. */
export interface MaxPoolOptions {
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  ceilMode?: boolean;
}
function maxPool(
  dims: 1 | 2,
  input: Tensor,
  kernelSize: Size,
  options: MaxPoolOptions & { returnIndices?: boolean },
): Tensor | [Tensor, Tensor] {
  const { stride = null, padding = 0, dilation = 1, ceilMode = false } = options;
  const args = [input, kernelSize, stride ?? kernelSize, padding, dilation, ceilMode] as const;
  if (dims === 1) return options.returnIndices ? aten.max_pool1d_with_indices.default(...args) : aten.max_pool1d.default(...args);
  return options.returnIndices ? aten.max_pool2d_with_indices.default(...args) : aten.max_pool2d.default(...args);
}
/** 1-D max pooling over (N, C, L) or (C, L) input, like F.max_pool1d. */
export function maxPool1d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
/** 1-D max pooling that also returns the argmax indices: [output, indices]. */
export function maxPool1d(input: Tensor, kernelSize: Size, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(
  input: Tensor,
  kernelSize: Size,
  options: MaxPoolOptions & { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor] {
  return maxPool(1, input, kernelSize, options);
}
/** 2-D max pooling over (N, C, H, W) or (C, H, W) input, like F.max_pool2d. */
export function maxPool2d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
/** 2-D max pooling that also returns the argmax indices: [output, indices]. */
export function maxPool2d(input: Tensor, kernelSize: Size, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(
  input: Tensor,
  kernelSize: Size,
  options: MaxPoolOptions & { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor] {
  return maxPool(2, input, kernelSize, options);
}

/** Options of the average pools; `stride` defaults to the kernel size. */
export interface AvgPoolOptions {
  stride?: Size | null;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}
/** 1-D average pooling, like F.avg_pool1d (padding counted unless `countIncludePad: false`). */
export function avgPool1d(input: Tensor, kernelSize: Size, options: AvgPoolOptions = {}): Tensor {
  const { stride = null, padding = 0, ceilMode = false, countIncludePad = true } = options;
  return aten.avg_pool1d.default(input, kernelSize, stride ?? kernelSize, padding, ceilMode, countIncludePad);
}
/** 2-D average pooling, like F.avg_pool2d; `divisorOverride` replaces the pool size as divisor. */
export function avgPool2d(input: Tensor, kernelSize: Size, options: AvgPoolOptions & { divisorOverride?: number | null } = {}): Tensor {
  const { stride = null, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null } = options;
  return aten.avg_pool2d.default(input, kernelSize, stride ?? kernelSize, padding, ceilMode, countIncludePad, divisorOverride);
}
/** Average pooling to a fixed output length, like F.adaptive_avg_pool1d. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: Size): Tensor {
  return aten.adaptive_avg_pool1d.default(input, outputSize);
}
/** Average pooling to a fixed (H, W) output size, like F.adaptive_avg_pool2d. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: Size): Tensor {
  return aten.adaptive_avg_pool2d.default(input, outputSize);
}

// ---- normalization, dropout, embedding, linear ---------------------------------------------------

/** Batch normalization; in training mode the running statistics are updated in place. */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options: { weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number } = {},
): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  return aten.batch_norm.default(input, weight, bias, runningMean, runningVar, training, momentum, eps, true);
}
/** Normalizes over the trailing `normalizedShape` dims, then applies weight and bias, like F.layer_norm (eps 1e-5). */
export function layerNorm(
  input: Tensor,
  normalizedShape: readonly number[],
  options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  return aten.layer_norm.default(input, normalizedShape, options.weight ?? null, options.bias ?? null, options.eps ?? 1e-5, true);
}
/** Normalizes each of `numGroups` channel groups per sample, like F.group_norm (eps 1e-5). */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  return aten.group_norm.default(input, numGroups, options.weight ?? null, options.bias ?? null, options.eps ?? 1e-5, true);
}
/** Zeroes elements with probability p while training, scaling the rest by 1/(1-p). */
export function dropout(input: Tensor, options: { p?: number; training?: boolean; inplace?: boolean } = {}): Tensor {
  const { p = 0.5, training = true, inplace = false } = options;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout: p must be between 0 and 1, got ${p}`);
  return inplace ? aten.dropout_.default(input, p, training) : aten.dropout.default(input, p, training);
}
/** Looks up rows of `weight` by the integer indices in `input`. */
export function embedding(
  input: Tensor,
  weight: Tensor,
  options: { paddingIdx?: number | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; sparse?: boolean } = {},
): Tensor {
  const { paddingIdx = null, maxNorm = null, normType = 2, scaleGradByFreq = false, sparse = false } = options;
  const rows = weight.size(0);
  if (paddingIdx !== null && (paddingIdx >= rows || paddingIdx < -rows))
    throw new RangeError(`embedding: paddingIdx must be within the ${rows} rows of weight, got ${paddingIdx}`);
  const padding = paddingIdx === null ? -1 : paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
  if (maxNorm !== null) aten.embedding_renorm_.default(weight.detach(), input.contiguous(), maxNorm, normType);
  return aten.embedding.default(weight, input, padding, scaleGradByFreq, sparse);
}
/** y = x W^T + b */
export function linear(input: Tensor, weight: Tensor, options: { bias?: Tensor | null } = {}): Tensor {
  return aten.linear.default(input, weight, options.bias ?? null);
}

// ---- shapes and vectors ------------------------------------------------------------------------

/** Pads the last dimensions: `pad` lists (left, right) pairs from the last dimension backwards. */
export function pad(
  input: Tensor,
  padding: readonly number[],
  options: { mode?: 'constant' | 'reflect' | 'replicate' | 'circular'; value?: number } = {},
): Tensor {
  const mode = oneOf(options.mode, ['constant', 'reflect', 'replicate', 'circular'], 'constant', 'pad: mode');
  if (mode === 'constant') return aten.constant_pad_nd.default(input, padding, options.value ?? 0);
  return aten.pad.default(input, padding, mode, null);
}

/** Options of `interpolate`: give `size` or `scaleFactor`. */
export interface InterpolateOptions {
  size?: Size | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: 'nearest' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';
  alignCorners?: boolean | null;
}
/** Resizes the spatial dimensions (after batch and channel). */
export function interpolate(input: Tensor, options: InterpolateOptions): Tensor {
  const spatial = input.dim() - 2;
  if (spatial < 1 || spatial > 3)
    throw new TypeError(`interpolate: input must be 3-D, 4-D or 5-D (batch, channels, ...), got ${input.dim()}-D`);
  const mode = oneOf(options.mode, ['nearest', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'], 'nearest', 'interpolate: mode');
  const expand = <T>(value: T | readonly T[]): T[] => (Array.isArray(value) ? [...(value as T[])] : Array<T>(spatial).fill(value as T));
  if ((options.size == null) === (options.scaleFactor == null))
    throw new TypeError('interpolate: give exactly one of size and scaleFactor');
  const size = options.size != null ? expand(options.size) : null;
  const scales = options.scaleFactor != null ? expand(options.scaleFactor) : null;
  const outSize = size ?? input.shape.slice(2).map((n, i) => Math.floor(n * scales![i]!));
  if (mode === 'area') {
    return spatial === 1
      ? aten.adaptive_avg_pool1d.default(input, outSize)
      : spatial === 2
        ? aten.adaptive_avg_pool2d.default(input, outSize)
        : aten.adaptive_avg_pool3d.default(input, outSize);
  }
  const alignCorners = options.alignCorners ?? false;
  const wanted: Record<string, number> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };
  if (mode !== 'nearest' && wanted[mode] !== spatial)
    throw new TypeError(`interpolate: mode '${mode}' needs ${wanted[mode]} spatial dimensions, got ${spatial}`);
  switch (mode) {
    case 'nearest':
      return spatial === 1
        ? aten.upsample_nearest1d.vec(input, size, scales)
        : spatial === 2
          ? aten.upsample_nearest2d.vec(input, size, scales)
          : aten.upsample_nearest3d.vec(input, size, scales);
    case 'linear':
      return aten.upsample_linear1d.vec(input, size, alignCorners, scales);
    case 'bilinear':
      return aten.upsample_bilinear2d.vec(input, size, alignCorners, scales);
    case 'bicubic':
      return aten.upsample_bicubic2d.vec(input, size, alignCorners, scales);
    default:
      return aten.upsample_trilinear3d.vec(input, size, alignCorners, scales);
  }
}

/** One-hot encoding of int64 class indices; numClasses -1 infers it from the data. */
export function oneHot(tensor: Tensor, options: { numClasses?: number } = {}): Tensor {
  return aten.one_hot.default(tensor, options.numClasses ?? -1);
}
/** Cosine similarity of x1 and x2 along `dim` (default 1), like F.cosine_similarity (eps 1e-8). */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: { dim?: number; eps?: number } = {}): Tensor {
  return aten.cosine_similarity.default(x1, x2, options.dim ?? 1, options.eps ?? 1e-8);
}
/** Divides by the p-norm along `dim` (clamped below by eps). */
export function normalize(input: Tensor, options: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = options;
  const norm = aten.norm.ScalarOpt_dim(input, p, [dim], true);
  return input.div(norm.clampMin(eps).expandAs(input));
}

let fused: Op | null | undefined;
/** ATen's scaled_dot_product_attention, or null in a LibTorch without it. */
function fusedAttention(): Op | null {
  if (fused === undefined) {
    try {
      fused = new Op('scaled_dot_product_attention');
      fused.schema();
    } catch {
      fused = null;
    }
  }
  return fused;
}

/** Options of `scaledDotProductAttention`. */
export interface AttentionOptions {
  /** Boolean (true = attend) or additive float mask, broadcastable to (..., L, S). */
  attnMask?: Tensor | null;
  dropoutP?: number;
  isCausal?: boolean;
  /** Defaults to 1/sqrt(E). */
  scale?: number | null;
}
/**
 * softmax(Q K^T * scale + mask) V. Uses ATen's fused kernel where this LibTorch has it (2.x) and
 * the same computation composed from ops where it does not (1.13).
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: AttentionOptions = {}): Tensor {
  const { attnMask = null, dropoutP = 0, isCausal = false, scale = null } = options;
  if (attnMask && isCausal) throw new TypeError('scaledDotProductAttention: give attnMask or isCausal, not both');
  if (fusedAttention()) {
    const args: unknown[] = [query, key, value, attnMask, dropoutP, isCausal];
    if (scale !== null) args.push(scale); // 2.0 and 2.1 have no `scale` argument
    return fusedAttention()!.call(args) as Tensor;
  }
  const L = query.size(-2);
  const S = key.size(-2);
  let scores = query.matmul(key.transpose(-2, -1)).mul(scale ?? 1 / Math.sqrt(query.size(-1)));
  if (isCausal) {
    const causal = scores.newOnes([L, S], { dtype: 'bool' }).tril();
    scores = scores.maskedFill(causal.logicalNot(), -Infinity);
  } else if (attnMask) {
    scores = attnMask.dtype === 'bool' ? scores.maskedFill(attnMask.logicalNot(), -Infinity) : scores.add(attnMask);
  }
  let weights = scores.softmax(-1);
  if (dropoutP > 0) weights = dropout(weights, { p: dropoutP, training: true });
  return weights.matmul(value);
}
