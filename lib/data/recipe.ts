/**
 * Worker recipes: how a dataset, transform, collate function or worker initializer describes itself
 * so that a DataLoader worker thread can rebuild it. Functions and class instances cannot be
 * structured-cloned, so instead of the object a worker receives `{ module, export, args }`, imports
 * the module and rebuilds the value there.
 */
import { Tensor } from '../tensor/tensor.js';
import { packTensor, TENSOR_KEY, type PackedTensor } from './transfer.js';
import { isPlainObject } from '../util/validate.js';

/** The `module` of a recipe that names an export of nodetorch's own `torch.data` (`lib/data/index.ts`). */
export const BUILTIN_MODULE = 'nodetorch:data';

/**
 * How a worker rebuilds a value: it imports `module` (a file URL, an absolute path, a package name, or
 * {@link BUILTIN_MODULE}) and takes its export `export`. Without `args` that export is the value
 * itself (a function, for example); with `args` a class export is constructed (`new`) with them and a
 * function export is called with them. A constructed object with an `init()` method is awaited
 * (`await value.init()`) before use, which is how datasets that read files get ready.
 *
 * `args` must be structured-cloneable, except that they may hold Tensors (copied to the worker) and
 * values that are themselves {@link WorkerPortable} (rebuilt recursively).
 */
export interface WorkerRecipe {
  /** A specifier string, or a URL (`new URL('./dataset.js', import.meta.url)`: anything with an `href`). */
  module: string | ModuleURL;
  export: string;
  args?: readonly unknown[];
}

/** A URL object, typed by its `href` alone so that the declarations need neither DOM nor @types/node. */
export interface ModuleURL {
  readonly href: string;
}

const isModuleURL = (value: unknown): value is ModuleURL =>
  typeof value === 'object' && value !== null && typeof (value as { href?: unknown }).href === 'string';

/** A value that can be rebuilt in a worker thread from its recipe. */
export interface WorkerPortable {
  /** How a DataLoader worker rebuilds this value (see {@link WorkerRecipe}). */
  workerRecipe(): WorkerRecipe;
}

/** Whether `value` describes itself for workers. */
export function isPortable(value: unknown): value is WorkerPortable {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Partial<WorkerPortable>).workerRecipe === 'function'
  );
}

/** Whether `value` is a bare recipe object (`{ module, export, args? }`). */
export function isRecipe(value: unknown): value is WorkerRecipe {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<WorkerRecipe>;
  return (typeof candidate.module === 'string' || isModuleURL(candidate.module)) && typeof candidate.export === 'string';
}

/**
 * Attaches a recipe to a function or object so that DataLoader workers can rebuild it, e.g.
 * `export const augment = portable((x) => ..., { module: import.meta.url, export: 'augment' })`.
 * Returns the same value.
 */
export function portable<T extends object>(value: T, recipe: WorkerRecipe): T & WorkerPortable {
  Object.defineProperty(value, 'workerRecipe', { value: () => recipe, configurable: true });
  return value as T & WorkerPortable;
}

/** A recipe for an export of `torch.data` itself (what the built-in datasets and transforms use). */
export function builtinRecipe(exportName: string, args?: readonly unknown[]): WorkerRecipe {
  return args === undefined ? { module: BUILTIN_MODULE, export: exportName } : { module: BUILTIN_MODULE, export: exportName, args };
}

/** Key of an encoded nested recipe inside encoded arguments. */
export const RECIPE_KEY = '__nodetorchRecipe__';

/** A recipe as it travels to a worker: the module as a string, the arguments encoded. */
export interface EncodedRecipe {
  module: string;
  export: string;
  args?: unknown[];
}

/** Encodes a recipe for `postMessage`; `path` names the value in error messages. */
export function encodeRecipe(recipe: WorkerRecipe, path: string): EncodedRecipe {
  const module = typeof recipe.module === 'string' ? recipe.module : recipe.module.href;
  if (recipe.args === undefined) return { module, export: recipe.export };
  return { module, export: recipe.export, args: recipe.args.map((arg, i) => encodeValue(arg, `${path}.args[${i}]`)) };
}

/** The encoded recipe of `value` (portable or a bare recipe), or a TypeError that says how to make it portable. */
export function encodePortable(value: unknown, path: string): EncodedRecipe {
  if (isPortable(value)) return encodeRecipe(value.workerRecipe(), path);
  if (isRecipe(value)) return encodeRecipe(value, path);
  throw new TypeError(
    `${path} cannot be sent to a DataLoader worker: it has no workerRecipe(). Give it one with ` +
      "torch.data.portable(value, { module: import.meta.url, export: 'name', args }) or implement workerRecipe(), " +
      'or use numWorkers: 0.',
  );
}

function encodeValue(value: unknown, path: string): unknown {
  if (value instanceof Tensor) return { [TENSOR_KEY]: packTensor(value) };
  if (isPortable(value)) return { [RECIPE_KEY]: encodeRecipe(value.workerRecipe(), path) };
  if (typeof value === 'function') return { [RECIPE_KEY]: encodePortable(value, path) };
  if (Array.isArray(value)) return value.map((item, i) => encodeValue(item, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null && isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeValue(item, `${path}.${key}`)]));
  }
  return value;
}

/** Loads a module named by a recipe; `builtin` is what {@link BUILTIN_MODULE} stands for. */
export type ModuleLoader = (specifier: string) => Promise<Record<string, unknown>>;

/** Rebuilds an encoded recipe (in the worker). */
export async function reviveRecipe(recipe: EncodedRecipe, load: ModuleLoader, unpack: (packed: PackedTensor) => unknown): Promise<unknown> {
  const namespace = await load(recipe.module);
  if (!(recipe.export in namespace)) throw new Error(`worker recipe: module ${recipe.module} has no export '${recipe.export}'`);
  const exported = namespace[recipe.export];
  if (recipe.args === undefined) return exported;
  if (typeof exported !== 'function')
    throw new TypeError(`worker recipe: ${recipe.module} export '${recipe.export}' is not a function or class`);
  const args = await Promise.all(recipe.args.map((arg) => reviveValue(arg, load, unpack)));
  const value = isClass(exported)
    ? new (exported as new (...a: unknown[]) => unknown)(...args)
    : (exported as (...a: unknown[]) => unknown)(...args);
  const resolved = await value;
  if (typeof resolved === 'object' && resolved !== null && typeof (resolved as { init?: unknown }).init === 'function') {
    await (resolved as { init(): unknown }).init();
  }
  return resolved;
}

async function reviveValue(value: unknown, load: ModuleLoader, unpack: (packed: PackedTensor) => unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item) => reviveValue(item, load, unpack)));
  if (typeof value !== 'object' || value === null || !isPlainObject(value)) return value;
  const record = value;
  if (TENSOR_KEY in record) return unpack(record[TENSOR_KEY] as PackedTensor);
  if (RECIPE_KEY in record) return reviveRecipe(record[RECIPE_KEY] as EncodedRecipe, load, unpack);
  const entries = await Promise.all(
    Object.entries(record).map(async ([key, item]) => [key, await reviveValue(item, load, unpack)] as const),
  );
  return Object.fromEntries(entries);
}

function isClass(fn: object): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

/** Every module an encoded recipe imports (so the worker knows whether it needs a TypeScript loader). */
export function modulesOf(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) modulesOf(item, found);
  } else if (typeof value === 'object' && value !== null && isPlainObject(value)) {
    const record = value;
    if (typeof record.module === 'string' && typeof record.export === 'string') found.add(record.module);
    for (const item of Object.values(record)) modulesOf(item, found);
  }
  return found;
}
