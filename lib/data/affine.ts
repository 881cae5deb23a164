/**
 * Affine image transforms (torchvision's `functional.affine` and `RandomAffine`): ATen's
 * affine_grid_generator and grid_sampler, in one native call for float32 and float64 CPU tensors
 * outside autograd.
 */
import { aten } from '../ops/surface.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { affineKernel } from './image-kernels.js';
import { randomUniform } from './random.js';
import { builtinRecipe, portable, type WorkerPortable } from './recipe.js';
import type { Transform } from './transforms.js';

/** Parameters of {@link affine}. */
export interface AffineParams {
  /** Rotation in degrees, clockwise (torchvision's `affine` convention; its `rotate` turns the other way). */
  angle: number;
  /** Shift in pixels, [horizontal, vertical]. */
  translate: readonly [number, number];
  scale: number;
  /** Shear angles in degrees, [x, y]. */
  shear: readonly [number, number];
}

/** How pixels are sampled and what fills the area outside the image. */
export interface AffineSampling {
  /** Default 'nearest', as torchvision. */
  interpolation?: 'nearest' | 'bilinear';
  /** Value of pixels that come from outside the image; default 0. */
  fill?: number;
}

const INTERPOLATION = { bilinear: 0, nearest: 1 } as const;

// torchvision's _get_inverse_affine_matrix around the image center: output pixel -> input pixel.
function inverseAffineMatrix({ angle, translate, scale, shear }: AffineParams): [number, number, number, number, number, number] {
  const rot = (angle * Math.PI) / 180;
  const [sx, sy] = [(shear[0] * Math.PI) / 180, (shear[1] * Math.PI) / 180];
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((value) => value / scale) as [number, number, number, number, number, number];
  m[2] += m[0] * -tx + m[1] * -ty;
  m[5] += m[3] * -tx + m[4] * -ty;
  return m;
}

/**
 * Applies an affine map to an image tensor (..., H, W) keeping its size, like torchvision's
 * `functional.affine` on tensors: rotation (clockwise) and shear about the center, scale, then
 * translation in pixels.
 */
export function affine(input: Tensor, params: AffineParams, sampling: AffineSampling = {}): Tensor {
  if (input.dim() < 2) throw new TypeError(`affine: expected an image tensor shaped (..., H, W), got shape [${input.shape}]`);
  const shape = input.shape;
  const [height, width] = shape.slice(-2) as [number, number];
  const m = inverseAffineMatrix(params);
  // The pixel-space matrix in grid_sampler's normalized coordinates (align_corners=false).
  const theta = [m[0], (m[1] * height) / width, (2 * m[2]) / width, (m[3] * width) / height, m[4], (2 * m[5]) / height];
  const fill = sampling.fill ?? 0;
  const mode = INTERPOLATION[sampling.interpolation ?? 'nearest'];
  if (mode === undefined) throw new TypeError(`affine: interpolation must be 'nearest' or 'bilinear', got '${sampling.interpolation}'`);
  const sampled = affineKernel(input, theta, mode === INTERPOLATION.nearest, fill);
  if (sampled) return sampled;
  const images = input.reshape(-1, 1, height, width);
  const count = images.shape[0]!;
  const thetas = tensor(theta, { dtype: input.dtype }).view(1, 2, 3).expand(count, 2, 3).contiguous();
  const grid = aten.affine_grid_generator.default(thetas, [count, 1, height, width], false);
  let output = aten.grid_sampler.default(images, grid, mode, 0, false);
  if (fill !== 0) {
    // Where the sampled image of ones falls short of 1 the pixel came (partly) from outside.
    const inside = aten.grid_sampler.default(aten.ones_like.default(images), grid, mode, 0, false);
    output = output.add(inside.neg().add(1).mul(fill));
  }
  return output.reshape(shape);
}

/** Options of {@link randomAffine}; ranges are sampled uniformly, like torchvision.transforms.RandomAffine. */
export interface RandomAffineOptions extends AffineSampling {
  /** Rotation range in degrees: d for [-d, d], or [min, max]. */
  degrees: number | readonly [number, number];
  /** Maximum shift as fractions of width and height: [a, b] shifts by up to a*W and b*H pixels. */
  translate?: readonly [number, number];
  /** Scale range [min, max]. */
  scale?: readonly [number, number];
  /** Shear in degrees: s for x in [-s, s]; [min, max] for x; [xmin, xmax, ymin, ymax] for both. */
  shear?: number | readonly [number, number] | readonly [number, number, number, number];
}

function range(value: number | readonly number[], what: string): number[] {
  if (typeof value === 'number') {
    if (value < 0) throw new RangeError(`randomAffine: if ${what} is a single number, it must be positive, got ${value}`);
    return [-value, value];
  }
  return [...value];
}

// Python's round(): halves go to the even neighbour.
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * A random rotation, translation, scale and shear (torchvision.transforms.RandomAffine), drawn in
 * torchvision's order: angle, translation, scale, shear.
 */
export function randomAffine(options: RandomAffineOptions): Transform & WorkerPortable {
  const degrees = range(options.degrees, 'degrees');
  const shear = options.shear === undefined ? null : range(options.shear, 'shear');
  const { translate, scale } = options;
  if (translate && translate.some((t) => t < 0 || t > 1))
    throw new RangeError(`randomAffine: translation values should be between 0 and 1, got [${translate}]`);
  if (scale && scale.some((s) => s <= 0)) throw new RangeError(`randomAffine: scale values should be positive, got [${scale}]`);
  const transform = (input: Tensor): Tensor => {
    const [height, width] = input.shape.slice(-2) as [number, number];
    const angle = randomUniform(degrees[0]!, degrees[1]!);
    const shift: [number, number] = translate
      ? [
          roundHalfEven(randomUniform(-translate[0] * width, translate[0] * width)),
          roundHalfEven(randomUniform(-translate[1] * height, translate[1] * height)),
        ]
      : [0, 0];
    const factor = scale ? randomUniform(scale[0], scale[1]) : 1;
    const shearX = shear ? randomUniform(shear[0]!, shear[1]!) : 0;
    const shearY = shear && shear.length === 4 ? randomUniform(shear[2]!, shear[3]!) : 0;
    return affine(input, { angle, translate: shift, scale: factor, shear: [shearX, shearY] }, options);
  };
  return portable(transform, builtinRecipe('randomAffine', [options]));
}
