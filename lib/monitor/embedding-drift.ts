/**
 * embeddingDrift: drift of a model's embeddings, the MMD test (lib/monitor/mmd.ts) on what the
 * model makes of the reference and the current inputs. The model runs in eval mode without
 * autograd, in batches; the embedding of a sample is the output of one named submodule (a forward
 * hook; default: the model's own output), flattened. Afterwards every module's training flag is
 * what it was, and no parameter has gained a gradient.
 * @module
 */
import type { Module } from '../nn/module.js';
import { noGrad } from '../tensor/autograd.js';
import { fromTypedArray } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';
import { MonitorError, describeValue } from './errors.js';
import { mmdTest, type MmdOptions, type MmdResult } from './mmd.js';

/** Options of {@link embeddingDrift}. */
export interface EmbeddingDriftOptions extends MmdOptions {
  /** The submodule whose output is the embedding, named as `model.namedModules()` names it (default: the model's output). */
  layer?: string;
  /** Samples per forward pass (default 256). */
  batchSize?: number;
  /** The embeddings drifted when the p-value is below this (default 0.05). */
  threshold?: number;
}

/** embeddingDrift's result: mmdTest's on the embeddings, and the verdict. */
export interface EmbeddingDriftResult extends MmdResult {
  /** The permutation p-value. */
  pValue: number;
  /** Whether pValue < threshold. */
  drifted: boolean;
  /** The threshold used. */
  threshold: number;
  /** The layer the embeddings came from ('' for the model's output). */
  layer: string;
  /** Values per embedding. */
  dims: number;
}

/** An embedding per row, as float64 values. */
interface Embeddings {
  values: Float64Array;
  rows: number;
  dims: number;
}

/**
 * Whether `current` drifted from `reference` as `model` sees them: the MMD permutation test on the
 * embeddings both get (inputs shaped [N, ...], as the model takes them).
 */
export function embeddingDrift(
  model: Module,
  reference: Tensor,
  current: Tensor,
  options: EmbeddingDriftOptions = {},
): EmbeddingDriftResult {
  const { layer = '', batchSize = 256, threshold = 0.05, permutations = 1000, ...mmd } = options;
  if (model === null || typeof model !== 'object' || typeof model.namedModules !== 'function')
    throw new MonitorError(`embeddingDrift: model must be an nn.Module, got ${describeValue(model)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new MonitorError(`embeddingDrift: batchSize must be a positive integer, got ${describeValue(batchSize)}`);
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))
    throw new MonitorError(`embeddingDrift: threshold must be a number in (0, 1], got ${describeValue(threshold)}`);
  if (!Number.isInteger(permutations) || permutations < 1)
    throw new MonitorError(
      `embeddingDrift: permutations must be a positive integer (the verdict needs a p-value), got ${describeValue(permutations)}`,
    );
  const target = submodule(model, layer);
  const modes = [...model.modules()].map((module) => [module, module.training] as const);
  model.eval();
  try {
    const a = embed(model, target, reference, batchSize, 'reference');
    const b = embed(model, target, current, batchSize, 'current');
    if (a.dims !== b.dims)
      throw new MonitorError(`embeddingDrift: the reference embeddings have ${a.dims} values but the current ones ${b.dims}`);
    const result = tidy(() =>
      mmdTest(fromTypedArray(a.values, [a.rows, a.dims]), fromTypedArray(b.values, [b.rows, b.dims]), { ...mmd, permutations }),
    );
    const pValue = result.pValue!;
    return { ...result, pValue, drifted: pValue < threshold, threshold, layer, dims: a.dims };
  } finally {
    for (const [module, training] of modes) module.training = training;
  }
}

function submodule(model: Module, layer: string): Module {
  if (typeof layer !== 'string') throw new MonitorError(`embeddingDrift: layer must be a module name, got ${describeValue(layer)}`);
  const names = [...model.namedModules()];
  const found = names.find(([name]) => name === layer);
  if (!found)
    throw new MonitorError(
      `embeddingDrift: the model has no submodule '${layer}' (its modules: ${names
        .map(([name]) => `'${name}'`)
        .filter((name) => name !== "''")
        .join(', ')})`,
    );
  return found[1];
}

// The target's output per batch, flattened per sample and copied out, so no tensor outlives the batch.
function embed(model: Module, target: Module, inputs: Tensor, batchSize: number, what: string): Embeddings {
  if (!(inputs instanceof Tensor) || inputs.dim() < 1)
    throw new MonitorError(`embeddingDrift: ${what} must be a tensor of samples shaped [N, ...], got ${describeValue(inputs)}`);
  const rows = inputs.shape[0]!;
  const chunks: Float64Array[] = [];
  let dims = 0;
  let captured: Tensor | undefined;
  const hook = target === model ? undefined : target.registerForwardHook((_module, _inputs, output) => void (captured = output as Tensor));
  try {
    for (let start = 0; start < rows; start += batchSize) {
      const count = Math.min(batchSize, rows - start);
      const chunk = tidy(() =>
        noGrad(() => {
          captured = undefined;
          const output = (model.forward as (...args: unknown[]) => unknown)(inputs.narrow(0, start, count));
          const embedding = hook ? captured : output;
          if (!(embedding instanceof Tensor) || embedding.dim() < 1 || embedding.shape[0] !== count)
            throw new MonitorError(
              `embeddingDrift: ${hook ? 'the layer' : 'the model'} must give a tensor of ${count} embeddings for ${count} samples, got ${embedding instanceof Tensor ? `shape [${embedding.shape.join(', ')}]` : describeValue(embedding)}`,
            );
          return Float64Array.from(embedding.detach().reshape([count, -1]).to('float64').cpu().contiguous().toTypedArray() as Float64Array);
        }),
      );
      if (chunks.length && chunk.length / count !== dims)
        throw new MonitorError(
          `embeddingDrift: the embeddings of ${what} changed width between batches (${dims}, then ${chunk.length / count})`,
        );
      dims = chunk.length / count;
      chunks.push(chunk);
    }
  } finally {
    hook?.remove();
  }
  const values = new Float64Array(rows * dims);
  let offset = 0;
  for (const chunk of chunks) {
    values.set(chunk, offset);
    offset += chunk.length;
  }
  return { values, rows, dims };
}
