/**
 * torch.save / torch.load in PyTorch's own file format (the zip archive Python's torch.save writes):
 * files written here load in Python with torch.load, and Python's files load here.
 */
import { readFile } from 'node:fs/promises';
import { readPyTorchFile } from './pytorch-reader.js';
import { writePyTorchFile } from './pytorch-writer.js';
import { writeFileAtomic } from './atomic.js';
import type { Tensor } from '../tensor/tensor.js';

/** What can be saved: tensors, numbers, strings, booleans, null, and arrays/objects of these. */
export type Saveable = Tensor | number | boolean | string | null | readonly Saveable[] | { readonly [key: string]: Saveable };

/**
 * Saves `value` to `path` so that Python's `torch.load(path)` reads it: a state dict, a tensor, or
 * nested arrays and objects of tensors, numbers, strings and booleans (objects become dicts, arrays
 * lists; whole numbers become ints). PyTorch 2.6+ loads the files with its default
 * `weights_only=True`. The file is replaced atomically, so a failure leaves any previous file intact.
 */
export async function save(value: Saveable, path: string): Promise<void> {
  await writeFileAtomic(path, writePyTorchFile(value));
}

/** Options of `load`. */
export interface LoadOptions {
  /** Move every loaded tensor to this device (like map_location). */
  mapLocation?: string;
}

/**
 * Loads a file written by Python's `torch.save` (PyTorch >= 1.6 zip format) or by `save`. Dicts
 * (OrderedDicts too) become plain objects with their key order, lists and tuples arrays; tensors saved
 * as views of one storage still share it.
 */
export async function load<T = unknown>(path: string, options: LoadOptions = {}): Promise<T> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`torch.load: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const value = readPyTorchFile(bytes, path);
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
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, moveTensors(v, device)]));
}
