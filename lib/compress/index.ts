/**
 * torch.compress: the measured compression pipeline. From a trained classifier, make pruned
 * (global unstructured at several amounts, structured), int8 (dynamic, static) and compiled
 * (traced, frozen, optimized) variants, save each as it would ship, and measure accuracy, file
 * size and latency against fp32 (`nodetorch compress` runs it from a config).
 * @module
 */
export { compressModel } from './pipeline.js';
export type { CompressOptions, CompressionReport, CompressionEnvironment, VariantResult, VariantFile } from './pipeline.js';
export { formatCompressionTable } from './table.js';
export { VARIANTS, VARIANT_NAMES, DEFAULT_VARIANTS, checkVariants, checkAmount, prunedRowName } from './variants.js';
export type { VariantName } from './variants.js';
export { fusionGroups, weightedLayers, MissingLayersError } from './layers.js';
export type { WeightedLayer } from './layers.js';
export { accuracy, latency, interleavedLatency, inputBatch } from './measure.js';
export type { Forward, Batches, Latency, LatencyOptions } from './measure.js';
export { fitClassifier } from './fine-tune.js';
export type { FitClassifierOptions } from './fine-tune.js';
