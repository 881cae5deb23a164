/**
 * Turns a model file into what the server runs: a TorchScript module (run with forwardAsync on the
 * thread pool), its signature, its handler and class names. TorchScript files are loaded as they
 * are; TorchServe archives are unpacked (lib/serve/mar.ts); nodetorch checkpoints are rebuilt from
 * the config they carry and traced (lib/serve/checkpoint-model.ts).
 * @module
 */
import path from 'node:path';
import { load } from '../jit/script-module.js';
import type { ScriptModule } from '../jit/script-module.js';
import type { ModelSignature } from '../jit/signature.js';
import type { Module } from '../nn/module.js';
import { loadCheckpointModel } from './checkpoint-model.js';
import { DEFAULT_HANDLER, findHandler, type Handler } from './handlers/index.js';
import { loadArchive } from './mar.js';

/** Builds an untrained model from a checkpoint's `model` config (the CLI passes nodetorch's own builder). */
export type ModelBuilder = (modelConfig: Record<string, unknown>) => Module;

/** How to load a model file. */
export interface LoadOptions {
  /** A signature for a file that carries none (or to replace the one it carries). */
  signature?: ModelSignature;
  /** A handler name (built in, or a key of `handlers`); default: the archive's, else `tensor` or, for a checkpoint, `image_classifier`. */
  handler?: string;
  /** Handlers of your own by name, next to the built-in ones. */
  handlers?: Readonly<Record<string, Handler>>;
  /** How checkpoints' models are made. */
  buildModel?: ModelBuilder;
}

/** A loaded model file. */
export interface LoadedModel {
  module: ScriptModule;
  signature: ModelSignature | null;
  handlerName: string;
  handler: Handler;
  classNames: Record<string, string> | null;
  /** The archive's own model name and version, when it has them. */
  archiveName?: string;
  archiveVersion?: string;
}

/** Loads `file` by its extension: `.mar`, `.ckpt`, else TorchScript. */
export async function loadModelFile(file: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.mar') {
    const archive = await loadArchive(file, options.handlers ?? {});
    const handlerName = options.handler ?? archive.handlerName;
    return {
      ...archive,
      signature: options.signature ?? archive.signature,
      handlerName,
      handler: options.handler ? findHandler(options.handler, options.handlers) : archive.handler,
    };
  }
  if (extension === '.ckpt') {
    if (!options.buildModel) throw new Error(`${file}: serving a checkpoint needs a model builder (createServer's buildModel option)`);
    const module = await loadCheckpointModel(file, options.buildModel);
    const handlerName = options.handler ?? 'image_classifier';
    return {
      module,
      signature: options.signature ?? module.signature,
      handlerName,
      handler: findHandler(handlerName, options.handlers),
      classNames: null,
    };
  }
  const module = await load(file);
  module.eval();
  const handlerName = options.handler ?? DEFAULT_HANDLER;
  return {
    module,
    signature: options.signature ?? module.signature,
    handlerName,
    handler: findHandler(handlerName, options.handlers),
    classNames: null,
  };
}
