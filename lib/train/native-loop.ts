/**
 * The native epoch loop's JS half: whether a fit can run its training batches in C++
 * (native/core/epoch_loop.cpp), and running a chunk of batches there. The Trainer cuts each epoch
 * into chunks at the points where JS must act between two batches (validation, a per-step
 * scheduler step, maxSteps); within a chunk every batch runs on a worker thread (gather, forward,
 * loss, backward, clipping, optimizer step) and is reported back through a thread-safe function,
 * so logging, the progress bar and the event loop go on meanwhile.
 *
 * The order of samples is drawn from the DataLoader's own sampler and generator, as iterating it
 * would draw it, and the kernels are the ones the JS path calls, so both paths give the same numbers.
 * @module
 */
import type { DataLoader } from '../data/dataloader.js';
import { native } from '../native.js';
import { Sequential } from '../nn/layers/container.js';
import { CrossEntropyLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss } from '../nn/layers/loss.js';
import type { Module } from '../nn/module.js';
import type { PlanStep } from '../nn/sequential-plan.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Device } from '../tensor/types.js';
import { defaultCollate } from '../data/collate.js';
import type { Callback } from './callbacks/callback.js';
import { ModelPruning } from './callbacks/model-pruning.js';
import { ProgressBar } from './callbacks/progress-bar.js';
import { Timer } from './callbacks/timer.js';
import { SupervisedModule } from './supervised-module.js';

/** `nativeLoop` option: 'auto' uses the native loop where it applies; true demands it; false never. */
export type NativeLoopMode = 'auto' | boolean;

/** What the native loop needs of a fit. */
export interface NativeLoopData {
  /** The model's layers as plan steps, read afresh per chunk (training mode, current settings). */
  planSteps: () => PlanStep[];
  loss: Record<string, unknown>;
  optimizer: Optimizer;
  params: Tensor[];
  inputs: Tensor;
  targets: Tensor;
  loader: DataLoader<unknown, unknown>;
}

/** What the Trainer's loop settings say about a chunk. */
export interface ChunkSettings {
  accumulate: number;
  clip: 'none' | 'norm' | 'value';
  clipValue: number;
}

/** One batch as the native loop reports it. */
export interface BatchReport {
  batchIdx: number;
  loss: number;
  batchSize: number;
  stepped: boolean;
}

// Per-batch hooks the native loop cannot call between a batch's steps.
const INNER_HOOKS = ['onTrainBatchStart', 'onBeforeBackward', 'onAfterBackward', 'onBeforeOptimizerStep', 'onBeforeZeroGrad'] as const;
// Callbacks whose onTrainBatchEnd only reads the counters and logged values the loop reports.
const REPORT_ONLY: readonly unknown[] = [ProgressBar, Timer];
const REDUCTIONS: Record<string, number> = { mean: 1, sum: 2 };

interface FitView {
  readonly callbacks: readonly Callback[];
  readonly optimizers: readonly Optimizer[];
  readonly precision: { device: string; precision: string };
  readonly options: { detectAnomaly: boolean };
}

/**
 * The native loop's inputs for fitting `module` on `loader`, or why it cannot run it (a sentence:
 * the Trainer's `nativeLoop: true` error quotes it).
 */
export function nativeLoopSupport(trainer: FitView, module: unknown, loader: unknown): NativeLoopData | string {
  if (!(module instanceof SupervisedModule) || module.constructor !== SupervisedModule)
    return 'the module is not a plain SupervisedModule (a subclass may override its steps or hooks)';
  const model = module.model;
  if (!(model instanceof Sequential)) return 'the model is not a Sequential';
  if (module.hasHooks || model.nativePlanSteps() === null)
    return 'the Sequential has a layer without a native step (custom, or with hooks), or a hook of its own';
  const loss = lossSpec(module.lossFunction);
  if (typeof loss === 'string') return loss;
  if (trainer.optimizers.length !== 1) return `the module configures ${trainer.optimizers.length} optimizers (the native loop runs one)`;
  if (trainer.precision.precision !== '32-true') return `precision '${trainer.precision.precision}' runs in JS (autocast is per thread)`;
  if (trainer.options.detectAnomaly) return 'detectAnomaly checks every loss in JS';
  for (const callback of trainer.callbacks) {
    if (callback instanceof ModelPruning)
      return 'callback ModelPruning prunes the model during the fit (pruned layers apply their masks in JS forward pre-hooks)';
    const own = (hook: string) => typeof (callback as unknown as Record<string, unknown>)[hook] === 'function';
    const inner = INNER_HOOKS.find(own);
    if (inner) return `callback ${callback.constructor.name} implements ${inner}`;
    if (own('onTrainBatchEnd') && !REPORT_ONLY.includes(callback.constructor))
      return `callback ${callback.constructor.name} implements onTrainBatchEnd (it may need the batch)`;
  }
  const data = loaderData(loader);
  if (typeof data === 'string') return data;
  const device = trainer.precision.device as Device;
  return {
    planSteps: () => {
      const steps = model.nativePlanSteps();
      // A hook or a custom layer added during the fit: the loop cannot run it (an empty plan would be the identity).
      if (!steps)
        throw new Error('the model no longer runs natively (a hook or a custom layer was added during fit); use nativeLoop: false');
      return steps;
    },
    loss,
    optimizer: trainer.optimizers[0]!,
    params: trainer.optimizers[0]!.paramGroups.flatMap((group) => group.params),
    inputs: data.inputs.device === device ? data.inputs : data.inputs.to(device),
    targets: data.targets.device === device ? data.targets : data.targets.to(device),
    loader: loader as DataLoader<unknown, unknown>,
  };
}

function lossSpec(loss: unknown): Record<string, unknown> | string {
  const kinds: [unknown, string][] = [
    [CrossEntropyLoss, 'cross_entropy'],
    [NLLLoss, 'nll'],
    [MSELoss, 'mse'],
    [L1Loss, 'l1'],
    [SmoothL1Loss, 'smooth_l1'],
  ];
  const kind = kinds.find(([type]) => (loss as Module | null)?.constructor === type)?.[1];
  if (!kind) return 'the loss is not a built-in loss module (CrossEntropyLoss, NLLLoss, MSELoss, L1Loss or SmoothL1Loss)';
  if ((loss as Module).hasHooks) return 'the loss module has hooks';
  const options = (loss as { options: Record<string, unknown> }).options;
  const reduction = REDUCTIONS[(options.reduction as string | undefined) ?? 'mean'];
  if (reduction === undefined) return `the loss reduction '${String(options.reduction)}' does not give a scalar`;
  return {
    kind,
    reduction,
    ignoreIndex: options.ignoreIndex,
    labelSmoothing: options.labelSmoothing,
    beta: options.beta,
    weight: options.weight,
  };
}

function loaderData(loader: unknown): { inputs: Tensor; targets: Tensor } | string {
  const dl = loader as DataLoader<unknown, unknown>;
  if (typeof dl?.epochIndices !== 'function') return 'the train loader is not a DataLoader';
  if (dl.numWorkers !== 0) return 'the DataLoader has workers (the native loop indexes the data itself; use numWorkers 0)';
  if (dl.batchSampler === null) return 'the DataLoader has no batch sampler (batchSize null)';
  if (dl.collateFn !== defaultCollate) return 'the DataLoader has a custom collateFn';
  const dataset = dl.dataset as { nativeTensors?: () => readonly [Tensor, Tensor] | null };
  const tensors = typeof dataset.nativeTensors === 'function' ? dataset.nativeTensors() : null;
  if (!tensors) return 'the dataset is not one the addon can index (a TensorDataset of (inputs, targets), or MNIST without transforms)';
  return { inputs: tensors[0], targets: tensors[1] };
}

/**
 * Runs `batches` (the epoch's batches from `firstBatchIdx` on) in C++; `onBatch` runs on the JS
 * thread for each, in order, and a true `shouldStop()` after one stops the loop there. Resolves
 * with the number of batches run once every report is handled; rejects with the first error of
 * the native work or of `onBatch`.
 */
export async function runNativeChunk(
  data: NativeLoopData,
  batches: number[][],
  stepAfter: boolean[],
  firstBatchIdx: number,
  settings: ChunkSettings,
  onBatch: (report: BatchReport) => Promise<void>,
  shouldStop: () => boolean,
): Promise<number> {
  let handled = 0;
  let chain: Promise<void> = Promise.resolve();
  const failed: { error?: Error } = {};
  const spec = {
    steps: data.planSteps(),
    loss: data.loss,
    optimizer: data.optimizer.nativeOptimizer,
    params: data.params,
    inputs: data.inputs,
    targets: data.targets,
    batches,
    stepAfter,
    accumulate: settings.accumulate,
    clip: settings.clip,
    clipValue: settings.clipValue,
  };
  const run = native.runEpochChunk(spec, (batch, loss, batchSize, stepped) => {
    chain = chain.then(async () => {
      if (failed.error) return;
      try {
        await onBatch({ batchIdx: firstBatchIdx + batch, loss, batchSize, stepped });
        if (shouldStop()) run.stop();
      } catch (error) {
        failed.error ??= error instanceof Error ? error : new Error(String(error));
        run.stop();
      }
      handled++;
    });
  });
  let done: number;
  try {
    done = await run.promise;
  } catch (error) {
    await chain;
    throw withBatch(error, firstBatchIdx + handled);
  }
  // Reports can arrive after the promise settles: the thread-safe function and the worker's
  // completion are separate queues.
  while (handled < done && !failed.error) {
    await chain;
    if (handled < done) await new Promise((resolve) => setImmediate(resolve));
  }
  if (failed.error) throw failed.error;
  return done;
}

function withBatch(error: unknown, batchIdx: number): unknown {
  if (error instanceof Error) (error as Error & { nativeBatchIdx?: number }).nativeBatchIdx = batchIdx;
  return error;
}
