/**
 * Per-image statistics whose drift says the camera, the lighting or the preprocessing changed:
 * brightness (the mean luma), contrast (the population standard deviation of the luma, RMS
 * contrast) and sharpness (the population variance of the 3x3 Laplacian [[0,1,0],[1,-4,1],[0,1,0]]
 * over the valid region: blur lowers it). Luma is 0.299 R + 0.587 G + 0.114 B (ITU-R 601, as
 * torchvision's rgb_to_grayscale); uint8 images are scaled to [0, 1] first. The result is columns,
 * ready for dataDrift: `dataDrift(imageStatistics(reference), imageStatistics(current))`.
 * @module
 */
import { Tensor } from '../tensor/tensor.js';
import { MonitorError, describeValue } from './errors.js';

/** One value per image, per statistic. */
export interface ImageStatistics {
  /** Mean luma of each image. */
  brightness: number[];
  /** Standard deviation of the luma of each image. */
  contrast: number[];
  /** Variance of the Laplacian of the luma of each image. */
  sharpness: number[];
}

/** Brightness, contrast and sharpness of each image of `images`: [H, W], [C, H, W] or [N, C, H, W], C 1 or 3. */
export function imageStatistics(images: Tensor): ImageStatistics {
  if (!(images instanceof Tensor)) throw new MonitorError(`imageStatistics: images must be a tensor, got ${describeValue(images)}`);
  const shape = images.shape;
  const [n, c, h, w] =
    shape.length === 2 ? [1, 1, shape[0]!, shape[1]!] : shape.length === 3 ? [1, ...shape] : shape.length === 4 ? shape : [];
  if (n === undefined || c === undefined || h === undefined || w === undefined)
    throw new MonitorError(`imageStatistics: images must be [H, W], [C, H, W] or [N, C, H, W], got shape [${shape.join(', ')}]`);
  if (c !== 1 && c !== 3) throw new MonitorError(`imageStatistics: images need 1 or 3 channels, got ${c} (shape [${shape.join(', ')}])`);
  if (h < 3 || w < 3) throw new MonitorError(`imageStatistics: images must be at least 3x3 for the Laplacian, got ${h}x${w}`);
  const scale = images.dtype === 'uint8' ? 1 / 255 : 1;
  const values = images.to('float64').contiguous().toTypedArray() as Float64Array;
  const out: ImageStatistics = { brightness: [], contrast: [], sharpness: [] };
  const plane = h * w;
  const gray = new Float64Array(plane);
  for (let image = 0; image < n; image++) {
    const base = image * c * plane;
    for (let p = 0; p < plane; p++) {
      const at = base + p;
      gray[p] = (c === 1 ? values[at]! : 0.299 * values[at]! + 0.587 * values[at + plane]! + 0.114 * values[at + 2 * plane]!) * scale;
      if (!Number.isFinite(gray[p]!)) throw new MonitorError(`imageStatistics: image ${image} holds ${gray[p]} at pixel ${p}`);
    }
    const [brightness, contrast2] = meanAndVariance(gray);
    const laplacian = new Float64Array((h - 2) * (w - 2));
    for (let i = 1; i < h - 1; i++)
      for (let j = 1; j < w - 1; j++) {
        const at = i * w + j;
        laplacian[(i - 1) * (w - 2) + (j - 1)] = gray[at - w]! + gray[at - 1]! - 4 * gray[at]! + gray[at + 1]! + gray[at + w]!;
      }
    out.brightness.push(brightness);
    out.contrast.push(Math.sqrt(contrast2));
    out.sharpness.push(meanAndVariance(laplacian)[1]);
  }
  return out;
}

function meanAndVariance(values: Float64Array): [number, number] {
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return [mean, squares / values.length];
}
