/** Reading one batch from a map-style dataset: shared by the main thread and the worker threads. */
import { defaultCollate } from './collate.js';
import type { Dataset } from './dataset.js';
import { TensorDataset } from './tensor-dataset.js';

function sampleAt<T>(dataset: Dataset<T>, index: number): T {
  const sample = dataset.get(index);
  if (typeof (sample as { then?: unknown } | null)?.then === 'function')
    throw new TypeError(
      `Dataset.get(${index}) returned a Promise; DataLoader datasets must return samples synchronously (use numWorkers > 0 for slow reads)`,
    );
  return sample;
}

/**
 * The samples at `indices` (or the one sample at a single index, when automatic batching is off),
 * passed through `collate`; with `collate` null they are returned raw for the caller to collate.
 */
export function fetchBatch<T>(
  dataset: Dataset<T>,
  indices: readonly number[] | number,
  collate: ((data: never) => unknown) | null,
): unknown {
  // A TensorDataset's rows in one call per tensor; not for a subclass that reads samples its own way.
  if (
    collate === defaultCollate &&
    dataset instanceof TensorDataset &&
    dataset.get === TensorDataset.prototype.get &&
    typeof indices !== 'number'
  ) {
    const batch = dataset.collatedRows(indices);
    if (batch) return batch;
  }
  const data = typeof indices === 'number' ? sampleAt(dataset, indices) : indices.map((index) => sampleAt(dataset, index));
  return collate ? (collate as (data: unknown) => unknown)(data) : data;
}

/** A batch of samples read from an iterable dataset's iterator, or `done` once it is exhausted. */
export type IterableRead<T> = { done: true } | { done: false; data: T[] | T };

/**
 * Reads the next `batchSize` samples (one sample when `batchSize` is null) from an iterable
 * dataset; a last, shorter batch is returned unless `dropLast`.
 */
export async function readIterable<T>(iterator: AsyncIterator<T>, batchSize: number | null, dropLast: boolean): Promise<IterableRead<T>> {
  if (batchSize === null) {
    const step = await iterator.next();
    return step.done ? { done: true } : { done: false, data: step.value };
  }
  const samples: T[] = [];
  while (samples.length < batchSize) {
    const step = await iterator.next();
    if (step.done) break;
    samples.push(step.value);
  }
  if (samples.length === 0 || (dropLast && samples.length < batchSize)) return { done: true };
  return { done: false, data: samples };
}
