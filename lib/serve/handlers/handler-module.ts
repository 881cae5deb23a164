/**
 * Handlers written as JavaScript or TypeScript modules, loaded from a file with `import()`: a
 * module exports `preprocess`, `inference` and/or `postprocess` (named exports, or a default
 * export that is an object of them or a class to instantiate). What a module leaves out comes from
 * the default `tensor` handler, as a TorchServe handler inherits from BaseHandler. A .mar's handler
 * is unpacked with the archive's other files (so it can import them) into a private temp folder.
 * @module
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Handler } from './handler.js';
import { tensorHandler } from './tensor-handler.js';

/** Whether a handler name is a module file (`.mjs`, `.js`, `.cjs`, `.ts`, `.mts`, `.cts`). */
export function isModulePath(spec: string): boolean {
  return /\.(m|c)?(j|t)s$/i.test(spec);
}

/** Whether a handler name is a Python file (TorchServe's `handler.py` or `handler.py:function`). */
export function isPythonHandler(spec: string): boolean {
  return /\.py(:[\w.]*)?$/i.test(spec);
}

const FUNCTIONS = ['preprocess', 'inference', 'postprocess'] as const;
type Own = Partial<Record<(typeof FUNCTIONS)[number], unknown>>;

/** The object holding the module's functions: its default export (an instance of a class one), or the module itself. */
function ownFunctions(namespace: Record<string, unknown>): Own {
  const fallback = namespace.default;
  if (FUNCTIONS.some((name) => typeof namespace[name] === 'function')) return namespace;
  if (typeof fallback === 'function') {
    const prototype = (fallback as { prototype?: Record<string, unknown> }).prototype;
    if (prototype && FUNCTIONS.some((name) => typeof prototype[name] === 'function')) return new (fallback as new () => Own)();
  }
  return fallback !== null && typeof fallback === 'object' ? fallback : {};
}

/** A module's functions over the tensor handler's, each called with the module's object as `this`. */
export function handlerFromModule(namespace: Record<string, unknown>, label: string): Handler {
  const own = ownFunctions(namespace);
  const given = FUNCTIONS.filter((name) => typeof own[name] === 'function');
  if (given.length === 0)
    throw new Error(`handler module ${label} exports none of preprocess, inference, postprocess (as named exports or a default object)`);
  const bound = <F>(name: (typeof FUNCTIONS)[number]) => (own[name] as (...args: unknown[]) => unknown).bind(own) as F;
  return {
    preprocess: given.includes('preprocess') ? bound<Handler['preprocess']>('preprocess') : (r, c) => tensorHandler.preprocess(r, c),
    ...(given.includes('inference') ? { inference: bound<NonNullable<Handler['inference']>>('inference') } : {}),
    postprocess: given.includes('postprocess')
      ? bound<Handler['postprocess']>('postprocess')
      : (o, c, s) => tensorHandler.postprocess(o, c, s),
  };
}

/** Imports a handler module file; a file that cannot be imported is an error saying why. */
export async function loadHandlerModule(file: string, label = file): Promise<Handler> {
  let namespace: Record<string, unknown>;
  try {
    // The modification time in the URL: a file changed since an earlier import is imported anew.
    const { mtimeMs } = await stat(file);
    namespace = (await import(`${pathToFileURL(file).href}?mtime=${Math.round(mtimeMs)}`)) as Record<string, unknown>;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const hint =
      code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/i.test(file)
        ? ' (this Node cannot import TypeScript: use Node 22.18 or later, run with `node --import tsx`, or compile the handler to .mjs)'
        : '';
    throw new Error(`cannot load handler module ${label}: ${message}${hint}`, { cause: error });
  }
  return handlerFromModule(namespace, label);
}

/**
 * The handler module `name` of an archive: the archive's files but the serialized model are
 * written to a temp folder, the module is imported from there, and the folder is removed (the
 * module and what it imports statically are loaded by then). `.js` files there are ES modules
 * unless the archive has its own package.json.
 */
export async function loadArchiveHandler(
  entries: Record<string, Uint8Array>,
  name: string,
  skip: string,
  archive: string,
): Promise<Handler> {
  if (!entries[name]) throw new Error(`${archive}: the manifest's handler ${name} is not in the archive`);
  const dir = await mkdtemp(path.join(tmpdir(), 'nodetorch-handler-'));
  try {
    for (const [entry, bytes] of Object.entries(entries)) {
      if (entry === skip || entry.endsWith('/')) continue;
      const target = path.join(dir, entry);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    if (!entries['package.json']) await writeFile(path.join(dir, 'package.json'), '{"type": "module"}\n');
    return await loadHandlerModule(path.join(dir, name), `${name} (in ${path.basename(archive)})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
