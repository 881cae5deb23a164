/** torch.utils.data.distributed.DistributedSampler. */
import { lengthOf } from './dataset.js';
import { Generator } from './generator.js';
import type { Sampler } from './sampler.js';

/** Options of {@link DistributedSampler}. */
export interface DistributedSamplerOptions {
  /** Number of processes; default the WORLD_SIZE environment variable (as torchrun sets it). */
  numReplicas?: number;
  /** Alias of numReplicas. */
  worldSize?: number;
  /** This process's rank, 0 <= rank < numReplicas; default the RANK environment variable. */
  rank?: number;
  /** Shuffle (the same permutation on every rank, from seed + epoch); default true. */
  shuffle?: boolean;
  /** Seed of the shuffle; must be the same on every rank. Default 0. */
  seed?: number;
  /** Drop the tail so the data divides evenly, instead of padding with repeated indices; default false. */
  dropLast?: boolean;
}

function fromEnvironment(name: string, what: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '')
    throw new TypeError(`DistributedSampler: ${what} was not given and the ${name} environment variable is not set`);
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new TypeError(`DistributedSampler: ${name}=${raw} is not an integer`);
  return value;
}

/**
 * The share of a dataset's indices that belongs to one rank, partitioned exactly as PyTorch does:
 * (optionally) permute all indices with `seed + epoch`, pad by repeating from the start (or drop the
 * tail with `dropLast`) to a multiple of numReplicas, then take every numReplicas-th index from `rank`.
 * Call {@link setEpoch} before each epoch to reshuffle.
 */
export class DistributedSampler implements Sampler<number> {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Indices per rank. */
  readonly numSamples: number;
  /** Indices over all ranks after padding or dropping. */
  readonly totalSize: number;
  epoch = 0;

  /** Samples this rank's share of `dataset`; numReplicas and rank default to the WORLD_SIZE and RANK environment variables. */
  constructor(
    readonly dataset: { readonly length: number },
    options: DistributedSamplerOptions = {},
  ) {
    this.numReplicas = options.numReplicas ?? options.worldSize ?? fromEnvironment('WORLD_SIZE', 'numReplicas');
    this.rank = options.rank ?? fromEnvironment('RANK', 'rank');
    if (!Number.isInteger(this.numReplicas) || this.numReplicas < 1)
      throw new RangeError(`DistributedSampler: numReplicas must be a positive integer, got ${this.numReplicas}`);
    if (!Number.isInteger(this.rank) || this.rank < 0 || this.rank >= this.numReplicas)
      throw new RangeError(`DistributedSampler: invalid rank ${this.rank}, rank should be in the interval [0, ${this.numReplicas - 1}]`);
    this.shuffle = options.shuffle ?? true;
    this.seed = options.seed ?? 0;
    this.dropLast = options.dropLast ?? false;
    const n = lengthOf(dataset, 'DistributedSampler');
    this.numSamples =
      this.dropLast && n % this.numReplicas !== 0 ? Math.ceil((n - this.numReplicas) / this.numReplicas) : Math.ceil(n / this.numReplicas);
    this.totalSize = this.numSamples * this.numReplicas;
  }

  /** Indices per rank (`numSamples`). */
  get length(): number {
    return this.numSamples;
  }

  /** Sets the epoch, which (with the seed) picks the permutation when shuffling. */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  /** Yields this rank's indices for the current epoch. */
  *[Symbol.iterator](): Iterator<number> {
    const n = lengthOf(this.dataset, 'DistributedSampler');
    let indices = this.shuffle ? new Generator(this.seed + this.epoch).randperm(n) : Array.from({ length: n }, (_, i) => i);
    if (!this.dropLast) {
      const padding = this.totalSize - indices.length;
      const repeated: number[] = [];
      while (repeated.length < padding) repeated.push(...indices.slice(0, padding - repeated.length));
      indices = indices.concat(repeated);
    } else {
      indices = indices.slice(0, this.totalSize);
    }
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) yield indices[i]!;
  }
}
