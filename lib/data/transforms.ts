/**
 * Image transforms for float tensors shaped (C, H, W) or (N, C, H, W), after torchvision.transforms.
 * Random transforms draw from LibTorch's default generator on the main thread (so torch.manualSeed
 * makes them reproducible) and from the worker's generator in DataLoader workers; a batch (N, C, H, W)
 * gets one draw for all its images, as in torchvision. Every transform made here is portable to
 * DataLoader workers.
 */
import { aten } from '../ops/surface.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { cropWindow, normalizeKernel } from './image-kernels.js';
import { randomFloat, randomInt } from './random.js';
import { builtinRecipe, isPortable, portable, type WorkerPortable } from './recipe.js';

/** A function from one sample (or part of one) to another. */
export type Transform<I = Tensor, O = Tensor> = (input: I) => O;

const FLOAT_DTYPES = new Set(['float16', 'bfloat16', 'float32', 'float64']);

function requireImage(input: Tensor, what: string, floating: boolean): void {
  if (input.dim() < 2) throw new TypeError(`${what}: expected an image tensor shaped (..., H, W), got shape [${input.shape}]`);
  if (floating && !FLOAT_DTYPES.has(input.dtype)) throw new TypeError(`${what}: input tensor should be a float tensor, got ${input.dtype}`);
}

function listOf(value: number | readonly number[]): number[] {
  return typeof value === 'number' ? [value] : [...value];
}

/** Applies `transforms` one after another (torchvision.transforms.Compose); portable when every part is. */
export function compose<I = Tensor, O = Tensor>(transforms: readonly Transform<never, unknown>[]): Transform<I, O> {
  const parts = [...transforms] as Transform<unknown, unknown>[];
  const composed = (input: I): O => parts.reduce<unknown>((value, transform) => transform(value), input) as O;
  return parts.every(isPortable) ? portable(composed, builtinRecipe('compose', [parts])) : composed;
}

/**
 * `(x - mean) / std` per channel (torchvision.transforms.Normalize); `mean` and `std` hold one value
 * per channel, or one for all. `inplace` overwrites the input.
 */
export function normalize(
  mean: number | readonly number[],
  std: number | readonly number[],
  options: { inplace?: boolean } = {},
): Transform & WorkerPortable {
  const [means, stds] = [listOf(mean), listOf(std)];
  if (stds.some((s) => s === 0))
    throw new RangeError(`normalize: std evaluated to zero after conversion, leading to division by zero (std=[${stds}])`);
  const transform = (input: Tensor): Tensor => {
    requireImage(input, 'normalize', true);
    if (input.dim() < 3) throw new TypeError(`normalize: expected a tensor image shaped (..., C, H, W), got shape [${input.shape}]`);
    const normalized = options.inplace ? null : normalizeKernel(input, means, stds);
    if (normalized) return normalized;
    const m = tensor(means, { dtype: input.dtype }).view(-1, 1, 1);
    const s = tensor(stds, { dtype: input.dtype }).view(-1, 1, 1);
    try {
      return options.inplace ? input.sub_(m).div_(s) : input.sub(m).div(s);
    } finally {
      m.dispose();
      s.dispose();
    }
  };
  return portable(transform, builtinRecipe('normalize', [means, stds, options]));
}

/** Mirrors left-right with probability `p` (torchvision.transforms.RandomHorizontalFlip). */
export function randomHorizontalFlip(p = 0.5): Transform & WorkerPortable {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  const transform = (input: Tensor): Tensor => {
    requireImage(input, 'randomHorizontalFlip', false);
    return randomFloat() < p ? aten.flip.default(input, [-1]) : input;
  };
  return portable(transform, builtinRecipe('randomHorizontalFlip', [p]));
}

/** Options of {@link randomCrop}. */
export interface RandomCropOptions {
  /**
   * Border added first: one number for all sides, [left/right, top/bottom], or [left, top, right, bottom]
   * (torchvision's order).
   */
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Pad images smaller than the crop up to its size; default false. */
  padIfNeeded?: boolean;
  /** Value of the padding; default 0. */
  fill?: number;
}

// torchvision padding to constant_pad_nd's [left, right, top, bottom].
function padOrder(padding: NonNullable<RandomCropOptions['padding']>): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 2) return [padding[0], padding[0], padding[1], padding[1]];
  if (padding.length === 4) return [padding[0], padding[2], padding[1], padding[3]];
  throw new RangeError(`randomCrop: padding must be a number or have 2 or 4 elements, got [${padding as readonly number[]}]`);
}

/**
 * A crop of `size` (a number for a square, or [height, width]) at a random position
 * (torchvision.transforms.RandomCrop), after optional padding.
 */
export function randomCrop(size: number | readonly [number, number], options: RandomCropOptions = {}): Transform & WorkerPortable {
  const [cropHeight, cropWidth] = typeof size === 'number' ? [size, size] : size;
  if (!(cropHeight > 0 && cropWidth > 0)) throw new RangeError(`randomCrop: size must be positive, got ${JSON.stringify(size)}`);
  const fill = options.fill ?? 0;
  const padding = options.padding === undefined ? null : padOrder(options.padding);
  const transform = (input: Tensor): Tensor => {
    requireImage(input, 'randomCrop', false);
    // The padded image's size and where the input sits in it; one native call pads and crops.
    let [padLeft, , padTop] = padding ?? [0, 0, 0, 0];
    const [inHeight, inWidth] = input.shape.slice(-2) as [number, number];
    let [h, w] = [inHeight, inWidth];
    if (padding) [h, w] = [h + padding[2] + padding[3], w + padding[0] + padding[1]];
    if (options.padIfNeeded && w < cropWidth) [padLeft, w] = [padLeft + cropWidth - w, 2 * cropWidth - w];
    if (options.padIfNeeded && h < cropHeight) [padTop, h] = [padTop + cropHeight - h, 2 * cropHeight - h];
    if (h < cropHeight || w < cropWidth)
      throw new RangeError(`randomCrop: required crop size (${cropHeight}, ${cropWidth}) is larger than input image size (${h}, ${w})`);
    if (h === cropHeight && w === cropWidth) {
      const unchanged = h === inHeight && w === inWidth && padTop === 0 && padLeft === 0;
      return unchanged ? input : cropWindow(input, -padTop, -padLeft, h, w, fill);
    }
    const top = randomInt(0, h - cropHeight + 1);
    const left = randomInt(0, w - cropWidth + 1);
    return cropWindow(input, top - padTop, left - padLeft, cropHeight, cropWidth, fill);
  };
  return portable(transform, builtinRecipe('randomCrop', [size, options]));
}
