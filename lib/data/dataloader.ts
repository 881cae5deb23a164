/**
 * torch.utils.data.DataLoader.
 *
 * ## Workers (numWorkers > 0)
 *
 * Each iteration starts `numWorkers` worker threads and stops them when it ends, throws, or the
 * consumer breaks out of the loop: a worker finishes the batches it was asked for and exits (it is
 * terminated only if that takes over 2 s). With `persistentWorkers` the threads (and the datasets
 * they rebuilt) serve every epoch until `close()`: requests an epoch abandoned are answered and
 * dropped, an iterable dataset starts over each epoch, and the workers' generators keep the seeds
 * they started with (as in PyTorch); a worker that failed is replaced by fresh ones next epoch. Idle workers are `unref`'d, so an abandoned iterator never
 * keeps the process alive. A worker cannot receive the dataset object itself (functions and class
 * instances do not survive a structured clone), so it receives a **recipe**: the dataset's
 * `workerRecipe()` returns `{ module, export, args }`, and the worker imports `module`, constructs
 * `export` with `args` and awaits its `init()` if it has one. Tensors inside `args` are copied over;
 * transforms and other functions inside `args` must be portable themselves (the built-in transforms
 * are; wrap your own with `portable(fn, { module: import.meta.url, export: 'name' })`). TensorDataset,
 * Subset, ConcatDataset, MNIST, FashionMNIST and EmbeddedMNIST are portable out of the box; for any
 * other dataset pass `workerDataset: { module, export, args }`.
 *
 * Batch `i` goes to worker `i % numWorkers` (PyTorch's round robin), at most `prefetchFactor`
 * batches ahead per worker. A worker reads the samples, runs the dataset's transforms and the collate
 * function, copies each tensor of the batch into a typed array and transfers the arrays' buffers; the
 * main thread wraps them with `fromTypedArray` (no copy) and yields batches in order. An error in a
 * worker rejects the iteration with a `DataLoaderWorkerError` naming the worker and batch and
 * carrying the original message. A collate function without a recipe runs on the main thread instead.
 *
 * Randomness: each iteration draws a base seed (from `generator`, else from LibTorch's default
 * generator, as PyTorch does); worker `k` gets its own {@link Generator} seeded with `baseSeed + k`,
 * which the random transforms use (LibTorch's default generator is shared by all threads of the
 * process). Results are reproducible for a given seed and numWorkers.
 */
import { availableParallelism } from 'node:os';
import { aten } from '../ops/surface.js';
import { cuda } from '../tensor/runtime.js';
import { tidy } from '../tensor/scope.js';
import { makeBatch } from './batch-ownership.js';
import { Tensor } from '../tensor/tensor.js';
import { check, invalidOption, isNonNegativeInteger } from '../util/validate.js';
import { defaultCollate, defaultConvert, type Collated } from './collate.js';
import { isIterableDataset, lengthOf, type Dataset, type IterableDataset } from './dataset.js';
import { fetchBatch, readIterable } from './fetch.js';
import { Generator } from './generator.js';
import { drawSeed } from './random.js';
import { encodePortable, isPortable, type EncodedRecipe, type WorkerRecipe } from './recipe.js';
import { BatchSampler, RandomSampler, SequentialSampler } from './sampler.js';
import { unpackValue } from './transfer.js';
import type { WorkerInfo } from './worker-info.js';
import { WorkerLink, type TaskResult } from './worker-link.js';
import { WorkerPool } from './worker-pool.js';

/** Options of {@link DataLoader}, with PyTorch's defaults. */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch; default 1. null turns automatic batching off (samples are yielded one by one). */
  batchSize?: number | null;
  /** Visit the samples in a new random order each epoch; default false. */
  shuffle?: boolean;
  /** The order of the indices (excludes shuffle). */
  sampler?: Iterable<number> & { readonly length?: number };
  /** Lists of indices, one per batch (excludes batchSize, shuffle, sampler and dropLast). */
  batchSampler?: Iterable<number[]> & { readonly length?: number };
  /** Drop the last batch when it is short; default false. */
  dropLast?: boolean;
  /** Makes a batch from a list of samples; default {@link defaultCollate}. */
  collateFn?: (samples: T[]) => B;
  /** Worker threads loading batches; default 0 (load on the main thread). */
  numWorkers?: number;
  /** Batches requested ahead per worker; default 2. */
  prefetchFactor?: number;
  /** Copy batch tensors into page-locked memory when CUDA is available (a no-op otherwise); default false. */
  pinMemory?: boolean;
  /** Generator of the shuffle order and of the workers' base seed; default LibTorch's default generator. */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`. */
  seed?: number | bigint;
  /** Runs in each worker once its dataset is ready, with its {@link WorkerInfo}: a portable function or a recipe. */
  workerInit?: ((info: WorkerInfo) => unknown) | WorkerRecipe;
  /** How workers rebuild the dataset when it has no `workerRecipe()`. */
  workerDataset?: WorkerRecipe;
  /** Milliseconds to wait for a batch from the workers before failing; default 0 (no limit). */
  timeout?: number;
  /** Keep the worker threads between epochs (needs numWorkers > 0; end them with `close()`); default false. */
  persistentWorkers?: boolean;
}

/** More worker threads than this is a mistake, not a setting (each is a V8 isolate with its own heap). */
const MAX_WORKERS = 256;

function workerCount(value: unknown): number {
  const count = check('DataLoader', 'numWorkers', value, `a non-negative integer up to ${MAX_WORKERS}`, isNonNegativeInteger);
  if (count > MAX_WORKERS) throw invalidOption('DataLoader', 'numWorkers', `a non-negative integer up to ${MAX_WORKERS}`, count);
  const cores = availableParallelism();
  if (count > cores) {
    // PyTorch's warning: more workers than cores slows loading down or freezes it.
    process.emitWarning(
      `This DataLoader will create ${count} worker threads in total. Our suggested max number of workers on this system is ${cores}, ` +
        'which is smaller than what this DataLoader is going to create; excessive worker creation might slow the DataLoader down.',
      'UserWarning',
    );
  }
  return count;
}

/** Replaces every tensor in a batch by a pinned copy. */
function pinned(value: unknown): unknown {
  if (value instanceof Tensor) {
    const copy = aten.pin_memory.default(value);
    if (copy !== value) value.dispose();
    return copy;
  }
  if (Array.isArray(value)) return value.map(pinned);
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, pinned(item)]));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, pinned(item)]));
  }
  return value;
}

function withTimeout<T>(promise: Promise<T>, ms: number, expired: () => string): Promise<T> {
  if (ms <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(expired())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Iterates over a dataset in batches: `for await (const batch of loader)`. Map-style datasets are
 * visited in sampler order (sequential, shuffled, or any sampler), iterable datasets in stream order.
 * See the module documentation above for how worker threads are used.
 */
export class DataLoader<T, B = Collated<T>> implements AsyncIterable<B> {
  readonly dataset: Dataset<T> | IterableDataset<T>;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly pinMemory: boolean;
  readonly timeout: number;
  readonly persistentWorkers: boolean;
  readonly generator: Generator | undefined;
  /** The index order (map-style datasets only). */
  readonly sampler: (Iterable<number> & { readonly length?: number }) | null;
  /** The batches of indices (map-style datasets with automatic batching). */
  readonly batchSampler: (Iterable<number[]> & { readonly length?: number }) | null;
  /** Turns a list of samples into a batch (`defaultCollate` when batching, `defaultConvert` otherwise, unless given). */
  readonly collateFn: (data: never) => unknown;
  private readonly workerInit: ((info: WorkerInfo) => unknown) | WorkerRecipe | undefined;
  // Whether every tensor of a batch made here is new (defaultCollate's stacks), so that its consumer
  // may free it; a collate function of the user's may pass through tensors the dataset keeps.
  private readonly collatesFresh: boolean;
  private readonly workerDataset: WorkerRecipe | undefined;
  /** The worker threads of each epoch (and, with persistentWorkers, between epochs). */
  private readonly pool: WorkerPool;

  /** Batches of `dataset` as `options` say (batchSize 1, no shuffle, no workers by default), checked like PyTorch. */
  constructor(dataset: Dataset<T> | IterableDataset<T>, options: DataLoaderOptions<T, B> = {}) {
    this.dataset = dataset;
    if (!isIterableDataset(dataset) || dataset.length !== undefined) lengthOf(dataset, 'DataLoader');
    this.numWorkers = workerCount(options.numWorkers ?? 0);
    this.prefetchFactor = options.prefetchFactor ?? 2;
    if (!Number.isInteger(this.prefetchFactor) || this.prefetchFactor < 1)
      throw new RangeError(`DataLoader: prefetchFactor must be a positive integer, got ${this.prefetchFactor}`);
    this.timeout = options.timeout ?? 0;
    if (!(this.timeout >= 0))
      throw new RangeError(`DataLoader: timeout must be a non-negative number of milliseconds, got ${this.timeout}`);
    this.pinMemory = options.pinMemory ?? false;
    this.persistentWorkers = options.persistentWorkers ?? false;
    if (this.persistentWorkers && this.numWorkers === 0) throw new TypeError('DataLoader: persistentWorkers needs numWorkers > 0');
    this.pool = new WorkerPool(this, this.persistentWorkers, () => this.startWorkers());
    this.generator = options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : undefined);
    this.workerInit = options.workerInit;
    this.workerDataset = options.workerDataset;
    const shuffle = options.shuffle ?? false;
    let batchSize = options.batchSize === undefined ? 1 : options.batchSize;
    let dropLast = options.dropLast ?? false;

    if (isIterableDataset(dataset)) {
      if (shuffle) throw new TypeError('DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true');
      if (options.sampler) throw new TypeError('DataLoader with IterableDataset: expected unspecified sampler option');
      if (options.batchSampler) throw new TypeError('DataLoader with IterableDataset: expected unspecified batchSampler option');
    }
    if (options.sampler && shuffle) throw new TypeError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (options.batchSampler) {
      if ((options.batchSize !== undefined && options.batchSize !== 1) || shuffle || options.sampler || dropLast)
        throw new TypeError('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null) {
      if (dropLast) throw new TypeError('DataLoader: batchSize=null option disables auto-batching and is mutually exclusive with dropLast');
    } else if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`DataLoader: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    }
    this.batchSize = batchSize;
    this.dropLast = dropLast;

    if (isIterableDataset(dataset)) {
      this.sampler = null;
      this.batchSampler = null;
    } else {
      this.sampler =
        options.sampler ?? (shuffle ? new RandomSampler(dataset, { generator: this.generator }) : new SequentialSampler(dataset));
      this.batchSampler = options.batchSampler ?? (batchSize !== null ? new BatchSampler(this.sampler, batchSize, dropLast) : null);
    }
    const autoCollation = this.batchSampler !== null || (isIterableDataset(dataset) && batchSize !== null);
    this.collateFn = options.collateFn ?? (autoCollation ? defaultCollate : defaultConvert);
    this.collatesFresh = autoCollation && this.collateFn === defaultCollate;
  }

  /** Batches per epoch (for an iterable dataset, computed from its `length`, which it must have). */
  get length(): number {
    if (isIterableDataset(this.dataset)) {
      const n = this.dataset.length;
      if (n === undefined) throw new TypeError('DataLoader: the length of an IterableDataset without a length is unknown');
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    const order = this.batchSampler ?? this.sampler!;
    if (order.length === undefined) throw new TypeError('DataLoader: the sampler has no length');
    return order.length;
  }

  /**
   * @internal One epoch's batches as sample indices, drawn exactly as iterating without workers
   * draws them: the seed now, then the batch sampler's draws as its iterator is advanced (so a
   * caller that pulls as many batches as the loop would leaves the generators where it would).
   */
  epochIndices(): Iterator<number[]> {
    if (this.numWorkers !== 0 || this.batchSampler === null)
      throw new Error('DataLoader.epochIndices: needs a batch sampler and no workers');
    drawSeed(this.generator);
    return this.batchSampler[Symbol.iterator]();
  }

  /** One epoch of batches. */
  async *[Symbol.asyncIterator](): AsyncGenerator<B, void, undefined> {
    if (this.numWorkers === 0) {
      // Drawn first, as PyTorch draws it when an iterator is created, even without workers.
      drawSeed(this.generator);
      yield* this.iterateHere();
    } else {
      yield* this.iterateInWorkers();
    }
  }

  // Makes one batch (pinned if asked); when its tensors are all new (`fresh`), marks them as the
  // consumer's to free.
  private finish(make: () => unknown, fresh = this.collatesFresh): B {
    const pin = this.pinMemory && cuda.isAvailable();
    const build = () => (pin ? pinned(make()) : make());
    return (fresh ? makeBatch(build) : tidy(build)) as B;
  }

  private async *iterateHere(): AsyncGenerator<B, void, undefined> {
    const collate = this.collateFn as (data: unknown) => unknown;
    if (!isIterableDataset(this.dataset)) {
      const dataset = this.dataset;
      for (const indices of this.batchSampler ?? this.sampler!) {
        yield this.finish(() => fetchBatch(dataset, indices, collate));
      }
      return;
    }
    const iterator = this.dataset[Symbol.asyncIterator]();
    try {
      for (;;) {
        const read = await readIterable(iterator, this.batchSize, this.dropLast);
        if (read.done) return;
        yield this.finish(() => collate(read.data));
      }
    } finally {
      await iterator.return?.();
    }
  }

  private encodeForWorkers(): { dataset: EncodedRecipe; collate: EncodedRecipe | null; init: EncodedRecipe | null } {
    const dataset = encodePortable(this.workerDataset ?? this.dataset, 'DataLoader dataset');
    const collate = isPortable(this.collateFn) ? encodePortable(this.collateFn, 'DataLoader collateFn') : null;
    const init = this.workerInit === undefined ? null : encodePortable(this.workerInit, 'DataLoader workerInit');
    return { dataset, collate, init };
  }

  /** Ends the worker threads kept by `persistentWorkers` (the next epoch starts new ones). */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** `await using loader = new DataLoader(...)` closes persistent workers at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private startWorkers(): WorkerLink[] {
    // Drawn when workers start, as PyTorch draws it when it creates an iterator (persistent workers
    // keep their seeds, and the generator is not drawn from again for them).
    const baseSeed = drawSeed(this.generator);
    const encoded = this.encodeForWorkers();
    return Array.from(
      { length: this.numWorkers },
      (_, id) =>
        new WorkerLink({
          id,
          numWorkers: this.numWorkers,
          seed: baseSeed + BigInt(id),
          ...encoded,
          batchSize: this.batchSize,
          dropLast: this.dropLast,
          iterable: isIterableDataset(this.dataset),
        }),
    );
  }

  private async *iterateInWorkers(): AsyncGenerator<B, void, undefined> {
    const iterable = isIterableDataset(this.dataset);
    // A collate function that cannot travel runs here, on the samples the workers send.
    const collateHere = isPortable(this.collateFn) ? null : (this.collateFn as (data: unknown) => unknown);
    const workers = this.pool.acquire();
    // A worker that timed out may be stuck: persistent workers are then not kept.
    let timedOut = false;
    try {
      const order = iterable ? null : (this.batchSampler ?? this.sampler!)[Symbol.iterator]();
      const active = workers.map((_, id) => id);
      const results = new Map<number, { worker: number; result: Promise<TaskResult> }>();
      let sent = 0;
      let cursor = 0;

      // Keeps prefetchFactor requests per worker in flight, handing tasks out round robin.
      const dispatch = (): void => {
        while (active.length > 0 && results.size < this.prefetchFactor * active.length) {
          let indices: number[] | number | null = null;
          if (order) {
            const next = order.next();
            if (next.done) return;
            indices = next.value;
          }
          const worker = active[cursor++ % active.length]!;
          results.set(sent, { worker, result: workers[worker]!.request(sent++, indices) });
        }
      };

      for (let task = 0; ; task++) {
        dispatch();
        const pending = results.get(task);
        if (!pending) return;
        for (const worker of workers) worker.ref();
        let result: TaskResult;
        try {
          result = await withTimeout(pending.result, this.timeout, () => {
            timedOut = true;
            return `DataLoader timed out after ${this.timeout} ms waiting for batch ${task}`;
          });
        } finally {
          for (const worker of workers) worker.unref();
        }
        results.delete(task);
        if (result.end) {
          // An iterable dataset's worker ran dry: stop asking it.
          const position = active.indexOf(pending.worker);
          if (position >= 0) active.splice(position, 1);
          continue;
        }
        // What a worker sent is unpacked into new tensors; a collate function run here may pass some through.
        yield this.finish(
          () => (collateHere ? collateHere(unpackValue(result.data)) : unpackValue(result.data)),
          !collateHere || this.collatesFresh,
        );
      }
    } finally {
      await this.pool.release(workers, timedOut);
    }
  }
}
