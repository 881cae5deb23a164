/**
 * Turns a validated experiment config (configs/, lib/conf/schema.ts) into what a fit needs: the
 * SupervisedModule (model, loss, optimizer, scheduler, metrics), the loaders and the Trainer with
 * its callbacks and logger. Config keys are Lightning's snake_case; the objects take camelCase.
 * @module
 */
import path from 'node:path';
import { DataLoader } from '../data/dataloader.js';
import { Subset, type Dataset } from '../data/dataset.js';
import { EmbeddedMNIST } from '../data/datasets/embedded-mnist.js';
import { FashionMNIST, MNIST } from '../data/datasets/mnist.js';
import { Generator } from '../data/generator.js';
import * as nn from '../nn/index.js';
import type { Module } from '../nn/module.js';
import { Adam, AdamW, SGD } from '../optim/optimizers.js';
import type { Optimizer } from '../optim/optimizer.js';
import { CosineAnnealingLR, OneCycleLR, StepLR } from '../optim/lr-scheduler/index.js';
import { Accuracy } from '../metrics/classification.js';
import { manualSeed } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Callback } from '../train/callbacks/callback.js';
import { EarlyStopping } from '../train/callbacks/early-stopping.js';
import { ModelCheckpoint } from '../train/callbacks/model-checkpoint.js';
import type { SchedulerConfig } from '../train/lightning-module.js';
import { CSVLogger } from '../train/loggers/csv-logger.js';
import { JSONLLogger } from '../train/loggers/jsonl-logger.js';
import type { Logger } from '../train/loggers/logger.js';
import { MLflowLogger } from '../train/loggers/mlflow-logger.js';
import { TensorBoardLogger } from '../train/loggers/tensorboard-logger.js';
import { SupervisedModule } from '../train/supervised-module.js';
import { Trainer, type TrainerOptions } from '../train/trainer.js';
import { PyTorchProfiler } from '../train/profilers/pytorch-profiler.js';
import { schedule } from '../profiler/schedule.js';
import type { ExperimentConfig } from '../conf/schema.js';
import { progressCallbackFromEnv } from './sweep/progress-callback.js';

/** What `nodetorch train` fits. */
export interface Experiment {
  module: SupervisedModule;
  trainer: Trainer;
  trainLoader: DataLoader<unknown, unknown>;
  testLoader: DataLoader<unknown, unknown>;
}

/** The training loader (shuffled with the config's seed) and the test loader of `config`'s data. */
export async function buildLoaders(config: Pick<ExperimentConfig, 'data' | 'seed'>) {
  const { trainSet, testSet } = await loadData(config);
  const trainLoader = new DataLoader(trainSet, {
    batchSize: config.data.batch_size,
    shuffle: true,
    seed: config.seed,
    numWorkers: config.data.num_workers,
  });
  const testLoader = new DataLoader(testSet, { batchSize: 500, numWorkers: config.data.num_workers });
  return { trainLoader, testLoader };
}

/** Builds the experiment of `config`; relative logger folders are taken from `runDir`. */
export async function buildExperiment(config: ExperimentConfig, runDir: string): Promise<Experiment> {
  const { trainLoader, testLoader } = await buildLoaders(config);
  manualSeed(config.seed); // before the model is made, so the same seed gives the same initial weights
  const model = buildModel(config.model);
  const module = new SupervisedModule(model, {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => buildOptimizer(config.optimizer, params),
    lrScheduler: config.scheduler ? (optimizer) => buildScheduler(config.scheduler!, optimizer, trainLoader.length) : undefined,
    metrics: { acc: new Accuracy({ task: 'multiclass', numClasses: config.model.num_classes }) },
  });
  module.saveHyperparameters(config); // in checkpoints and the loggers' hparams
  const trainer = new Trainer({
    ...trainerOptions(config.trainer),
    seed: config.seed,
    defaultRootDir: runDir,
    logger: config.logger ? buildLogger(config.logger, config.name, runDir) : false,
    callbacks: buildCallbacks(config),
    profiler: config.profiler ? buildProfiler(config.profiler, runDir) : undefined,
  });
  return { module, trainer, trainLoader, testLoader };
}

/** The model of a `model` config group option. */
export function buildModel(config: ExperimentConfig['model']): Module {
  if (config.kind === 'mlp') {
    const layers: Module[] = [new nn.Flatten()];
    let width = config.in_features;
    for (const hidden of config.hidden) {
      layers.push(new nn.Linear(width, hidden), activation(config.activation));
      if (config.dropout > 0) layers.push(new nn.Dropout(config.dropout));
      width = hidden;
    }
    layers.push(new nn.Linear(width, config.num_classes));
    return new nn.Sequential(...layers);
  }
  const layers: Module[] = [];
  let channels = config.in_channels;
  let size = config.image_size;
  for (const out of config.channels) {
    layers.push(new nn.Conv2d(channels, out, config.kernel_size, { padding: Math.floor(config.kernel_size / 2) }));
    if (config.batch_norm) layers.push(new nn.BatchNorm2d(out));
    layers.push(new nn.ReLU(), new nn.MaxPool2d(2));
    channels = out;
    size = Math.floor(size / 2);
  }
  layers.push(new nn.Flatten());
  if (config.dropout > 0) layers.push(new nn.Dropout(config.dropout));
  layers.push(new nn.Linear(channels * size * size, config.num_classes));
  return new nn.Sequential(...layers);
}

type Activation = Extract<ExperimentConfig['model'], { kind: 'mlp' }>['activation'];

function activation(name: Activation): Module {
  const made = {
    relu: () => new nn.ReLU(),
    tanh: () => new nn.Tanh(),
    gelu: () => new nn.GELU(),
    silu: () => new nn.SiLU(),
    sigmoid: () => new nn.Sigmoid(),
  };
  return made[name]();
}

/** The optimizer of an `optimizer` config group option. */
export function buildOptimizer(config: ExperimentConfig['optimizer'], params: Tensor[]): Optimizer {
  if (config.name === 'sgd')
    return new SGD(params, {
      lr: config.lr,
      momentum: config.momentum,
      dampening: config.dampening,
      weightDecay: config.weight_decay,
      nesterov: config.nesterov,
    });
  const options = { lr: config.lr, betas: config.betas, eps: config.eps, weightDecay: config.weight_decay, amsgrad: config.amsgrad };
  return config.name === 'adam' ? new Adam(params, options) : new AdamW(params, options);
}

/** The scheduler of a `scheduler` config group option; `stepsPerEpoch` is the train loader's length. */
export function buildScheduler(
  config: NonNullable<ExperimentConfig['scheduler']>,
  optimizer: Optimizer,
  stepsPerEpoch: number,
): SchedulerConfig {
  const scheduler =
    config.name === 'step'
      ? new StepLR(optimizer, { stepSize: config.step_size, gamma: config.gamma })
      : config.name === 'cosine'
        ? new CosineAnnealingLR(optimizer, { tMax: config.t_max, etaMin: config.eta_min })
        : new OneCycleLR(optimizer, { maxLr: config.max_lr, epochs: config.epochs, stepsPerEpoch, pctStart: config.pct_start });
  return { scheduler, interval: config.interval };
}

/** Trainer options from the `trainer` group (snake_case keys to camelCase). */
export function trainerOptions(config: ExperimentConfig['trainer']): TrainerOptions {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue;
    options[key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())] = value;
  }
  return options;
}

function buildLogger(config: NonNullable<ExperimentConfig['logger']>, name: string, runDir: string): Logger {
  const saveDir = path.resolve(runDir, config.save_dir);
  if (config.kind === 'csv') return new CSVLogger(saveDir, { name });
  if (config.kind === 'tensorboard') return new TensorBoardLogger(saveDir, { name });
  if (config.kind === 'jsonl') return new JSONLLogger(saveDir, { name });
  return new MLflowLogger(saveDir, { experimentName: name });
}

function buildProfiler(config: NonNullable<ExperimentConfig['profiler']>, runDir: string): PyTorchProfiler {
  return new PyTorchProfiler({
    dirpath: path.join(runDir, 'profiler'),
    schedule: schedule({ wait: config.wait, warmup: config.warmup, active: config.active, repeat: config.repeat }),
    recordShapes: config.record_shapes,
    profileMemory: config.profile_memory,
    withStack: config.with_stack,
    rowLimit: config.row_limit,
    sortByKey: config.sort_by_key,
  });
}

function buildCallbacks(config: ExperimentConfig): Callback[] {
  const callbacks: Callback[] = [];
  const checkpoint = config.checkpoint;
  if (checkpoint && config.trainer.enable_checkpointing)
    callbacks.push(
      new ModelCheckpoint({
        monitor: checkpoint.monitor ?? undefined,
        mode: checkpoint.mode,
        saveTopK: checkpoint.save_top_k,
        saveLast: checkpoint.save_last,
        filename: checkpoint.filename,
      }),
    );
  const early = config.early_stopping;
  if (early)
    callbacks.push(new EarlyStopping({ monitor: early.monitor, mode: early.mode, patience: early.patience, minDelta: early.min_delta }));
  const sweepProgress = progressCallbackFromEnv(); // NODETORCH_SWEEP_PROGRESS: the sweep's per-epoch metric file
  if (sweepProgress) callbacks.push(sweepProgress);
  return callbacks;
}

/** The train and test sets of a `data` config group option, seeded subsets of `train_size` and `test_size`. */
export async function loadData(
  config: Pick<ExperimentConfig, 'data' | 'seed'>,
): Promise<{ trainSet: Dataset<unknown>; testSet: Dataset<unknown> }> {
  // A seeded random subset (the embedded splits hold the digits in order), as the examples draw it.
  const sample = (set: Dataset<unknown>, count: number) =>
    new Subset(set, new Generator(config.seed).randperm(set.length).slice(0, Math.min(count, set.length)));
  const { data } = config;
  if (data.name === 'embedded_mnist')
    return {
      trainSet: sample(new EmbeddedMNIST({ train: true }), data.train_size),
      testSet: sample(new EmbeddedMNIST({ train: false }), data.test_size),
    };
  const Class = data.name === 'mnist' ? MNIST : FashionMNIST;
  const [train, test] = await Promise.all([
    Class.create({ root: data.root, train: true, download: true }),
    Class.create({ root: data.root, train: false, download: true }),
  ]);
  return { trainSet: sample(train, data.train_size), testSet: sample(test, data.test_size) };
}
