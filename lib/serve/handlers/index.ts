/** Handlers: the interface and the built-in ones by TorchServe's names. @module */
import type { Handler } from './handler.js';
import { isPythonHandler } from './handler-module.js';
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

/** Handlers by name as createServer takes them: a handler, or the path of a module that exports one. */
export type HandlerTable = Readonly<Record<string, Handler | string>>;

/**
 * Finds a handler by name among `own` (objects only: module paths are loaded by the caller) and
 * the built-in ones; an unknown name, or a Python file, is an error saying what can be used.
 */
export function findHandler(name: string, own: HandlerTable = {}): Handler {
  const known = [...Object.keys(BUILT_IN_HANDLERS), ...Object.keys(own)].join(', ');
  if (isPythonHandler(name))
    throw new Error(
      `handler '${name}' is a Python file, which nodetorch cannot run: use a built-in handler (${known}) or a ` +
        `TypeScript/JavaScript module (.mjs, .js, .ts) exporting preprocess/inference/postprocess`,
    );
  const handler = own[name] ?? BUILT_IN_HANDLERS[name];
  if (!handler || typeof handler === 'string') throw new Error(`unknown handler '${name}' (known: ${known})`);
  return handler;
}
