/**
 * MNIST and Fashion-MNIST from their official IDX files (torchvision.datasets.MNIST, FashionMNIST).
 *
 * Usage: `const train = await MNIST.create({ train: true, download: true })`, or construct with
 * `new MNIST(options)` and `await ds.init()` before use (the constructor does no I/O). Files live in
 * `<root>/<ClassName>/raw/` (torchvision's layout) as the downloaded `.gz` files; the default root
 * is {@link defaultDatasetRoot}.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { readRegularFile } from '../../io/regular-file.js';
import { fromTypedArray, tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Dataset } from '../dataset.js';
import { builtinRecipe, type WorkerRecipe } from '../recipe.js';
import type { Transform } from '../transforms.js';
import { defaultDatasetRoot, downloadFile, type DownloadProgress, type RemoteFile } from './download.js';
import { parseIdx } from './idx.js';

// The largest IDX file of these datasets is 47 MB (60,000 images); a .gz inflating far past that is not one of them.
const MAX_IDX_BYTES = 256 * 2 ** 20;
const gunzipAsync = promisify(gunzip);

/** Options of {@link MNIST} and {@link FashionMNIST}. */
export interface MNISTOptions<I = Tensor, L = number> {
  /** Where datasets are kept; default {@link defaultDatasetRoot}. */
  root?: string;
  /** The 60,000 training images, or the 10,000 test images; default true. */
  train?: boolean;
  /** Download missing files; default false (missing files are an error). */
  download?: boolean;
  /** Applied to each image, a float32 tensor (1, 28, 28) in [0, 1]. */
  transform?: Transform<Tensor, I>;
  /** Applied to each label. */
  targetTransform?: Transform<number, L>;
  /** Base URLs tried in order; default the class's {@link MNIST.mirrors}. */
  mirrors?: readonly string[];
  /** Download progress callback; without it a progress bar is drawn on stderr when it is a terminal. */
  progress?: (event: DownloadProgress) => void;
}

interface Loaded {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  columns: number;
}

/**
 * Waits for all of `work` (run concurrently); throws the first failure in list order, so the
 * error does not depend on which transfer happened to fail first.
 */
async function settledInOrder<T extends readonly unknown[]>(work: [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const results = await Promise.allSettled(work as readonly Promise<unknown>[]);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * The MNIST digits: `get(i)` is `[image, label]`, the image a float32 tensor (1, 28, 28) with values
 * in [0, 1] (what torchvision's ToTensor makes of it) after `transform`, the label a number after
 * `targetTransform`. Portable to DataLoader workers (each worker reads the cached files).
 */
export class MNIST<I = Tensor, L = number> implements Dataset<[I, L]> {
  /** PyTorch's current mirrors. */
  static readonly mirrors: readonly string[] = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/'];
  /**
   * The four files with their checksums. SHA-256 digests and sizes as published in TensorFlow
   * Datasets' url_checksums for these exact files (torchvision checks the same files with MD5:
   * f68b3c2dcbeaaa9fbdd348bbdeb94873, d53e105ee54ea40749a09fcbcd1e9432, 9fb629c4189551a2d022fa330f9573f3,
   * ec29112dd5afa0611ce80d1b7f02629c).
   */
  static readonly resources: Readonly<Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', RemoteFile>> = {
    trainImages: {
      name: 'train-images-idx3-ubyte.gz',
      checksum: { algorithm: 'sha256', digest: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
      size: 9912422,
    },
    trainLabels: {
      name: 'train-labels-idx1-ubyte.gz',
      checksum: { algorithm: 'sha256', digest: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
      size: 28881,
    },
    testImages: {
      name: 't10k-images-idx3-ubyte.gz',
      checksum: { algorithm: 'sha256', digest: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
      size: 1648877,
    },
    testLabels: {
      name: 't10k-labels-idx1-ubyte.gz',
      checksum: { algorithm: 'sha256', digest: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
      size: 4542,
    },
  };
  /** Class names, by label. */
  static readonly classes: readonly string[] = [
    '0 - zero',
    '1 - one',
    '2 - two',
    '3 - three',
    '4 - four',
    '5 - five',
    '6 - six',
    '7 - seven',
    '8 - eight',
    '9 - nine',
  ];

  /** The folder under root, and the torch.data export that DataLoader workers construct. */
  static readonly folder: string = 'MNIST';

  /** A dataset made ready (files found or downloaded, then read): `await MNIST.create({ train: false })`. */
  static async create<I = Tensor, L = number>(options: MNISTOptions<I, L> = {}): Promise<MNIST<I, L>> {
    // `this` is the class create() was called on, so a subclass gets an instance of itself.
    const Class = this as unknown as new (options: MNISTOptions<I, L>) => MNIST<I, L>;
    return new Class(options).init();
  }

  readonly root: string;
  readonly train: boolean;
  readonly transform: Transform<Tensor, I> | undefined;
  readonly targetTransform: Transform<number, L> | undefined;
  private readonly options: MNISTOptions<I, L>;
  private loaded: Loaded | null = null;
  private tensors: { data: Tensor; targets: Tensor } | null = null;

  /** Records the options; call {@link init} (or use {@link MNIST.create}) before reading samples. */
  constructor(options: MNISTOptions<I, L> = {}) {
    this.options = options;
    this.root = options.root ?? defaultDatasetRoot();
    this.train = options.train ?? true;
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
  }

  /** The folder holding this dataset's files: `<root>/<ClassName>/raw`. */
  get rawFolder(): string {
    return path.join(this.root, this.datasetName(), 'raw');
  }

  /** Finds (or downloads) and reads the files. Returns this; calling it again does nothing. */
  async init(): Promise<this> {
    if (this.loaded) return this;
    const statics = this.constructor as typeof MNIST;
    const [imagesFile, labelsFile] = this.train
      ? [statics.resources.trainImages, statics.resources.trainLabels]
      : [statics.resources.testImages, statics.resources.testLabels];
    const [imagesPath, labelsPath] = await settledInOrder([this.locate(imagesFile), this.locate(labelsFile)]);
    const [images, labels] = await settledInOrder([this.readIdx(imagesPath), this.readIdx(labelsPath)]);
    if (images.dtype !== 'uint8' || images.shape.length !== 3)
      throw new Error(`${imagesPath}: expected uint8 images shaped (N, H, W), got ${images.dtype} [${images.shape}]`);
    if (labels.dtype !== 'uint8' || labels.shape.length !== 1)
      throw new Error(`${labelsPath}: expected uint8 labels shaped (N), got ${labels.dtype} [${labels.shape}]`);
    if (images.shape[0] !== labels.shape[0])
      throw new Error(`${this.datasetName()}: ${images.shape[0]} images but ${labels.shape[0]} labels`);
    const [count, rows, columns] = images.shape as [number, number, number];
    this.loaded = { images: images.data as Uint8Array, labels: labels.data as Uint8Array, count, rows, columns };
    return this;
  }

  /** Number of samples (60,000 for train, 10,000 for test); throws before {@link init}. */
  get length(): number {
    return this.ready().count;
  }

  /** `[image, label]` at `index`: a float32 (1, 28, 28) image in [0, 1] and a number label, after the transforms. */
  get(index: number): [I, L] {
    const { images, labels, count, rows, columns } = this.ready();
    if (!Number.isInteger(index) || index < -count || index >= count)
      throw new RangeError(`${this.datasetName()}.get: index ${index} is out of range for length ${count}`);
    const i = index < 0 ? index + count : index;
    const size = rows * columns;
    const pixels = Float32Array.from(images.subarray(i * size, (i + 1) * size), (value) => value / 255);
    const image = fromTypedArray(pixels, [1, rows, columns]);
    const label = labels[i]!;
    return [(this.transform ? this.transform(image) : image) as I, (this.targetTransform ? this.targetTransform(label) : label) as L];
  }

  /**
   * @internal The whole split as (float32 images (N, 1, 28, 28) in [0, 1], int64 labels) for the
   * native epoch loop, as `get` and the default collate give them; null when transforms change samples.
   */
  nativeTensors(): readonly [Tensor, Tensor] | null {
    if (this.transform || this.targetTransform) return null;
    const { data, targets } = this.allTensors();
    return [data.unsqueeze(1).float().div(255), targets];
  }

  /** All images as one uint8 tensor (N, 28, 28), like torchvision's `.data` (made on first use, then kept). */
  get data(): Tensor {
    return this.allTensors().data;
  }

  /** All labels as one int64 tensor (N), like torchvision's `.targets`. */
  get targets(): Tensor {
    return this.allTensors().targets;
  }

  /** Rebuilt in workers from the same files (never downloading there). */
  workerRecipe(): WorkerRecipe {
    const { root, train, transform, targetTransform } = this;
    return builtinRecipe(this.datasetName(), [{ root, train, transform, targetTransform }]);
  }

  private datasetName(): string {
    return (this.constructor as typeof MNIST).folder;
  }

  private ready(): Loaded {
    if (!this.loaded)
      throw new Error(`${this.datasetName()}: call 'await dataset.init()' (or use ${this.datasetName()}.create()) before reading samples`);
    return this.loaded;
  }

  private allTensors(): { data: Tensor; targets: Tensor } {
    const { images, labels, count, rows, columns } = this.ready();
    this.tensors ??= { data: fromTypedArray(images, [count, rows, columns]), targets: tensor(Int32Array.from(labels)).long() };
    return this.tensors;
  }

  private async locate(file: RemoteFile): Promise<string> {
    const folder = this.rawFolder;
    const compressed = path.join(folder, file.name);
    if (existsSync(compressed)) return compressed;
    // Files extracted by torchvision (the same name without .gz) are used as they are.
    const extracted = compressed.replace(/\.gz$/, '');
    if (existsSync(extracted)) return extracted;
    if (!this.options.download) {
      throw new Error(`${this.datasetName()}: ${compressed} not found; pass download: true to fetch it (or place the file there)`);
    }
    const statics = this.constructor as typeof MNIST;
    return downloadFile(file, folder, { mirrors: this.options.mirrors ?? statics.mirrors, progress: this.options.progress });
  }

  private async readIdx(file: string): Promise<ReturnType<typeof parseIdx>> {
    const raw = await readRegularFile(file, this.datasetName());
    let bytes: Uint8Array = raw;
    if (file.endsWith('.gz')) {
      try {
        bytes = await gunzipAsync(raw, { maxOutputLength: MAX_IDX_BYTES });
      } catch (error) {
        throw new Error(`${file}: cannot decompress (${(error as Error).message}); delete it and download again`, { cause: error });
      }
    }
    return parseIdx(bytes, file);
  }
}

/**
 * Zalando's Fashion-MNIST: 28x28 grayscale images of clothing in 10 classes, in MNIST's format and
 * with MNIST's interface.
 */
export class FashionMNIST<I = Tensor, L = number> extends MNIST<I, L> {
  static override readonly folder: string = 'FashionMNIST';
  static override readonly mirrors: readonly string[] = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];
  /**
   * SHA-256 digests and sizes as published in TensorFlow Datasets' url_checksums for these files
   * (torchvision's MD5s: 8d4fb7e6c68d591d4c3dfef9ec88bf0d, 25c81989df183df01b3e8a0aad5dffbe,
   * bef4ecab320f06d8554ea6380940ec79, bb300cfdad3c16e7a12a480ee83cd310).
   */
  static override readonly resources: typeof MNIST.resources = {
    trainImages: {
      name: 'train-images-idx3-ubyte.gz',
      checksum: { algorithm: 'sha256', digest: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
      size: 26421880,
    },
    trainLabels: {
      name: 'train-labels-idx1-ubyte.gz',
      checksum: { algorithm: 'sha256', digest: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
      size: 29515,
    },
    testImages: {
      name: 't10k-images-idx3-ubyte.gz',
      checksum: { algorithm: 'sha256', digest: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
      size: 4422102,
    },
    testLabels: {
      name: 't10k-labels-idx1-ubyte.gz',
      checksum: { algorithm: 'sha256', digest: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
      size: 5148,
    },
  };
  /** A dataset made ready (files found or downloaded, then read). */
  static override async create<I = Tensor, L = number>(options: MNISTOptions<I, L> = {}): Promise<FashionMNIST<I, L>> {
    const Class = this as unknown as new (options: MNISTOptions<I, L>) => FashionMNIST<I, L>;
    return new Class(options).init();
  }

  static override readonly classes: readonly string[] = [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ];
}
