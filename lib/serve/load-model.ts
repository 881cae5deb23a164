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
import { isModulePath, loadHandlerModule } from './handlers/handler-module.js';
import { DEFAULT_HANDLER, findHandler, type Handler, type HandlerTable } from './handlers/index.js';
import { loadArchive } from './mar.js';
import { resolveInStore } from './model-store.js';

/** Builds an untrained model from a checkpoint's `model` config (the CLI passes nodetorch's own builder). */
export type ModelBuilder = (modelConfig: Record<string, unknown>) => Module;

/** How to load a model file. */
export interface LoadOptions {
  /** A signature for a file that carries none (or to replace the one it carries). */
  signature?: ModelSignature;
  /**
   * The handler: a built-in name, a key of `handlers`, or a module file (.mjs, .js, .ts) inside
   * `modelStore`; default: the archive's, else `defaultHandler`, else `tensor` or, for a checkpoint,
   * `image_classifier`.
   */
  handler?: string;
  /** The handler used when neither `handler` nor the archive names one. */
  defaultHandler?: string;
  /** Handlers of your own by name, next to the built-in ones (a module path is imported when used). */
  handlers?: HandlerTable;
  /** The store module paths in `handler` resolve in (nothing outside it is imported). */
  modelStore?: string | null;
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

/** The handler a name stands for: one of `handlers` (a module path there is imported), a store module, or a built-in one. */
export async function resolveHandler(spec: string, options: LoadOptions): Promise<Handler> {
  const own = options.handlers?.[spec];
  if (typeof own === 'string') return loadHandlerModule(path.resolve(own), `'${spec}' (${own})`);
  if (own) return own;
  if (isModulePath(spec)) return loadHandlerModule(resolveInStore(options.modelStore ?? null, spec), spec);
  return findHandler(spec, options.handlers);
}

/** Loads `file` by its extension: `.mar`, `.ckpt`, else TorchScript. */
export async function loadModelFile(file: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.mar') {
    const archive = await loadArchive(file, options, (spec) => resolveHandler(spec, options));
    return { ...archive, signature: options.signature ?? archive.signature };
  }
  const isCheckpoint = extension === '.ckpt';
  const handlerName = options.handler ?? options.defaultHandler ?? (isCheckpoint ? 'image_classifier' : DEFAULT_HANDLER);
  const handler = await resolveHandler(handlerName, options);
  let module: ScriptModule;
  if (isCheckpoint) {
    if (!options.buildModel) throw new Error(`${file}: serving a checkpoint needs a model builder (createServer's buildModel option)`);
    module = await loadCheckpointModel(file, options.buildModel);
  } else {
    module = await load(file);
    module.eval();
  }
  return { module, signature: options.signature ?? module.signature, handlerName, handler, classNames: null };
}
