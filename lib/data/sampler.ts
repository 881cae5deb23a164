/**
 * Samplers: the order in which a DataLoader visits a map-style dataset (torch.utils.data.sampler).
 * Each has PyTorch's algorithm, so with the same seed it yields PyTorch's indices.
 */
import { aten } from '../ops/surface.js';
import { randperm, tensor } from '../tensor/creation.js';
import { lengthOf } from './dataset.js';
import { Generator } from './generator.js';
import { drawSeed } from './random.js';

/** Yields dataset indices (or, for a batch sampler, lists of them); `length` is how many it yields. */
export interface Sampler<T = number> extends Iterable<T> {
  readonly length: number;
}

/** Where a sampler's randomness comes from. */
export interface SamplerRandomOptions {
  /** Draw from this generator; default: a generator seeded from LibTorch's default generator at each iteration. */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`. */
  seed?: number | bigint;
}

function generatorOf(options: SamplerRandomOptions): Generator | undefined {
  return options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : undefined);
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${what} should be a positive integer value, but got ${what}=${value}`);
  return value;
}

/** 0, 1, ..., length - 1 (torch.utils.data.SequentialSampler). */
export class SequentialSampler implements Sampler<number> {
  /** Samples the indices of `dataSource` (anything with a length, usually a dataset). */
  constructor(readonly dataSource: { readonly length: number }) {}

  /** The dataset's length. */
  get length(): number {
    return lengthOf(this.dataSource, 'SequentialSampler');
  }

  /** Yields 0, 1, ..., length - 1. */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield i;
  }
}

/** Options of {@link RandomSampler}. */
export interface RandomSamplerOptions extends SamplerRandomOptions {
  /** Draw with replacement; default false. */
  replacement?: boolean;
  /** How many indices to yield; default the dataset's length. */
  numSamples?: number;
}

/**
 * A random order (torch.utils.data.RandomSampler): a permutation, or with `replacement` independent
 * draws. Without a generator each iteration seeds a fresh one from LibTorch's default generator, so
 * `torch.manualSeed(s)` gives PyTorch's order for `torch.manual_seed(s)`.
 */
export class RandomSampler implements Sampler<number> {
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  private readonly requested: number | undefined;

  /** Samples indices of `dataSource`; options: `replacement` (false), `numSamples` (its length), `generator` or `seed`. */
  constructor(
    readonly dataSource: { readonly length: number },
    options: RandomSamplerOptions = {},
  ) {
    this.replacement = options.replacement ?? false;
    this.requested = options.numSamples;
    this.generator = generatorOf(options);
    positiveInteger(this.length, 'numSamples');
  }

  /** How many indices one iteration yields. */
  get length(): number {
    return this.requested ?? lengthOf(this.dataSource, 'RandomSampler');
  }

  /** Yields one epoch of indices: a fresh permutation (or draws) each time it is iterated. */
  *[Symbol.iterator](): Iterator<number> {
    const n = lengthOf(this.dataSource, 'RandomSampler');
    const generator = this.generator ?? new Generator(drawSeed());
    const count = this.length;
    if (this.replacement) {
      // PyTorch draws in chunks of 32 (randint(high=n, size=(32,))); the stream is the same either way.
      for (let i = 0; i < count; i++) yield generator.randint(0, n);
      return;
    }
    for (let round = 0; round < Math.floor(count / n); round++) yield* generator.randperm(n);
    yield* generator.randperm(n).slice(0, count % n);
  }
}

/** A random permutation of the given indices (torch.utils.data.SubsetRandomSampler). */
export class SubsetRandomSampler implements Sampler<number> {
  readonly indices: readonly number[];
  readonly generator: Generator | undefined;

  /** Samples from a copy of `indices`, drawing from `generator` or `seed` when given. */
  constructor(indices: readonly number[], options: SamplerRandomOptions = {}) {
    this.indices = [...indices];
    this.generator = generatorOf(options);
  }

  /** How many indices it was given. */
  get length(): number {
    return this.indices.length;
  }

  /** Yields the indices in a fresh random order each time it is iterated. */
  *[Symbol.iterator](): Iterator<number> {
    const order = this.generator ? this.generator.randperm(this.indices.length) : globalPermutation(this.indices.length);
    for (const i of order) yield this.indices[i]!;
  }
}

function globalPermutation(n: number): number[] {
  const perm = randperm(n);
  try {
    return Array.from(perm.toTypedArray() as BigInt64Array, Number);
  } finally {
    perm.dispose();
  }
}

/** Options of {@link WeightedRandomSampler}. */
export interface WeightedRandomSamplerOptions extends SamplerRandomOptions {
  /** Draw with replacement; default true. */
  replacement?: boolean;
}

/**
 * Indices drawn with probability proportional to `weights` (torch.utils.data.WeightedRandomSampler,
 * which uses `torch.multinomial`). Without a generator it calls LibTorch's multinomial on the default
 * generator. With a generator it follows LibTorch's CPU multinomial: a search in the cumulative
 * distribution with replacement, the largest `weight / Exp(1)` keys without.
 */
export class WeightedRandomSampler implements Sampler<number> {
  readonly weights: Float64Array;
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator: Generator | undefined;

  /** Draws `numSamples` indices in [0, weights.length) with probabilities proportional to `weights` (finite, non-negative). */
  constructor(weights: ArrayLike<number>, numSamples: number, options: WeightedRandomSamplerOptions = {}) {
    this.numSamples = positiveInteger(numSamples, 'numSamples');
    this.weights = Float64Array.from(weights);
    this.replacement = options.replacement ?? true;
    this.generator = generatorOf(options);
    const bad = this.weights.findIndex((w) => !(w >= 0) || !Number.isFinite(w));
    if (bad >= 0) throw new RangeError(`WeightedRandomSampler: weights[${bad}] = ${this.weights[bad]} must be finite and non-negative`);
    const positive = this.weights.filter((w) => w > 0).length;
    if (positive === 0) throw new RangeError('WeightedRandomSampler: the weights must not all be zero');
    if (!this.replacement && numSamples > positive)
      throw new RangeError(
        `WeightedRandomSampler: cannot draw ${numSamples} samples without replacement from ${positive} non-zero weights`,
      );
  }

  /** `numSamples`. */
  get length(): number {
    return this.numSamples;
  }

  /** Yields `numSamples` fresh draws each time it is iterated. */
  *[Symbol.iterator](): Iterator<number> {
    if (!this.generator) {
      yield* this.nativeDraw();
      return;
    }
    yield* this.replacement ? this.drawWithReplacement(this.generator) : this.drawExponentialRace(this.generator);
  }

  private nativeDraw(): number[] {
    const weights = tensor(this.weights);
    const drawn = aten.multinomial.default(weights, this.numSamples, this.replacement);
    try {
      return Array.from(drawn.toTypedArray() as BigInt64Array, Number);
    } finally {
      weights.dispose();
      drawn.dispose();
    }
  }

  // LibTorch's multinomial_with_replacement kernel: a binary search in the normalized cumulative sum.
  private drawWithReplacement(generator: Generator): number[] {
    const n = this.weights.length;
    const cumulative = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) cumulative[i] = sum += this.weights[i]!;
    for (let i = 0; i < n; i++) cumulative[i]! /= sum;
    cumulative[n - 1] = 1;
    const result: number[] = [];
    for (let k = 0; k < this.numSamples; k++) {
      const u = generator.uniformDouble();
      let left = 0;
      let right = n;
      while (right - left > 0) {
        const mid = left + Math.floor((right - left) / 2);
        if (cumulative[mid]! < u) left = mid + 1;
        else right = mid;
      }
      result.push(left);
    }
    return result;
  }

  // The largest weight / Exp(1) keys, as LibTorch samples without replacement (exponential_: -log(1 - u)).
  private drawExponentialRace(generator: Generator): number[] {
    const keys = Array.from(this.weights, (w, i) => ({ i, key: w / -Math.log(1 - generator.uniformDouble()) }));
    keys.sort((a, b) => b.key - a.key || a.i - b.i);
    return keys.slice(0, this.numSamples).map((entry) => entry.i);
  }
}

/**
 * Groups another sampler's indices into lists of `batchSize` (torch.utils.data.BatchSampler); the
 * last, shorter list is dropped when `dropLast`.
 */
export class BatchSampler implements Sampler<number[]> {
  /** Batches the indices of `sampler` into lists of `batchSize` (a positive integer), dropping a short last list when `dropLast`. */
  constructor(
    readonly sampler: Iterable<number> & { readonly length?: number },
    readonly batchSize: number,
    readonly dropLast: boolean = false,
  ) {
    positiveInteger(batchSize, 'batchSize');
  }

  /** How many batches it yields (throws if the wrapped sampler has no length). */
  get length(): number {
    const total = this.sampler.length;
    if (total === undefined) throw new TypeError('BatchSampler: the wrapped sampler has no length');
    return this.dropLast ? Math.floor(total / this.batchSize) : Math.ceil(total / this.batchSize);
  }

  /** Yields the batches, each a list of indices. */
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const index of this.sampler) {
      batch.push(index);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
