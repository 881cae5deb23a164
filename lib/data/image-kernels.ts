/**
 * The one-call native kernels behind randomCrop, affine and normalize. Each transform draws its
 * parameters in JS (so seeds and draw order stay as they were) and hands them over here; affine and
 * normalize get null back for inputs the kernels do not take, and compose ATen ops instead.
 */
import { native } from '../native.js';
import { HANDLE } from '../tensor/handle.js';
import { emptyResult, filled } from '../tensor/result.js';
import type { Tensor } from '../tensor/tensor.js';

const image = native.image;

/** The (height, width) window at (top, left) of `input` (negative offsets pad), `fill` outside; a view when inside. */
export function cropWindow(input: Tensor, top: number, left: number, height: number, width: number, fill: number): Tensor {
  const out = emptyResult();
  return filled(out, image.crop(out, input[HANDLE], top, left, height, width, fill))!;
}

/** affine_grid + grid_sample with `theta` in normalized coordinates; null when the kernel does not take `input`. */
export function affineKernel(input: Tensor, theta: number[], nearest: boolean, fill: number): Tensor | null {
  const out = emptyResult();
  return filled(out, image.affine(out, input[HANDLE], theta, nearest, fill));
}

/** `(x - mean[c]) / std[c]`; null when the kernel does not take `input` (the ATen ops then run). */
export function normalizeKernel(input: Tensor, means: number[], stds: number[]): Tensor | null {
  const out = emptyResult();
  return filled(out, image.normalize(out, input[HANDLE], means, stds));
}
