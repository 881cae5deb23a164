/**
 * TorchServe's built-in `image_classifier`: a PNG or JPEG (the body, a form part, or base64 in
 * `{"data": "..."}`) becomes a float image in [0, 1] of the channels and size the model's signature
 * asks for; 3-channel models get TorchServe's transforms (shorter side resized to 256/224 of the
 * crop, centre crop, ImageNet mean and std), 1-channel models a plain resize and the ITU-R 601 gray
 * level. The answer is the softmax's top 5 as `{"<class name>": probability}`, highest first, with
 * names from index_to_name.json (the index as text where there is none).
 * @module
 */
import { interpolate } from '../../nn/functional.js';
import { fromTypedArray } from '../../tensor/creation.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import { HandlerInputError } from '../errors.js';
import { classNameOf } from '../prediction-features.js';
import type { Handler, HandlerContext, Prepared, PredictionRequest } from './handler.js';
import { decodeImage, type RgbaImage } from './image-decode.js';
import { isJson, mainPart, parseJson } from './request-body.js';

/** How many classes the answer lists. */
export const TOP_K = 5;
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

function imageBytes(request: PredictionRequest): Buffer {
  const part = mainPart(request);
  if (!isJson(part)) return Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength);
  const parsed = parseJson(part);
  const data = parsed !== null && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
  if (typeof data !== 'string') throw new HandlerInputError('send the image as the body, a form part, or base64 text in {"data": "..."}');
  return Buffer.from(data, 'base64');
}

/** RGBA to a (1, C, H, W) float tensor in [0, 1]; alpha composited onto black. */
function toTensor(image: RgbaImage, channels: number): Tensor {
  const pixels = image.width * image.height;
  const out = new Float32Array(channels * pixels);
  for (let i = 0; i < pixels; i++) {
    const [r, g, b, a] = [image.data[4 * i]!, image.data[4 * i + 1]!, image.data[4 * i + 2]!, image.data[4 * i + 3]! / 255];
    if (channels === 1) out[i] = ((0.299 * r + 0.587 * g + 0.114 * b) / 255) * a;
    else [r, g, b].forEach((v, c) => (out[c * pixels + i] = (v / 255) * a));
  }
  return fromTypedArray(out, [1, channels, image.height, image.width]);
}

function resize(image: Tensor, height: number, width: number): Tensor {
  if (image.shape[2] === height && image.shape[3] === width) return image;
  return interpolate(image, { size: [height, width], mode: 'bilinear', alignCorners: false });
}

/** TorchServe's Resize(256) + CenterCrop(224), scaled to the model's crop size. */
function resizeAndCrop(image: Tensor, height: number, width: number): Tensor {
  const [h, w] = [image.shape[2]!, image.shape[3]!];
  const shorter = Math.floor((Math.min(height, width) * 256) / 224);
  const scale = shorter / Math.min(h, w);
  const [rh, rw] = [Math.max(height, Math.round(h * scale)), Math.max(width, Math.round(w * scale))];
  const resized = resize(image, rh, rw);
  const top = Math.round((rh - height) / 2);
  const left = Math.round((rw - width) / 2);
  return resized.narrow(2, top, height).narrow(3, left, width).contiguous();
}

function prepare(image: RgbaImage, context: HandlerContext): Tensor {
  const shape = context.signature?.inputs[0]?.shape;
  const channels = shape?.[1] !== undefined && shape[1] > 0 ? shape[1] : 3;
  if (channels !== 1 && channels !== 3)
    throw new HandlerInputError(`image_classifier serves 1- or 3-channel models; this one takes ${channels}`);
  const height = shape?.[2] !== undefined && shape[2] > 0 ? shape[2] : channels === 3 ? 224 : image.height;
  const width = shape?.[3] !== undefined && shape[3] > 0 ? shape[3] : channels === 3 ? 224 : image.width;
  const raw = toTensor(image, channels);
  if (channels === 1) return resize(raw, height, width);
  const cropped = resizeAndCrop(raw, height, width);
  const mean = fromTypedArray(Float32Array.from(IMAGENET_MEAN), [1, 3, 1, 1]);
  const std = fromTypedArray(Float32Array.from(IMAGENET_STD), [1, 3, 1, 1]);
  return cropped.sub(mean).div(std);
}

/** The image classification handler. */
export const imageClassifierHandler: Handler = {
  preprocess(request: PredictionRequest, context: HandlerContext): Prepared {
    const image = decodeImage(imageBytes(request));
    return { inputs: [tidy(() => prepare(image, context))] };
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
