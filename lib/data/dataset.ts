/**
 * Map-style and iterable-style datasets, and the wrappers that combine them (torch.utils.data.Dataset,
 * IterableDataset, Subset, ConcatDataset).
 */
import { builtinRecipe, type WorkerRecipe } from './recipe.js';
import { aten } from '../ops/surface.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

import { invalidOption } from '../util/validate.js';

/**
 * A map-style dataset: samples by index, `get(i)` for `0 <= i < length` (PyTorch's `__getitem__` and
 * `__len__`). Implement `workerRecipe()` (see {@link WorkerRecipe}) to use it with DataLoader workers.
 */
export interface Dataset<T> {
  readonly length: number;
  /** The sample at `index` (PyTorch's `__getitem__`). */
  get(index: number): T;
}

/**
 * An iterable-style dataset: a stream of samples (PyTorch's `IterableDataset`). `length`, when
 * known, lets a DataLoader report its own length. With DataLoader workers every worker iterates its
 * own copy; use `getWorkerInfo()` inside the iterator to give each worker its share.
 */
export interface IterableDataset<T> extends AsyncIterable<T> {
  readonly length?: number;
}

/** Whether `dataset` is iterable-style (has `Symbol.asyncIterator` and no `get`). */
export function isIterableDataset<T>(dataset: Dataset<T> | IterableDataset<T>): dataset is IterableDataset<T> {
  return typeof (dataset as Partial<Dataset<T>>).get !== 'function' && Symbol.asyncIterator in dataset;
}

/**
 * The length of a map-style dataset (or of an iterable one that declares it), checked: a
 * non-negative integer. `where` names the caller in the error.
 */
export function lengthOf(dataset: { readonly length?: unknown }, where: string): number {
  const length = dataset.length;
  if (typeof length === 'number' && Number.isSafeInteger(length) && length >= 0) return length;
  throw invalidOption(where, "the dataset's length", 'a non-negative integer', length);
}

function checkIndex(index: number, length: number, what: string): number {
  if (!Number.isInteger(index)) throw new TypeError(`${what}: index must be an integer, got ${index}`);
  const resolved = index < 0 ? index + length : index;
  if (resolved < 0 || resolved >= length) throw new RangeError(`${what}: index ${index} is out of range for length ${length}`);
  return resolved;
}

/** The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset). */
export class Subset<T> implements Dataset<T> {
  readonly indices: readonly number[];

  /** The samples of `dataset` at a copy of `indices`. */
  constructor(
    readonly dataset: Dataset<T>,
    indices: readonly number[],
  ) {
    this.indices = [...indices];
  }

  /** How many indices it was given. */
  get length(): number {
    return this.indices.length;
  }

  /** The sample of the wrapped dataset at `indices[index]` (negative `index` counts from the end). */
  get(index: number): T {
    return this.dataset.get(this.indices[checkIndex(index, this.indices.length, 'Subset.get')]!);
  }

  /** @internal The wrapped dataset's tensors at `indices`, for the native epoch loop (when it has them). */
  nativeTensors(): readonly [Tensor, Tensor] | null {
    const inner = (this.dataset as { nativeTensors?: () => readonly [Tensor, Tensor] | null }).nativeTensors?.();
    if (!inner) return null;
    const size = inner[0].shape[0]!;
    if (this.indices.some((i) => !Number.isInteger(i) || i < 0 || i >= size)) return null;
    const index = tensor(this.indices, { dtype: 'int64' });
    return [aten.index_select.default(inner[0], 0, index), aten.index_select.default(inner[1], 0, index)];
  }

  /** Portable when the wrapped dataset is. */
  workerRecipe(): WorkerRecipe {
    return builtinRecipe('Subset', [this.dataset, this.indices]);
  }
}

/** Several datasets read one after another (torch.utils.data.ConcatDataset). */
export class ConcatDataset<T> implements Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** Running totals of the lengths: `cumulativeSizes[i]` is the length of datasets 0..i together. */
  readonly cumulativeSizes: readonly number[];

  /** Concatenates a non-empty list of map-style datasets. */
  constructor(datasets: readonly Dataset<T>[]) {
    if (datasets.length === 0) throw new RangeError('ConcatDataset: datasets should not be an empty list');
    for (const dataset of datasets) {
      if (isIterableDataset(dataset as Dataset<T> | IterableDataset<T>))
        throw new TypeError('ConcatDataset does not support IterableDataset');
    }
    this.datasets = [...datasets];
    let total = 0;
    this.cumulativeSizes = this.datasets.map((dataset) => (total += dataset.length));
  }

  /** The sum of the datasets' lengths. */
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  /** The sample at `index` counted across the datasets in order (negative counts from the end). */
  get(index: number): T {
    const resolved = checkIndex(index, this.length, 'ConcatDataset.get');
    // The first dataset whose running total exceeds the index (bisect_right).
    let low = 0;
    let high = this.cumulativeSizes.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulativeSizes[mid]! <= resolved) low = mid + 1;
      else high = mid;
    }
    const offset = low === 0 ? 0 : this.cumulativeSizes[low - 1]!;
    return this.datasets[low]!.get(resolved - offset);
  }

  /** Portable when every part is. */
  workerRecipe(): WorkerRecipe {
    return builtinRecipe('ConcatDataset', [this.datasets]);
  }
}
