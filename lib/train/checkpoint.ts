/**
 * Checkpoints in one place: what is saved (Lightning's top-level keys, so Python's `torch.load`
 * reads the file and its `state_dict` loads into the equivalent torch.nn model) and the fixed order
 * in which a resume restores it: model, optimizers, schedulers, callbacks, loop counters, RNG.
 * @module
 */
import type { MetricState } from '../metrics/metric.js';
import { metricStates, restoreMetricStates } from './metric-states.js';
import type { GradScalerState } from '../amp/grad-scaler.js';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { load, save } from '../io/serialization.js';
import type { Saveable } from '../io/serialization.js';
import type { GeneratorState } from '../data/generator.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';
import { getRngState, setRngState } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import type { FitState } from './fit-state.js';
import type { LightningModule } from './lightning-module.js';
import type { Trainer } from './trainer.js';

/** The package version recorded in checkpoints. */
export const NODETORCH_VERSION = '0.1.0';

/** A checkpoint as saved (Lightning's keys; `loops` holds the exact resume point). */
export interface Checkpoint {
  epoch: number;
  global_step: number;
  state_dict: Record<string, Tensor>;
  optimizer_states: OptimizerStateDict[];
  lr_schedulers: unknown[];
  callbacks: Record<string, Record<string, unknown>>;
  hyper_parameters: Record<string, unknown>;
  loops: { fit_loop: Record<string, unknown> };
  rng_states: { torch: Tensor };
  nodetorch_version: string;
  /** The gradient scaler's state under '16-mixed' (Lightning's precision-plugin key). */
  MixedPrecision?: Partial<GradScalerState>;
}

/** The checkpoint of `trainer`'s fit of `module` as it is now. */
export function dumpCheckpoint(trainer: Trainer, module: LightningModule): Checkpoint {
  const state = trainer.fitState;
  const callbacks: Record<string, Record<string, unknown>> = {};
  for (const callback of trainer.callbacks) {
    const own = callback.stateDict();
    if (Object.keys(own).length > 0) callbacks[callback.stateKey] = own;
  }
  const fitLoop: Record<string, unknown> = {
    epoch: state.epoch,
    global_step: state.globalStep,
    batches_done: state.batchesDone,
    epoch_complete: trainer.epochComplete,
    results: trainer.trainResultsState(),
    loader_generator: trainer.trainGenerator?.getState() ?? null,
    metrics: metricStates(module),
  };
  if (state.epochStart) {
    fitLoop.epoch_start_rng = state.epochStart.torchRng;
    fitLoop.epoch_start_loader_generator = state.epochStart.loaderGenerator;
  }
  return {
    epoch: state.epoch,
    global_step: state.globalStep,
    state_dict: module.stateDict(),
    optimizer_states: trainer.optimizers.map((optimizer) => optimizer.stateDict()),
    lr_schedulers: trainer.schedulers.map((config) => config.scheduler.stateDict()),
    callbacks,
    hyper_parameters: module.hparams,
    loops: { fit_loop: fitLoop },
    rng_states: { torch: getRngState() },
    nodetorch_version: NODETORCH_VERSION,
    ...(trainer.scaler ? { MixedPrecision: trainer.scaler.stateDict() } : {}),
  };
}

/** Writes `checkpoint` to `file` atomically (a failure leaves any previous file intact). */
export async function writeCheckpoint(checkpoint: Checkpoint, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await save(checkpoint as unknown as Saveable, file);
}

/** Reads a checkpoint, checking that it is one. */
export async function readCheckpoint(file: string): Promise<Checkpoint> {
  if (!existsSync(file)) throw new Error(`Trainer: checkpoint ${file} does not exist`);
  const value = await load<Record<string, unknown>>(file);
  for (const key of ['state_dict', 'optimizer_states', 'epoch', 'global_step']) {
    if (!(key in value)) throw new Error(`Trainer: ${file} is not a training checkpoint (no '${key}')`);
  }
  return value as unknown as Checkpoint;
}

/** What a restore hands back to the loop: where to resume. */
export interface ResumePoint {
  fit: Partial<FitState>;
  epochComplete: boolean;
  results: unknown;
  rng: Tensor | null;
  /** The train loader's generator when the checkpoint was written. */
  loaderGenerator: GeneratorState | null;
}

/** Restores `checkpoint` into the module, the trainer's optimizers, schedulers, gradient scaler and callbacks, in that order. */
export function restoreCheckpoint(trainer: Trainer, module: LightningModule, checkpoint: Checkpoint, file: string): ResumePoint {
  const { missingKeys, unexpectedKeys } = compareKeys(module.stateDict(), checkpoint.state_dict);
  if (missingKeys.length || unexpectedKeys.length) {
    const parts = [];
    if (missingKeys.length) parts.push(`missing keys ${missingKeys.join(', ')}`);
    if (unexpectedKeys.length) parts.push(`unexpected keys ${unexpectedKeys.join(', ')}`);
    throw new Error(`Trainer: checkpoint ${file} is from another model: ${parts.join('; ')}`);
  }
  module.loadStateDict(checkpoint.state_dict);
  restoreMetricStates(module, checkpoint.loops?.fit_loop?.metrics as Record<string, MetricState> | undefined);
  if (checkpoint.optimizer_states.length !== trainer.optimizers.length)
    throw new Error(
      `Trainer: checkpoint ${file} has ${checkpoint.optimizer_states.length} optimizer states, the module configures ${trainer.optimizers.length}`,
    );
  trainer.optimizers.forEach((optimizer, i) => optimizer.loadStateDict(checkpoint.optimizer_states[i]!));
  const schedulers = checkpoint.lr_schedulers ?? [];
  if (schedulers.length !== trainer.schedulers.length)
    throw new Error(
      `Trainer: checkpoint ${file} has ${schedulers.length} LR schedulers, the module configures ${trainer.schedulers.length}`,
    );
  trainer.schedulers.forEach((config, i) => config.scheduler.loadStateDict(schedulers[i] as never));
  if (trainer.scaler && checkpoint.MixedPrecision) trainer.scaler.loadStateDict(checkpoint.MixedPrecision);
  for (const callback of trainer.callbacks) {
    const own = checkpoint.callbacks?.[callback.stateKey];
    if (own) callback.loadStateDict(own);
  }
  module.hparams = { ...(checkpoint.hyper_parameters ?? {}), ...module.hparams };
  const loop = checkpoint.loops?.fit_loop ?? {};
  const epochStartRng = loop.epoch_start_rng;
  return {
    fit: {
      epoch: Number(loop.epoch ?? checkpoint.epoch),
      globalStep: Number(loop.global_step ?? checkpoint.global_step),
      batchesDone: Number(loop.batches_done ?? 0),
      epochStart:
        epochStartRng instanceof Tensor
          ? { torchRng: epochStartRng, loaderGenerator: (loop.epoch_start_loader_generator as never) ?? null }
          : null,
    },
    epochComplete: loop.epoch_complete !== false,
    results: loop.results ?? null,
    rng: checkpoint.rng_states?.torch instanceof Tensor ? checkpoint.rng_states.torch : null,
    loaderGenerator: (loop.loader_generator as GeneratorState | null | undefined) ?? null,
  };
}

/** Sets LibTorch's generator to the checkpoint's (the last step of a restore). */
export function restoreRng(rng: Tensor | null): void {
  if (rng) setRngState(rng);
}

function compareKeys(own: Record<string, Tensor>, saved: Record<string, Tensor>): { missingKeys: string[]; unexpectedKeys: string[] } {
  const ownKeys = new Set(Object.keys(own));
  const savedKeys = new Set(Object.keys(saved ?? {}));
  return {
    missingKeys: [...ownKeys].filter((key) => !savedKeys.has(key)),
    unexpectedKeys: [...savedKeys].filter((key) => !ownKeys.has(key)),
  };
}
