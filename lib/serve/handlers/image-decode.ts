/**
 * PNG (pngjs) and JPEG (jpeg-js) decoding to RGBA, both pure JavaScript. Sizes are checked from
 * the header before decoding, so a small file that claims a huge image is refused, not decoded.
 * @module
 */
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { HandlerInputError } from '../errors.js';

/** An image as 8-bit RGBA, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The most pixels an input image may have (100 megapixels). */
export const MAX_IMAGE_PIXELS = 100_000_000;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decodes a PNG or JPEG; anything else, or a corrupt image, is a HandlerInputError. */
export function decodeImage(bytes: Buffer): RgbaImage {
  if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return decodePng(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return decodeJpeg(bytes);
  throw new HandlerInputError('the input is neither a PNG nor a JPEG image');
}

function decodePng(bytes: Buffer): RgbaImage {
  if (bytes.length < 24) throw new HandlerInputError('the PNG image is truncated');
  checkSize(bytes.readUInt32BE(16), bytes.readUInt32BE(20));
  try {
    const { width, height, data } = pngjs.PNG.sync.read(bytes);
    return { width, height, data };
  } catch (error) {
    throw new HandlerInputError(`the PNG image cannot be decoded: ${(error as Error).message}`);
  }
}

function decodeJpeg(bytes: Buffer): RgbaImage {
  try {
    const { width, height, data } = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 1024,
    });
    return { width, height, data };
  } catch (error) {
    throw new HandlerInputError(`the JPEG image cannot be decoded: ${(error as Error).message}`);
  }
}

function checkSize(width: number, height: number): void {
  if (width === 0 || height === 0) throw new HandlerInputError('the image has no pixels');
  if (width * height > MAX_IMAGE_PIXELS)
    throw new HandlerInputError(`the image is ${width}x${height}: more than ${MAX_IMAGE_PIXELS} pixels`);
}
