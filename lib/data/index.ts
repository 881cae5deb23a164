/**
 * torch.data (also torch.utils.data): datasets, samplers, the DataLoader with worker threads, image
 * transforms, and the MNIST datasets. Names follow torch.utils.data and torchvision in camelCase.
 */
export { isIterableDataset, Subset, ConcatDataset } from './dataset.js';
export type { Dataset, IterableDataset } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { randomSplit } from './random-split.js';
export type { RandomSplitOptions } from './random-split.js';
export { Generator, DEFAULT_SEED, type GeneratorState } from './generator.js';
export { SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler } from './sampler.js';
export type { Sampler, SamplerRandomOptions, RandomSamplerOptions, WeightedRandomSamplerOptions } from './sampler.js';
export { DistributedSampler } from './distributed-sampler.js';
export type { DistributedSamplerOptions } from './distributed-sampler.js';
export { defaultCollate, defaultConvert } from './collate.js';
export type { Collated } from './collate.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export { DataLoaderWorkerError } from './worker-link.js';
export { getWorkerInfo } from './worker-info.js';
export type { WorkerInfo } from './worker-info.js';
export { portable, isPortable, BUILTIN_MODULE } from './recipe.js';
export type { ModuleURL, WorkerRecipe, WorkerPortable } from './recipe.js';
export { randomFloat, randomUniform, randomInt, drawSeed } from './random.js';
export { compose, normalize, randomHorizontalFlip, randomCrop } from './transforms.js';
export type { Transform, RandomCropOptions } from './transforms.js';
export { affine, randomAffine } from './affine.js';
export type { AffineParams, AffineSampling, RandomAffineOptions } from './affine.js';
export { MNIST, FashionMNIST } from './datasets/mnist.js';
export type { MNISTOptions } from './datasets/mnist.js';
export { EmbeddedMNIST } from './datasets/embedded-mnist.js';
export type { EmbeddedMNISTOptions } from './datasets/embedded-mnist.js';
export { downloadFile, fileDigest, defaultDatasetRoot, DownloadError } from './datasets/download.js';
export type { Checksum, RemoteFile, DownloadProgress, DownloadOptions } from './datasets/download.js';
export { parseIdx, encodeIdx } from './datasets/idx.js';
export type { IdxArray, IdxDType } from './datasets/idx.js';
