/**
 * torch.save / torch.load in PyTorch's own file format (the zip archive Python's torch.save writes):
 * files written here load in Python with torch.load, and Python's files load here.
 */
import { readPyTorchFile, type ReadOptions } from './pytorch-reader.js';
import { writePyTorchFile } from './pytorch-writer.js';
import { writeFileAtomic } from './atomic.js';
import { readRegularFile } from './regular-file.js';
import type { Tensor } from '../tensor/tensor.js';
import { withCallerStack } from '../util/caller-stack.js';

/** What can be saved: tensors, numbers, strings, booleans, null, and arrays/objects of these. */
export type Saveable = Tensor | number | boolean | string | null | readonly Saveable[] | { readonly [key: string]: Saveable };

/**
 * Saves `value` to `path` so that Python's `torch.load(path)` reads it: a state dict, a tensor, or
 * nested arrays and objects of tensors, numbers, strings and booleans (objects become dicts, arrays
 * lists; whole numbers become ints). PyTorch 2.6+ loads the files with its default
 * `weights_only=True`. The file is replaced atomically, so a failure leaves any previous file intact.
 */
export function save(value: Saveable, path: string): Promise<void> {
  return withCallerStack(() => writeFileAtomic(path, writePyTorchFile(value)));
}

/** Options of `load`. */
export interface LoadOptions extends ReadOptions {
  /** Move every loaded tensor to this device (like map_location). */
  mapLocation?: string;
}

/**
 * Loads a file written by Python's `torch.save` (PyTorch >= 1.6 zip format) or by `save`. Dicts
 * (OrderedDicts too) become plain objects with their key order, lists and tuples arrays, sets Sets;
 * tensors saved as views of one storage still share it. Like PyTorch's `weights_only=True` load,
 * anything else pickled (a whole model, numpy arrays, arbitrary Python objects) is refused with an
 * error naming it; only regular files are read, and compressed entries inflate to at most
 * `maxInflatedBytes`.
 */
export function load<T = unknown>(path: string, options: LoadOptions = {}): Promise<T> {
  return withCallerStack(() => loadFile<T>(path, options));
}

async function loadFile<T>(path: string, options: LoadOptions): Promise<T> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path, 'torch.load');
  } catch (error) {
    // System errors (ENOENT, EACCES, ...) get the path; our own refusals already name it.
    if (!(error as NodeJS.ErrnoException).code) throw error;
    throw new Error(`torch.load: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const value = readPyTorchFile(bytes, path, options);
  return (options.mapLocation ? moveTensors(value, options.mapLocation) : value) as T;
}

function moveTensors(value: unknown, device: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if ('dispose' in value && 'device' in value) {
    const tensor = value as Tensor;
    return tensor.device === device ? tensor : tensor.to(device as Parameters<Tensor['to']>[0]);
  }
  if (Array.isArray(value)) return value.map((item) => moveTensors(item, device));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, moveTensors(v, device)]));
  if (value instanceof Set) return new Set([...value].map((item) => moveTensors(item, device)));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, moveTensors(v, device)]));
}
