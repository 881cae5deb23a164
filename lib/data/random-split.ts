/** torch.utils.data.random_split. */
import { randperm } from '../tensor/creation.js';
import { lengthOf, Subset, type Dataset } from './dataset.js';
import { Generator } from './generator.js';

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions {
  /** The generator of the permutation; default: LibTorch's default generator (seed it with torch.manualSeed). */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)` (PyTorch's `generator=torch.Generator().manual_seed(seed)`). */
  seed?: number | bigint;
}

/** Split sizes from fractions summing to 1, as PyTorch computes them (floor, then the remainder round-robin). */
function lengthsFromFractions(fractions: readonly number[], total: number): number[] {
  const lengths = fractions.map((fraction, i) => {
    if (fraction < 0 || fraction > 1) throw new RangeError(`randomSplit: fraction at index ${i} is not between 0 and 1`);
    return Math.floor(total * fraction);
  });
  const remainder = total - lengths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < remainder; i++) lengths[i % lengths.length]! += 1;
  lengths.forEach((length, i) => {
    if (length === 0) process.emitWarning(`randomSplit: length of split at index ${i} is 0; this might result in an empty dataset`);
  });
  return lengths;
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths, or of the given
 * fractions of its length (fractions summing to 1). With the same generator seed the split is
 * identical to PyTorch's `random_split`.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: RandomSplitOptions = {}): Subset<T>[] {
  const length = lengthOf(dataset, 'randomSplit');
  const sum = lengths.reduce((a, b) => a + b, 0);
  // PyTorch reads lengths summing to 1 as fractions, whatever their type.
  const fractional = Math.abs(sum - 1) <= 1e-9 && sum <= 1;
  const sizes = fractional ? lengthsFromFractions(lengths, length) : [...lengths];
  if (sizes.some((size) => !Number.isInteger(size) || size < 0))
    throw new RangeError(`randomSplit: lengths must be non-negative integers or fractions summing to 1, got [${lengths}]`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== length)
    throw new RangeError(`randomSplit: sum of input lengths (${total}) does not equal the length of the input dataset (${length})`);
  const generator = options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : undefined);
  const indices = generator ? generator.randperm(total) : permutation(total);
  let offset = 0;
  return sizes.map((size) => new Subset(dataset, indices.slice(offset, (offset += size))));
}

function permutation(n: number): number[] {
  const perm = randperm(n);
  try {
    return Array.from(perm.toTypedArray() as BigInt64Array, Number);
  } finally {
    perm.dispose();
  }
}
