/** Handlers: the interface and the built-in ones by TorchServe's names. @module */
import type { Handler } from './handler.js';
import { imageClassifierHandler } from './image-classifier.js';
import { tensorHandler } from './tensor-handler.js';

export type { Handler, HandlerContext, Prepared, PredictionRequest, RequestPart } from './handler.js';

/** The built-in handlers: TorchServe's `image_classifier`, and `tensor` (JSON tensors in and out, the default). */
export const BUILT_IN_HANDLERS: Readonly<Record<string, Handler>> = {
  image_classifier: imageClassifierHandler,
  tensor: tensorHandler,
};

/** The handler a model uses when its archive or registration names none. */
export const DEFAULT_HANDLER = 'tensor';

/** Finds a handler by name; unknown names are an error listing the known ones. */
export function findHandler(name: string, own: Readonly<Record<string, Handler>> = {}): Handler {
  const handler = own[name] ?? BUILT_IN_HANDLERS[name];
  if (!handler)
    throw new Error(`unknown handler '${name}' (known: ${[...Object.keys(BUILT_IN_HANDLERS), ...Object.keys(own)].join(', ')})`);
  return handler;
}
