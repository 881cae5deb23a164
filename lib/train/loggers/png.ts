/**
 * Tensors to PNG (with pngjs) for `TensorBoardLogger.logImage`: a (C, H, W) image with C in
 * 1 (gray), 3 (RGB) or 4 (RGBA), or an (H, W) gray image; floats in [0, 1] (clamped), or uint8.
 * @module
 */
import pngjs from 'pngjs';
import { aten } from '../../ops/surface.js';
import { fromTypedArray } from '../../tensor/creation.js';
import { tidy } from '../../tensor/scope.js';
import { Tensor } from '../../tensor/tensor.js';

/** A PNG with what TensorBoard's `Summary.Image` records beside it. */
export interface EncodedImage {
  /** Pixels down. */
  height: number;
  /** Pixels across. */
  width: number;
  /** 1 gray, 3 RGB, 4 RGBA (also TensorBoard's colorspace numbers). */
  channels: 1 | 3 | 4;
  /** The PNG file's bytes. */
  png: Uint8Array;
}

// PNG colour types (PNG spec 11.2.2) by channel count.
const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const;
const FLOATS = new Set(['float16', 'bfloat16', 'float32', 'float64']);

/** Encodes `image` ((C, H, W) or (H, W); floats in [0, 1] or uint8) as a PNG. */
export function encodePng(image: Tensor, what = 'image'): EncodedImage {
  if (!(image instanceof Tensor)) throw new TypeError(`${what} must be a tensor, got ${typeof image}`);
  const shape = image.shape;
  if (shape.length !== 2 && shape.length !== 3)
    throw new RangeError(`${what} must be (C, H, W) or (H, W), got ${shape.length}-D shape [${shape.join(', ')}]`);
  const [channels, height, width] = (shape.length === 2 ? [1, ...shape] : shape) as [number, number, number];
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw new RangeError(`${what} must have 1, 3 or 4 channels (gray, RGB, RGBA), got ${channels} in shape [${shape.join(', ')}]`);
  if (height === 0 || width === 0) throw new RangeError(`${what} is empty: shape [${shape.join(', ')}]`);
  if (image.dtype !== 'uint8' && !FLOATS.has(image.dtype))
    throw new TypeError(`${what} must be floating point (values in [0, 1]) or uint8, got ${image.dtype}`);
  const pixels = tidy(() => {
    let t = image.detach().cpu();
    if (t.dtype !== 'uint8') t = aten.round(t.float().clamp(0, 1).mul(255)).to('uint8');
    // PNG rows hold the channels of each pixel together: (C, H, W) -> (H, W, C).
    const hwc = shape.length === 2 ? t : t.permute(1, 2, 0);
    return hwc.contiguous().toTypedArray() as Uint8Array;
  });
  const colorType = COLOR_TYPE[channels];
  const data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const png = pngjs.PNG.sync.write({ width, height, data } as pngjs.PNG, { colorType, inputColorType: colorType });
  return { height, width, channels, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
}

/**
 * Decodes a PNG into a float32 (1, H, W) gray image in [0, 1] (colour is averaged with the
 * ITU-R 601 weights, transparency composited onto black), as a model of digits takes it.
 */
export function decodeGrayPng(bytes: Uint8Array, what = 'image'): Tensor {
  let decoded: pngjs.PNGWithMetadata;
  try {
    decoded = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new Error(`${what} is not a readable PNG: ${(error as Error).message}`, { cause: error });
  }
  const { width, height, data } = decoded; // RGBA, 8 bits per channel after pngjs's conversion
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    const [r, g, b, a] = [data[4 * i]!, data[4 * i + 1]!, data[4 * i + 2]!, data[4 * i + 3]!];
    gray[i] = ((0.299 * r + 0.587 * g + 0.114 * b) / 255) * (a / 255);
  }
  return fromTypedArray(gray, [1, height, width]);
}
