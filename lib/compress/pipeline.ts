/**
 * The compression pipeline: from a (trained, or trained here) fp32 classifier, make each variant
 * asked for, save it the way it would be shipped, and measure it: held-out accuracy, file size,
 * latency at each batch size, speed-up and accuracy change against fp32. The environment (LibTorch
 * version, quantized engine, threads) is recorded with the rows.
 * @module
 */
import { mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getEngine } from '../backends/quantized.js';
import { save } from '../io/serialization.js';
import { load as loadScript } from '../jit/script-module.js';
import type { ScriptModule } from '../jit/script-module.js';
import { optimizeForInference } from '../jit/freeze.js';
import { trace } from '../jit/trace.js';
import { deepCopy } from '../nn/deep-copy.js';
import type { Module } from '../nn/module.js';
import { sparsityReport } from '../nn/utils/prune/report.js';
import { toSparse } from '../nn/utils/prune/sparse.js';
import type { Optimizer } from '../optim/optimizer.js';
import { config as runtimeConfig, getNumThreads, setNumThreads } from '../tensor/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Loader } from '../train/trainer.js';
import { fitClassifier } from './fine-tune.js';
import { prunableLayers, structuredLayers, linearLayers, staticQuantizableLayers } from './layers.js';
import {
  compiled,
  dynamicInt8,
  inferenceLayout,
  globallyPruned,
  staticInt8,
  structurallyPruned,
  qatInt8,
  type FineTuning,
} from './make-variants.js';
import { describeValue } from '../util/validate.js';
import { accuracy, inputBatch, interleavedLatency, type Batches, type Forward, type Latency, type LatencyOptions } from './measure.js';
import { VARIANTS, checkAmount, checkVariants, prunedRowName, type VariantName } from './variants.js';

/** Options of {@link compressModel}. */
export interface CompressOptions {
  /** The fp32 classifier (batches of inputs to class scores). Left unchanged unless `trainEpochs` trains it first. */
  model: Module;
  /** Training batches ([input, target]): training, fine-tuning and calibration. */
  trainLoader: Loader;
  /** Held-out batches ([input, target]): accuracy and the latency inputs. */
  testLoader: Batches;
  /** Makes the optimizer for training and fine-tuning from the parameters. */
  optimizer: (params: Tensor[]) => Optimizer;
  /** Folder the variants' files are written to (made if missing). */
  outputDir: string;
  /** Variant names (see VARIANTS; default all); fp32 is always measured, as the reference. */
  variants?: readonly string[];
  /** Epochs to train `model` before compressing it (default 0: it is trained already). */
  trainEpochs?: number;
  /** Epochs of fine-tuning after pruning (default 1). */
  fineTuneEpochs?: number;
  /** Fractions of the weights pruned globally, one `pruned_<percent>` row each (default 0.5, 0.8, 0.9). */
  pruneAmounts?: readonly number[];
  /** Fraction of each layer's channels / rows pruned by `structured` (default 0.3). */
  structuredAmount?: number;
  /** Training batches static quantization calibrates on (default 10). */
  calibrationBatches?: number;
  /** Batch sizes latency is measured at (default 1 and 64). */
  batchSizes?: readonly number[];
  /** Warm-up and timed runs per variant and batch size (default 10 and 50), timed in 5 rounds interleaved across the variants. */
  latency?: LatencyOptions;
  /** Intra-op threads while measuring (default: leave the current setting). */
  threads?: number;
  /** Seeds training and fine-tuning. */
  seed?: number;
  /** Called with a line of progress per step (default: nothing printed). */
  log?: (line: string) => void;
}

/** A variant's shipped file. */
export interface VariantFile {
  /** 'state dict' (torch.save of the state dict), 'sparse state dict (CSR)' (prune.toSparse) or 'TorchScript' (traced, saved). */
  kind: 'state dict' | 'sparse state dict (CSR)' | 'TorchScript';
  /** Where it was written. */
  path: string;
  /** Its size. */
  bytes: number;
}

/** One measured variant. */
export interface VariantResult {
  /** The row's name (the variant's, or `pruned_<percent>` for each pruning amount). */
  name: string;
  /** The variant it is a row of. */
  variant: VariantName;
  /** How it was made. */
  description: string;
  /** Held-out accuracy, a fraction. */
  accuracy: number;
  /** (accuracy - fp32's) in percentage points. */
  accuracyChangePoints: number;
  /** The file it ships as (for pruned rows, the dense state dict). */
  file: VariantFile;
  /** Pruned rows: the same state dict with its mostly-zero tensors stored as CSR. */
  sparseFile?: VariantFile;
  /** Pruned rows: the fraction of zeros over the pruned layers' weights. */
  sparsity?: number;
  /** Latency by batch size. */
  latency: Record<string, Latency>;
  /** fp32's median latency over this one's, by batch size. */
  speedUp: Record<string, number>;
  /** Seconds it took to make (fine-tuning and calibration included). */
  makeSeconds: number;
}

/** Where the numbers were measured. */
export interface CompressionEnvironment {
  /** LibTorch's version. */
  torchVersion: string;
  /** torch.backends.quantized.engine during the run. */
  quantizedEngine: string;
  /** LibTorch intra-op threads during the run. */
  threads: number;
  /** OpenBLAS threads (null when the BLAS does not say). */
  blasThreads: number | null;
  /** The BLAS library. */
  blas: string;
  /** The CPU model and core count. */
  cpu: string;
  /** Node's version. */
  node: string;
}

/** What the pipeline measured. */
export interface CompressionReport {
  /** Where it ran. */
  environment: CompressionEnvironment;
  /** The settings used. */
  settings: {
    variants: VariantName[];
    trainEpochs: number;
    fineTuneEpochs: number;
    pruneAmounts: number[];
    structuredAmount: number;
    calibrationBatches: number;
    batchSizes: number[];
    warmup: number;
    runs: number;
  };
  /** One row per variant (per amount for `pruned`), fp32 first. */
  rows: VariantResult[];
}

/** The int8 variants, each also measured traced (`traced_<name>`). */
const QUANTIZED = ['dynamic_int8', 'static_int8', 'qat_int8'] as const;
type QuantizedVariant = (typeof QUANTIZED)[number];
const isQuantized = (variant: VariantName): variant is QuantizedVariant => (QUANTIZED as readonly string[]).includes(variant);
const TRACED_QUANTIZED: Partial<Record<VariantName, QuantizedVariant>> = {
  traced_dynamic_int8: 'dynamic_int8',
  traced_static_int8: 'static_int8',
  traced_qat_int8: 'qat_int8',
};

/** The checked settings; bad values are errors naming the option. */
function settingsOf(options: CompressOptions): CompressionReport['settings'] {
  const integer = (value: unknown, name: string, min: number, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw new RangeError(`compress: ${name} must be an integer >= ${min}, got ${describeValue(v)}`);
    return v;
  };
  const amounts = options.pruneAmounts ?? [0.5, 0.8, 0.9];
  if (!Array.isArray(amounts) || amounts.length === 0) throw new RangeError('compress: pruneAmounts must be a non-empty list of fractions');
  const batchSizes = options.batchSizes ?? [1, 64];
  if (!Array.isArray(batchSizes) || batchSizes.length === 0) throw new RangeError('compress: batchSizes must be a non-empty list');
  return {
    variants: checkVariants(options.variants ?? Object.keys(VARIANTS), 'compress: variants'),
    trainEpochs: integer(options.trainEpochs, 'trainEpochs', 0, 0),
    fineTuneEpochs: integer(options.fineTuneEpochs, 'fineTuneEpochs', 0, 1),
    pruneAmounts: amounts.map((amount, i) => checkAmount(amount, `compress: pruneAmounts[${i}]`)),
    structuredAmount: checkAmount(options.structuredAmount ?? 0.3, 'compress: structuredAmount'),
    calibrationBatches: integer(options.calibrationBatches, 'calibrationBatches', 1, 10),
    batchSizes: [...new Set(batchSizes.map((size, i) => integer(size, `batchSizes[${i}]`, 1, 1)))],
    warmup: integer(options.latency?.warmup, 'latency.warmup', 0, 10),
    runs: integer(options.latency?.runs, 'latency.runs', 1, 50),
  };
}

// Every variant's layer needs, checked before anything trains.
function checkLayers(model: Module, variants: readonly VariantName[]): void {
  const needs: Partial<Record<VariantName, (m: Module, v: string) => unknown>> = {
    pruned: prunableLayers,
    structured: structuredLayers,
    dynamic_int8: linearLayers,
    traced_dynamic_int8: linearLayers,
    static_int8: staticQuantizableLayers,
    traced_static_int8: staticQuantizableLayers,
    qat_int8: staticQuantizableLayers,
    traced_qat_int8: staticQuantizableLayers,
  };
  for (const variant of variants) needs[variant]?.(model, variant);
}

function environment(): CompressionEnvironment {
  const runtime = runtimeConfig();
  const cpus = os.cpus();
  return {
    torchVersion: runtime.torchVersion,
    quantizedEngine: getEngine(),
    threads: getNumThreads(),
    blasThreads: runtime.blasThreads,
    blas: runtime.blas,
    cpu: `${cpus[0]?.model.trim() ?? 'unknown'} (${cpus.length} cores)`,
    node: process.version,
  };
}

function fileOf(kind: VariantFile['kind'], file: string): VariantFile {
  return { kind, path: file, bytes: statSync(file).size };
}

/** The zeros over the weights of the layers pruning works on. */
function weightSparsity(model: Module): number {
  const pruned = new Set(prunableLayers(model, 'sparsity').map(({ name }) => name));
  const rows = sparsityReport(model, { parameterNames: ['weight'] }).rows.filter((row) => pruned.has(row.name));
  const total = rows.reduce((sum, row) => sum + row.total, 0);
  return total === 0 ? 0 : rows.reduce((sum, row) => sum + row.zeros, 0) / total;
}

/**
 * Makes and measures the variants of `options.model` (see CompressOptions); returns the report.
 * Layer needs, names and amounts are checked before anything trains; an error while making a
 * variant names it. The fp32 model is changed only by its own training (`trainEpochs`).
 */
export async function compressModel(options: CompressOptions): Promise<CompressionReport> {
  const settings = settingsOf(options);
  const { model, trainLoader, testLoader, outputDir } = options;
  checkLayers(model, settings.variants);
  const log = options.log ?? (() => {});
  const threadsBefore = getNumThreads();
  if (options.threads !== undefined) setNumThreads(options.threads);
  mkdirSync(outputDir, { recursive: true });
  const fit = { optimizer: options.optimizer, seed: options.seed, rootDir: outputDir };
  const fineTuning: FineTuning = { ...fit, loader: trainLoader, epochs: settings.fineTuneEpochs };
  const file = (name: string) => path.join(outputDir, `${name}.pt`);
  try {
    if (settings.trainEpochs > 0) {
      log(`training fp32 for ${settings.trainEpochs} epochs`);
      await fitClassifier(model, trainLoader, { ...fit, epochs: settings.trainEpochs });
    }
    // Every variant is made from this copy, in the layout the float models run fastest in.
    const fp32 = inferenceLayout(deepCopy(model));
    const inputs = new Map<number, Tensor>();
    for (const size of settings.batchSizes) inputs.set(size, await inputBatch(testLoader, size));
    const example = await inputBatch(testLoader, 2);
    const rows: VariantResult[] = [];
    const forwards: Forward[] = [];
    let reference: VariantResult | undefined;

    const measure = async (
      name: string,
      variant: VariantName,
      forward: Forward,
      shipped: VariantFile,
      started: number,
      extra: Partial<VariantResult> = {},
    ) => {
      const makeSeconds = (performance.now() - started) / 1000;
      const acc = await accuracy(forward, testLoader);
      const row: VariantResult = {
        name,
        variant,
        description: VARIANTS[variant],
        accuracy: acc,
        accuracyChangePoints: reference ? (acc - reference.accuracy) * 100 : 0,
        file: shipped,
        ...extra,
        latency: {},
        speedUp: {},
        makeSeconds,
      };
      rows.push(row);
      forwards.push(forward);
      log(`${name}: accuracy ${(acc * 100).toFixed(2)}%, ${shipped.bytes} bytes (${shipped.kind}), made in ${makeSeconds.toFixed(1)} s`);
      return row;
    };
    const stateDictFile = async (name: string, m: Module) => {
      await save(m.stateDict(), file(name));
      return fileOf('state dict', file(name));
    };
    const scriptFile = async (name: string, script: ScriptModule) => {
      await script.save(file(name));
      return fileOf('TorchScript', file(name));
    };
    const fromFile = (name: string) => loadScript(file(name));
    const pruned = async (name: string, variant: VariantName, make: () => Promise<Module>) => {
      const started = performance.now();
      const m = await make();
      const sparse = file(`${name}.sparse`);
      await save(toSparse(m).stateDict, sparse);
      await measure(name, variant, m, await stateDictFile(name, m), started, {
        sparseFile: fileOf('sparse state dict (CSR)', sparse),
        sparsity: weightSparsity(m),
      });
    };
    let compiledWays: ReturnType<typeof compiled> | undefined;
    const quantized = new Map<VariantName, Module>();
    const quantize = async (variant: QuantizedVariant) => {
      let q = quantized.get(variant);
      if (!q) {
        q =
          variant === 'dynamic_int8'
            ? dynamicInt8(fp32, variant)
            : variant === 'static_int8'
              ? await staticInt8(fp32, trainLoader, settings.calibrationBatches, variant)
              : await qatInt8(fp32, fineTuning, variant);
        quantized.set(variant, q);
        await scriptFile(variant, trace(q, example));
      }
      return q;
    };

    for (const variant of settings.variants) {
      log(`${variant}: ${VARIANTS[variant]}`);
      const started = performance.now();
      try {
        if (variant === 'fp32') reference = await measure('fp32', variant, fp32, await stateDictFile('fp32', fp32), started);
        else if (variant === 'pruned')
          for (const amount of settings.pruneAmounts) {
            const name = prunedRowName(amount);
            await pruned(name, variant, () => globallyPruned(fp32, amount, fineTuning, name));
          }
        else if (variant === 'structured')
          await pruned(variant, variant, () => structurallyPruned(fp32, settings.structuredAmount, fineTuning, variant));
        else if (isQuantized(variant)) {
          const q = await quantize(variant);
          await measure(variant, variant, q, fileOf('TorchScript', file(variant)), started);
        } else if (TRACED_QUANTIZED[variant]) {
          const base = TRACED_QUANTIZED[variant];
          await quantize(base);
          await measure(variant, variant, await fromFile(base), fileOf('TorchScript', file(base)), started);
        } else {
          compiledWays ??= compiled(fp32, example);
          if (variant === 'optimized') {
            // An optimized module's MKL-DNN constants do not load back from its file (LibTorch:
            // "required keyword attribute 'value' is undefined"): it ships as the frozen file, optimized after loading.
            const shipped = await scriptFile('frozen', compiledWays.frozen);
            await measure(variant, variant, optimizeForInference(await fromFile('frozen')), shipped, started);
          } else if (variant === 'traced' || variant === 'frozen') {
            const shipped = await scriptFile(variant, compiledWays[variant]);
            await measure(variant, variant, await fromFile(variant), shipped, started);
          }
        }
      } catch (error) {
        if (error instanceof Error && !error.message.startsWith(`${variant}:`)) error.message = `${variant}: ${error.message}`;
        throw error;
      }
    }
    // Latency last, every variant interleaved with the others (and fp32) at each batch size.
    for (const [size, input] of inputs) {
      log(`latency at batch ${size}: ${rows.length} variants interleaved`);
      const measured = interleavedLatency(forwards, input, { warmup: settings.warmup, runs: settings.runs });
      rows.forEach((row, i) => (row.latency[size] = measured[i]!));
    }
    for (const row of rows)
      for (const size of settings.batchSizes) row.speedUp[size] = rows[0]!.latency[size]!.medianUs / row.latency[size]!.medianUs;
    for (const row of rows)
      log(`${row.name}: ${settings.batchSizes.map((size) => `batch ${size} ${row.latency[size]!.medianUs.toFixed(0)} us`).join(', ')}`);
    return { environment: environment(), settings, rows };
  } finally {
    if (options.threads !== undefined) setNumThreads(threadsBefore);
  }
}
