/**
 * `makeGrid`: torchvision.utils.make_grid in camelCase. Tiles a batch of images into one image
 * (rows of `nrow`, `padding` pixels of `padValue` around each), e.g. sample predictions for
 * `TensorBoardLogger.logImage`.
 * @module
 */
import { aten } from '../../ops/surface.js';
import { full } from '../../tensor/creation.js';
import { tidy } from '../../tensor/scope.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Device } from '../../tensor/types.js';

/** Options of {@link makeGrid} (torchvision's names in camelCase). */
export interface MakeGridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels between and around the images (default 2). */
  padding?: number;
  /** The value of the padding pixels (default 0). */
  padValue?: number;
}

/**
 * One (C, H', W') image holding the (N, C, H, W) batch `images` (or an array of (C, H, W)
 * images) in rows of `nrow`. As torchvision, one-channel images become three-channel and a batch
 * of one is returned without padding. The grid has the images' dtype and device.
 */
export function makeGrid(images: Tensor | readonly Tensor[], options: MakeGridOptions = {}): Tensor {
  const nrow = options.nrow ?? 8;
  const padding = options.padding ?? 2;
  const padValue = options.padValue ?? 0;
  if (!Number.isInteger(nrow) || nrow < 1) throw new RangeError(`makeGrid: nrow must be a positive integer, got ${nrow}`);
  if (!Number.isInteger(padding) || padding < 0) throw new RangeError(`makeGrid: padding must be a non-negative integer, got ${padding}`);
  return tidy(() => {
    let batch = Array.isArray(images) ? stackImages(images) : (images as Tensor);
    if (!(batch instanceof Tensor)) throw new TypeError('makeGrid: images must be a (N, C, H, W) tensor or an array of (C, H, W) tensors');
    if (batch.dim() !== 4) throw new RangeError(`makeGrid: images must be (N, C, H, W), got shape [${batch.shape.join(', ')}]`);
    if (batch.shape[1] === 1) batch = batch.expand(-1, 3, -1, -1);
    const [n, c, h, w] = batch.shape as [number, number, number, number];
    if (n === 0) throw new RangeError('makeGrid: images is an empty batch');
    if (n === 1) return batch.squeeze(0).contiguous();
    const columns = Math.min(nrow, n);
    const rows = Math.ceil(n / columns);
    const [cellH, cellW] = [h + padding, w + padding];
    const grid = full([c, rows * cellH + padding, columns * cellW + padding], padValue, {
      dtype: batch.dtype,
      device: batch.device as Device,
    });
    for (let k = 0; k < n; k++) {
      const [row, column] = [Math.floor(k / columns), k % columns];
      const cell = aten.narrow(aten.narrow(grid, 1, row * cellH + padding, h), 2, column * cellW + padding, w);
      cell.copy_(aten.select(batch, 0, k));
    }
    return grid;
  });
}

function stackImages(images: readonly Tensor[]): Tensor {
  if (images.length === 0) throw new RangeError('makeGrid: images is an empty array');
  images.forEach((image, i) => {
    if (!(image instanceof Tensor)) throw new TypeError(`makeGrid: images[${i}] is not a tensor`);
    if (image.dim() !== 3) throw new RangeError(`makeGrid: images[${i}] must be (C, H, W), got shape [${image.shape.join(', ')}]`);
  });
  return aten.stack([...images], 0);
}
