/**
 * The model store: a folder of model files. A name given by a client or the command line resolves
 * inside it or not at all: absolute paths, `..` and symbolic links leading out are refused.
 * @module
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { badRequest, ServeError } from './errors.js';

/** The file extensions the store serves: TorchScript, nodetorch checkpoints, TorchServe archives. */
export const MODEL_EXTENSIONS = ['.pt', '.pth', '.torchscript', '.ptl', '.ckpt', '.mar'];

/** The absolute path of `name` inside `store`; 400 for a path leading out, 404 for a missing file. */
export function resolveInStore(store: string | null, name: string): string {
  if (!store) throw badRequest(`No model store is configured to find ${name} in (start with --model-store)`);
  if (name === '' || path.isAbsolute(name) || name.split(/[\\/]/).includes('..') || name.includes('\0'))
    throw badRequest(`Relative path is not allowed in url: ${name}`);
  const root = realpathSync(store);
  const file = path.resolve(root, name);
  if (!existsSync(file)) throw new ServeError(404, 'ModelNotFoundException', `Model not found in model store: ${name}`);
  const real = realpathSync(file);
  const inside = path.relative(root, real);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) throw badRequest(`Relative path is not allowed in url: ${name}`);
  if (!statSync(real).isFile()) throw new ServeError(404, 'ModelNotFoundException', `Model not found in model store: ${name}`);
  return real;
}

/** The model files at the top of the store (for `--models all`), sorted. */
export function listStore(store: string): string[] {
  return readdirSync(store)
    .filter((name) => MODEL_EXTENSIONS.includes(path.extname(name).toLowerCase()))
    .filter((name) => statSync(path.join(store, name)).isFile())
    .sort();
}

/** The model name a file gives when none is named: its base name without the extension. */
export function modelNameOf(file: string): string {
  return path.basename(file, path.extname(file));
}
