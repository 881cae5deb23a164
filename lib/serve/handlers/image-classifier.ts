/**
 * TorchServe's built-in `image_classifier`: a PNG or JPEG (the body, a form part, or base64 in
 * `{"data": "..."}`; or, over KServe v2, each element of a BYTES input: base64 text or the image's
 * bytes, one batch row each) becomes a float image of the channels and size the model's signature asks for.
 * 3-channel models get TorchServe's transforms as torchvision runs them on a PIL image: Resize(256)
 * (256/224 of the crop for other crop sizes; the longer side truncated as torchvision does), PIL's
 * antialiased bilinear filter with each pass rounded to 8 bits, CenterCrop(224) with Python's
 * rounding of the offset, then ToTensor and the ImageNet mean and std. 1-channel models get a plain
 * bilinear resize of the ITU-R 601 gray level in [0, 1]. The answer is the softmax's top 5 as
 * `{"<class name>": probability}`, highest first, with names from index_to_name.json (the index as
 * text where there is none).
 * @module
 */
import { interpolate } from '../../nn/functional.js';
import { aten } from '../../ops/surface.js';
import { cat, fromTypedArray } from '../../tensor/creation.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import { HandlerInputError } from '../errors.js';
import { classNameOf } from '../prediction-features.js';
import type { Handler, HandlerContext, Prepared, PredictionRequest, RequestPart } from './handler.js';
import { decodeImage, type RgbaImage } from './image-decode.js';
import { isJson, mainPart, parseJson } from './request-body.js';

/** How many classes the answer lists. */
export const TOP_K = 5;
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The request's images: one, or a KServe BYTES input's elements. */
function imageBytes(request: PredictionRequest): Buffer[] {
  const part = mainPart(request);
  if (part.strings) return part.strings.map((e) => (typeof e === 'string' ? Buffer.from(e, 'base64') : asBuffer(e)));
  return [imageOf(part)];
}

function imageOf(part: RequestPart): Buffer {
  if (!isJson(part)) return asBuffer(part.bytes);
  const parsed = parseJson(part);
  const data = parsed !== null && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
  if (typeof data !== 'string') throw new HandlerInputError('send the image as the body, a form part, or base64 text in {"data": "..."}');
  return Buffer.from(data, 'base64');
}

/** RGBA to a (1, C, H, W) float tensor of 0-255 levels; alpha composited onto black. */
function toLevels(image: RgbaImage, channels: number): Tensor {
  const pixels = image.width * image.height;
  const out = new Float32Array(channels * pixels);
  for (let i = 0; i < pixels; i++) {
    const [r, g, b, a] = [image.data[4 * i]!, image.data[4 * i + 1]!, image.data[4 * i + 2]!, image.data[4 * i + 3]! / 255];
    if (channels === 1) out[i] = (0.299 * r + 0.587 * g + 0.114 * b) * a;
    else [r, g, b].forEach((v, c) => (out[c * pixels + i] = v * a));
  }
  return fromTypedArray(out, [1, channels, image.height, image.width]);
}

function resize(image: Tensor, height: number, width: number): Tensor {
  if (image.shape[2] === height && image.shape[3] === width) return image;
  return interpolate(image, { size: [height, width], mode: 'bilinear', alignCorners: false });
}

/**
 * PIL's `Image.resize(BILINEAR)` of 8-bit levels: ATen's antialiased bilinear kernel has PIL's
 * filter (its support widens by the shrink factor, which plain bilinear lacks: up to ~100 levels
 * apart on a detailed photo), and PIL resizes the width first, then the height, rounding each pass
 * to 8 bits. PIL's fixed-point weights can still round an exact .5 the other way (one level).
 */
function pilResize(levels: Tensor, height: number, width: number): Tensor {
  const pass = (t: Tensor, size: [number, number]) => aten._upsample_bilinear2d_aa.vec(t, size, false, null).add(0.5).floor();
  const wide = levels.shape[3] === width ? levels : pass(levels, [levels.shape[2]!, width]);
  return wide.shape[2] === height ? wide : pass(wide, [height, width]);
}

/** Python's round(): halves to the even neighbour (torchvision's CenterCrop offset uses it). */
function roundHalfEven(x: number): number {
  const down = Math.floor(x);
  const rest = x - down;
  return rest > 0.5 || (rest === 0.5 && down % 2 === 1) ? down + 1 : down;
}

/** torchvision's Resize(256) + CenterCrop(224), scaled to the model's crop size. */
function resizeAndCrop(levels: Tensor, height: number, width: number): Tensor {
  const [h, w] = [levels.shape[2]!, levels.shape[3]!];
  const shorter = Math.floor((Math.min(height, width) * 256) / 224);
  // torchvision: the shorter side becomes `shorter`, the longer int(shorter * long / short).
  const longer = Math.trunc((shorter * Math.max(h, w)) / Math.min(h, w));
  const [sh, sw] = w <= h ? [longer, shorter] : [shorter, longer];
  // A crop wider than the resized image (a non-square crop): stretched to fit, not padded.
  const [rh, rw] = [Math.max(height, sh), Math.max(width, sw)];
  const resized = pilResize(levels, rh, rw);
  const top = roundHalfEven((rh - height) / 2);
  const left = roundHalfEven((rw - width) / 2);
  return resized.narrow(2, top, height).narrow(3, left, width);
}

function prepare(image: RgbaImage, context: HandlerContext): Tensor {
  const shape = context.signature?.inputs[0]?.shape;
  const channels = shape?.[1] !== undefined && shape[1] > 0 ? shape[1] : 3;
  if (channels !== 1 && channels !== 3)
    throw new HandlerInputError(`image_classifier serves 1- or 3-channel models; this one takes ${channels}`);
  const height = shape?.[2] !== undefined && shape[2] > 0 ? shape[2] : channels === 3 ? 224 : image.height;
  const width = shape?.[3] !== undefined && shape[3] > 0 ? shape[3] : channels === 3 ? 224 : image.width;
  const levels = toLevels(image, channels);
  if (channels === 1) return resize(levels, height, width).div(255);
  // ToTensor: the 8-bit levels over 255.
  const cropped = resizeAndCrop(levels, height, width).div(255);
  const mean = fromTypedArray(Float32Array.from(IMAGENET_MEAN), [1, 3, 1, 1]);
  const std = fromTypedArray(Float32Array.from(IMAGENET_STD), [1, 3, 1, 1]);
  return cropped.sub(mean).div(std);
}

/** The image classification handler. */
export const imageClassifierHandler: Handler = {
  preprocess(request: PredictionRequest, context: HandlerContext): Prepared {
    const images = imageBytes(request).map(decodeImage);
    return { inputs: [tidy(() => (images.length === 1 ? prepare(images[0]!, context) : cat(images.map((i) => prepare(i, context)))))] };
  },
  postprocess(outputs: Tensor[], context: HandlerContext): unknown {
    const logits = outputs[0];
    if (!logits || logits.dim() !== 2) throw new Error(`image_classifier expects (batch, classes) scores, got shape [${logits?.shape}]`);
    const probabilities = tidy(() => logits.softmax(1).toArray() as number[][])[0]!;
    const ranked = probabilities
      .map((probability, index) => ({ probability, index }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, TOP_K);
    return Object.fromEntries(ranked.map(({ probability, index }) => [classNameOf(context.classNames, index), probability]));
  },
};
