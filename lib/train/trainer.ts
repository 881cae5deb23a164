/**
 * torch.train.Trainer: Lightning's Trainer in camelCase. `fit`, `validate`, `test` and `predict`
 * share one try/catch (onException, loggers finalized as failed); every hook goes through
 * hooks.ts; progress lives in one FitState that checkpoints save, so a resume is exact.
 * Steps run on the calling thread and the loop yields to the event loop every few milliseconds.
 * @module
 */
import path from 'node:path';
import { DataLoader } from '../data/dataloader.js';
import type { Generator } from '../data/generator.js';
import { clipGradNorm_, clipGradValue_ } from '../optim/clip-grad.js';
import { Optimizer } from '../optim/optimizer.js';
import { isGradEnabled, setGradEnabled } from '../tensor/autograd.js';
import { getRngState, manualSeed, setRngState, useDeterministicAlgorithms } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { check, describeValue, invalidOption, isNonNegative, isPositiveInteger, requireOptions } from '../util/validate.js';
import type { Callback } from './callbacks/callback.js';
import { LearningCurves } from './callbacks/learning-curves.js';
import { ProgressBar } from './callbacks/progress-bar.js';
import { PyTorchProfiler } from './profilers/pytorch-profiler.js';
import { applyChannelsLast, type ChannelsLastMode } from './memory-format.js';
import { dumpCheckpoint, readCheckpoint, restoreCheckpoint, restoreRng, writeCheckpoint } from './checkpoint.js';
import { newFitState, type FitState, type Stage } from './fit-state.js';
import { callCallbackHook, callHook, type HookName } from './hooks.js';
import type { LightningModule, OptimizerConfig, SchedulerConfig, StepOutput } from './lightning-module.js';
import type { Logger, RunStatus } from './loggers/logger.js';
import { nativeLoopSupport, runNativeChunk, type BatchReport, type NativeLoopData, type NativeLoopMode } from './native-loop.js';
import { gradScalerFor, inPrecision, prepareModule, resolvePrecision, transferBatch, type Precision, type Resolved } from './precision.js';
import type { GradScaler } from '../amp/grad-scaler.js';
import { ResultCollection, type LogOptions, type Loggable } from './results.js';
import type { SupervisedModule } from './supervised-module.js';
import { runInfo } from './run-info.js';
import { releaseBatch } from './batch-release.js';

/** Options of the Trainer (Lightning's arguments in camelCase). */
export interface TrainerOptions {
  /** Stop after this many epochs (default 1000, as Lightning; -1 for no limit when maxSteps is set). */
  maxEpochs?: number;
  /** Stop after this many optimizer steps (default -1: no limit). */
  maxSteps?: number;
  /** Run at least this many epochs even if a callback asks to stop. */
  minEpochs?: number;
  /** 'cpu' (default), 'cuda', 'cuda:N' or 'auto'. */
  device?: string;
  /**
   * '32-true' (default), '64-true' (module and floating inputs in float64), 'bf16-mixed' (steps under
   * bfloat16 autocast, CPU or CUDA) or '16-mixed' (float16 autocast with a gradient scaler; CUDA only).
   */
  precision?: Precision;
  /** Accumulate gradients over this many batches per optimizer step (default 1). */
  accumulateGradBatches?: number;
  /** Clip gradients to this value (norm or value, per gradientClipAlgorithm). */
  gradientClipVal?: number;
  /** 'norm' (default) or 'value'. */
  gradientClipAlgorithm?: 'norm' | 'value';
  /** Validate every this fraction of an epoch (<= 1) or every this many training batches (> 1). Default 1. */
  valCheckInterval?: number;
  /** Validate every N epochs (default 1). */
  checkValEveryNEpoch?: number;
  /** Use this fraction (<= 1) or this many (> 1) training batches per epoch. */
  limitTrainBatches?: number;
  /** The same for validation. */
  limitValBatches?: number;
  /** The same for testing. */
  limitTestBatches?: number;
  /** The same for prediction. */
  limitPredictBatches?: number;
  /** Run 1 (true) or N batches of train, val and test once, as a smoke test (no checkpoints, no loggers). */
  fastDevRun?: boolean | number;
  /** Callbacks, called in this order. */
  callbacks?: Callback[];
  /** A logger, several, or false for none. */
  logger?: Logger | Logger[] | false;
  /** Seed every generator before fit (torch.manualSeed); runs with the same seed are bit-identical. */
  seed?: number;
  /** Turn on LibTorch's deterministic algorithms for the run. */
  deterministic?: boolean;
  /** The folder for logs and checkpoints when a logger or callback names none (default the cwd). */
  defaultRootDir?: string;
  /** Print progress (default true). */
  enableProgressBar?: boolean;
  /** Draw loss and metric curves (curves.svg, curves.png) in the run folder at the end of fit (default true; off in fastDevRun). */
  enableCurves?: boolean;
  /** Save a checkpoint on SIGINT and when ModelCheckpoint asks (default true). */
  enableCheckpointing?: boolean;
  /** Send step values to the loggers every N optimizer steps (default 50). */
  logEveryNSteps?: number;
  /** Stop with an error when a training loss is NaN or infinite. */
  detectAnomaly?: boolean;
  /**
   * Run training batches in C++ on a worker thread (the native epoch loop): 'auto' (default) where
   * the fit allows it (a SupervisedModule around a Sequential of built-in layers, a built-in loss,
   * one optimizer, a TensorDataset or MNIST loader without workers, '32-true', built-in callbacks);
   * true demands it (an error says what stands in the way); false always steps from JS.
   */
  nativeLoop?: NativeLoopMode;
  /**
   * Train convolutional models with 4-D weights laid out channels-last (NHWC), the layout oneDNN's
   * convolutions and pooling are fast in: 'auto' (default) for a SupervisedModule around a
   * Sequential of built-in layers with a Conv2d; true for any module with a Conv2d (its forward
   * must not `view` conv outputs); false keeps PyTorch's default layout.
   */
  channelsLast?: ChannelsLastMode;
  /**
   * Profile a few training steps with torch.profiler (Lightning's `profiler`): 'pytorch' for the
   * defaults (traces and a summary in the log folder), or a configured PyTorchProfiler.
   */
  profiler?: 'pytorch' | PyTorchProfiler;
  /**
   * Leave each batch to the garbage collector after its step, for callbacks that hold on to
   * batches. By default the Trainer frees the tensors the DataLoader made for a batch (and their
   * device copies) once the batch's last hook (onTrainBatchEnd, on*BatchEnd) has run, except
   * those the step returned; clone a tensor to keep it longer.
   */
  keepBatches?: boolean;
}

/** Options of `fit`. */
export interface FitOptions {
  /** Resume from this checkpoint: model, optimizers, schedulers, callbacks, counters and RNG state. */
  ckptPath?: string;
}

/** Batches: a DataLoader, or any (async) iterable of them. */
export type Batches = AsyncIterable<unknown> | Iterable<unknown>;
/** A scheduler with its interval and frequency filled in. */
export type ConfiguredScheduler = SchedulerConfig & { interval: 'epoch' | 'step'; frequency: number };
/** What fit, validate, test and predict take batches from. */
export type Loader = DataLoader<unknown, unknown> | Batches;

const KNOWN_OPTIONS = new Set([
  'maxEpochs', 'maxSteps', 'minEpochs', 'device', 'precision', 'accumulateGradBatches', 'gradientClipVal',
  'gradientClipAlgorithm', 'valCheckInterval', 'checkValEveryNEpoch', 'limitTrainBatches', 'limitValBatches',
  'limitTestBatches', 'limitPredictBatches', 'fastDevRun', 'callbacks', 'logger', 'seed', 'deterministic', 'profiler', 'channelsLast',
  'defaultRootDir', 'enableProgressBar', 'enableCheckpointing', 'logEveryNSteps', 'detectAnomaly', 'enableCurves',
  'nativeLoop', 'keepBatches',
]); // prettier-ignore

// The loop yields to the event loop when it has run this long (keeps timers within ~50 ms).
const YIELD_AFTER_MS = 4;

// Where an epoch's batch loop starts, stops and validates.
interface EpochPlan {
  skip: number;
  limit: number;
  valEvery: number | undefined;
  lastBatch: number;
  resume: ReturnType<typeof restoreCheckpoint> | null;
  valLoader: Loader | null;
}

const isAutoOrBoolean = (value: unknown): value is 'auto' | boolean => value === 'auto' || typeof value === 'boolean';

/** Trains, validates, tests and predicts with a LightningModule. */
export class Trainer {
  /** The callbacks, in call order. */
  readonly callbacks: Callback[];
  /** The loggers. */
  readonly loggers: Logger[];
  /** Counters of the current (or last) fit. */
  fitState: FitState = newFitState();
  /** The optimizers of the current fit. */
  optimizers: Optimizer[] = [];
  /** The LR schedulers of the current fit, with their configuration. */
  schedulers: ConfiguredScheduler[] = [];
  /** Every value logged so far in this run, by key (what callbacks monitor). */
  readonly callbackMetrics = new Map<string, number>();
  /** What the progress bar shows. */
  readonly progressBarMetrics = new Map<string, number>();
  /** Batches per optimizer step now (GradientAccumulationScheduler changes it per epoch). */
  accumulateGradBatches: number;
  /** Training batches in the current epoch (undefined when the loader has no length). */
  trainBatches: number | undefined;
  /** Whether the current epoch's batches are all done (checkpoints record it). */
  epochComplete = false;
  /** The folder for checkpoints and logs. */
  readonly defaultRootDir: string;
  /** The resolved options. */
  readonly options: Readonly<
    Required<Omit<TrainerOptions, 'callbacks' | 'logger' | 'seed' | 'gradientClipVal' | 'fastDevRun' | 'profiler'>>
  > & {
    seed: number | undefined;
    gradientClipVal: number | undefined;
    fastDevRun: number;
  };
  /** Device and precision, resolved once. */
  readonly precision: Resolved;
  /** The gradient scaler of '16-mixed' (null otherwise). */
  readonly scaler: GradScaler | null;
  /** The profiler of the `profiler` option (null without one). */
  readonly profiler: PyTorchProfiler | null;
  /** The stage running now. */
  stage: Stage | null = null;
  /** @internal The train loader's generator during fit (checkpoints save its state). */
  trainGenerator: Generator | null = null;
  private hook: string | null = null;
  private channelsLastActive = false;
  private results = new ResultCollection();
  private lastYield = 0;
  private interrupts = 0;

  /** A trainer configured by `options` (checked now: an unknown or bad option is an error naming it). */
  constructor(options: TrainerOptions = {}) {
    requireOptions('Trainer', options, 'an options object');
    for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`Trainer: unknown option '${key}'`);
    const fastDevRun =
      options.fastDevRun === true ? 1 : options.fastDevRun === false || options.fastDevRun === undefined ? 0 : options.fastDevRun;
    if (!Number.isInteger(fastDevRun) || fastDevRun < 0)
      throw invalidOption('Trainer', 'fastDevRun', 'a boolean or a non-negative integer', options.fastDevRun);
    const count = (name: keyof TrainerOptions, fallback: number, allowMinusOne = false) => {
      const value = options[name] ?? fallback;
      if (!(Number.isInteger(value) && ((value as number) >= 0 || (allowMinusOne && value === -1))))
        throw invalidOption('Trainer', name, allowMinusOne ? 'a non-negative integer or -1' : 'a non-negative integer', value);
      return value as number;
    };
    const fraction = (name: keyof TrainerOptions) => {
      const value = options[name] ?? 1;
      if (!(typeof value === 'number' && value > 0 && (value <= 1 || Number.isInteger(value))))
        throw invalidOption('Trainer', name, 'a fraction in (0, 1] or a whole number of batches', value);
      return value;
    };
    const gradientClipAlgorithm = options.gradientClipAlgorithm ?? 'norm';
    if (gradientClipAlgorithm !== 'norm' && gradientClipAlgorithm !== 'value')
      throw invalidOption('Trainer', 'gradientClipAlgorithm', "'norm' or 'value'", gradientClipAlgorithm);
    if (options.gradientClipVal !== undefined)
      check('Trainer', 'gradientClipVal', options.gradientClipVal, 'a non-negative number', isNonNegative);
    if (options.seed !== undefined)
      check('Trainer', 'seed', options.seed, 'a non-negative integer', (v): v is number => Number.isSafeInteger(v) && (v as number) >= 0);
    this.precision = resolvePrecision(options.device ?? 'cpu', options.precision ?? '32-true');
    this.scaler = gradScalerFor(this.precision);
    this.defaultRootDir = path.resolve(options.defaultRootDir ?? process.cwd());
    this.options = {
      maxEpochs: fastDevRun ? 1 : count('maxEpochs', options.maxSteps !== undefined && options.maxSteps !== -1 ? -1 : 1000, true),
      maxSteps: fastDevRun ? fastDevRun : count('maxSteps', -1, true),
      minEpochs: count('minEpochs', 0),
      device: this.precision.device,
      precision: this.precision.precision,
      accumulateGradBatches: check(
        'Trainer',
        'accumulateGradBatches',
        options.accumulateGradBatches ?? 1,
        'a positive integer',
        isPositiveInteger,
      ),
      gradientClipVal: options.gradientClipVal,
      gradientClipAlgorithm,
      valCheckInterval: fraction('valCheckInterval'),
      checkValEveryNEpoch: check(
        'Trainer',
        'checkValEveryNEpoch',
        options.checkValEveryNEpoch ?? 1,
        'a positive integer',
        isPositiveInteger,
      ),
      limitTrainBatches: fastDevRun || fraction('limitTrainBatches'),
      limitValBatches: fastDevRun || fraction('limitValBatches'),
      limitTestBatches: fastDevRun || fraction('limitTestBatches'),
      limitPredictBatches: fastDevRun || fraction('limitPredictBatches'),
      fastDevRun,
      seed: options.seed,
      deterministic: options.deterministic ?? false,
      defaultRootDir: this.defaultRootDir,
      enableProgressBar: options.enableProgressBar ?? true,
      enableCurves: fastDevRun ? false : (options.enableCurves ?? true),
      enableCheckpointing: fastDevRun ? false : (options.enableCheckpointing ?? true),
      logEveryNSteps: check('Trainer', 'logEveryNSteps', options.logEveryNSteps ?? 50, 'a positive integer', isPositiveInteger),
      detectAnomaly: options.detectAnomaly ?? false,
      nativeLoop: check('Trainer', 'nativeLoop', options.nativeLoop ?? 'auto', "'auto', true or false", isAutoOrBoolean),
      channelsLast: check('Trainer', 'channelsLast', options.channelsLast ?? 'auto', "'auto', true or false", isAutoOrBoolean),
      keepBatches: check('Trainer', 'keepBatches', options.keepBatches ?? false, 'a boolean', (v): v is boolean => typeof v === 'boolean'),
    };
    this.accumulateGradBatches = this.options.accumulateGradBatches;
    if (options.maxEpochs === -1 && this.options.maxSteps === -1) throw new RangeError('Trainer: maxEpochs -1 needs a maxSteps limit');
    this.callbacks = [...(options.callbacks ?? [])];
    this.profiler = profilerOf(options.profiler);
    if (this.profiler && !this.callbacks.includes(this.profiler)) this.callbacks.push(this.profiler);
    if (this.options.enableProgressBar && !this.callbacks.some((callback) => callback instanceof ProgressBar))
      this.callbacks.push(new ProgressBar());
    if (this.options.enableCurves && !this.callbacks.some((callback) => callback instanceof LearningCurves))
      this.callbacks.push(new LearningCurves());
    this.callbacks.forEach((callback, i) => {
      if (typeof callback !== 'object' || callback === null || typeof callback.stateDict !== 'function')
        throw new TypeError(`Trainer: callbacks[${i}] must be a Callback, got ${describeValue(callback)}`);
    });
    this.loggers =
      fastDevRun || options.logger === false || options.logger === undefined
        ? []
        : Array.isArray(options.logger)
          ? options.logger
          : [options.logger];
  }

  /** The first logger, as Lightning's `trainer.logger`. */
  get logger(): Logger | null {
    return this.loggers[0] ?? null;
  }

  /** The current epoch (Lightning's `current_epoch`). */
  get currentEpoch(): number {
    return this.fitState.epoch;
  }

  /** Optimizer steps so far (Lightning's `global_step`). */
  get globalStep(): number {
    return this.fitState.globalStep;
  }

  /** Where checkpoints go when ModelCheckpoint names no folder: the first logger's folder, else the root. */
  get checkpointDir(): string {
    return path.join(this.logger?.logDir ?? this.defaultRootDir, 'checkpoints');
  }

  /** Whether the current (or last) run lays the model's 4-D weights out channels-last (the `channelsLast` option). */
  get usesChannelsLast(): boolean {
    return this.channelsLastActive;
  }

  /** Whether the current (or last) fit runs its training batches in the native epoch loop. */
  get usesNativeLoop(): boolean {
    return this.nativeData !== null;
  }

  /** Asks the fit to end after the current step (callbacks call this; SIGINT does too). */
  requestStop(reason: string): void {
    this.fitState.shouldStop = true;
    this.fitState.stopReason ??= reason;
  }

  // ---- the entry points ---------------------------------------------------------------------

  /** Trains `module` on `trainLoader`, validating on `valLoader`; `ckptPath` resumes a run. */
  async fit(module: LightningModule, trainLoader: Loader, valLoader?: Loader | null, options: FitOptions = {}): Promise<void> {
    await this.run('fit', module, async () => {
      this.fitState = newFitState();
      if (this.options.seed !== undefined) manualSeed(this.options.seed);
      this.configureOptimizers(module);
      this.nativeData = this.nativeLoopFor(module, trainLoader);
      this.trainGenerator = (trainLoader as DataLoader<unknown, unknown>).generator ?? null;
      let resume: ReturnType<typeof restoreCheckpoint> | null = null;
      if (options.ckptPath) resume = restoreCheckpoint(this, module, await readCheckpoint(options.ckptPath), options.ckptPath);
      if (resume) {
        Object.assign(this.fitState, resume.fit);
        if (resume.epochComplete) {
          if (this.trainGenerator && resume.loaderGenerator) this.trainGenerator.setState(resume.loaderGenerator);
          this.fitState.epoch += 1;
          this.fitState.batchesDone = 0;
          this.fitState.epochStart = null;
        }
        await callHook(this, module, 'onLoadCheckpoint', resume);
      }
      await this.logHyperparams(module);
      await callHook(this, module, 'setup', 'fit');
      await callHook(this, module, 'onFitStart');
      await callHook(this, module, 'onTrainStart');
      while (!this.fitDone()) {
        await this.trainEpoch(module, trainLoader, valLoader ?? null, resume);
        resume = null;
      }
      await callHook(this, module, 'onTrainEnd');
      await callHook(this, module, 'onFitEnd');
      await callHook(this, module, 'teardown', 'fit');
    });
  }

  /** Runs the validation loop once; returns the epoch metrics (one record per loader, as Lightning). */
  async validate(module: LightningModule, loader: Loader): Promise<Record<string, number>[]> {
    let metrics: Record<string, number> = {};
    await this.run('validate', module, async () => {
      metrics = await this.evaluate(module, 'validate', loader);
    });
    return [metrics];
  }

  /** Runs the test loop once; returns the epoch metrics. */
  async test(module: LightningModule, loader: Loader): Promise<Record<string, number>[]> {
    let metrics: Record<string, number> = {};
    await this.run('test', module, async () => {
      metrics = await this.evaluate(module, 'test', loader);
    });
    return [metrics];
  }

  /** Returns `predictStep` (default `forward`) of every batch, in order, without gradients. */
  async predict(module: LightningModule, loader: Loader): Promise<unknown[]> {
    const predictions: unknown[] = [];
    await this.run('predict', module, async () => {
      const wasTraining = module.training;
      module.eval();
      const previous = isGradEnabled();
      setGradEnabled(false);
      try {
        await callHook(this, module, 'onPredictStart');
        let batchIdx = 0;
        for await (const [loaded, batch] of this.limited(loader, this.options.limitPredictBatches)) {
          const output = await inPrecision(this.precision, () =>
            module.predictStep ? module.predictStep(batch, batchIdx) : module.forward(Array.isArray(batch) ? batch[0] : batch),
          );
          predictions.push(output);
          await callHook(this, module, 'onPredictBatchEnd', output, batch, batchIdx);
          this.release(loader, loaded, batch, output);
          batchIdx++;
          await this.maybeYield();
        }
        await callHook(this, module, 'onPredictEnd');
      } finally {
        setGradEnabled(previous);
        module.train(wasTraining);
      }
    });
    return predictions;
  }

  /** Saves a checkpoint of the current fit to `file` (atomically), calling onSaveCheckpoint first. */
  async saveCheckpoint(file: string, module: LightningModule): Promise<void> {
    const checkpoint = dumpCheckpoint(this, module);
    await callHook(this, module, 'onSaveCheckpoint', checkpoint);
    await writeCheckpoint(checkpoint, file);
  }

  // ---- used by LightningModule.log and hooks.ts ---------------------------------------------

  /** @internal Records a value the module or a callback logged. */
  logValue(name: string, value: Loggable, options: LogOptions): void {
    if (!this.hook) throw new Error(`log('${name}'): logging is only allowed inside a step or a hook`);
    this.results.log(this.hook, name, value, options, this.currentBatchSize);
    for (const [key, number] of this.results.callbackMetrics) this.callbackMetrics.set(key, number);
    for (const [key, number] of this.results.progressBarMetrics) this.progressBarMetrics.set(key, number);
  }

  /** @internal Runs `fn` as hook `hook` (so that `log` knows where it is called from). */
  async running(hook: string, fn: () => unknown): Promise<void> {
    const outer = this.hook;
    this.hook = hook;
    try {
      await fn();
    } finally {
      this.hook = outer;
    }
  }

  /** @internal The training epoch accumulators, for a mid-epoch checkpoint. */
  trainResultsState(): Record<string, unknown> {
    return this.stage === 'fit' ? this.results.state() : {};
  }

  // ---- the loops ----------------------------------------------------------------------------

  private currentBatchSize: number | undefined;
  private nativeData: NativeLoopData | null = null;

  private nativeLoopFor(module: LightningModule, loader: Loader): NativeLoopData | null {
    if (this.options.nativeLoop === false) return null;
    const support = nativeLoopSupport(this, module, loader);
    if (typeof support !== 'string') return support;
    if (this.options.nativeLoop === true) throw new Error(`Trainer: nativeLoop is true, but ${support}`);
    return null;
  }

  private async run(stage: Stage, module: LightningModule, body: () => Promise<void>): Promise<void> {
    if (this.stage) throw new Error(`Trainer.${stage}: the trainer is already running ${this.stage}`);
    if (typeof module !== 'object' || module === null || typeof module.trainingStep !== 'function')
      throw new TypeError(`Trainer.${stage}: expected a LightningModule, got ${describeValue(module)}`);
    this.stage = stage;
    module.trainer = this;
    prepareModule(module, this.precision);
    this.channelsLastActive = applyChannelsLast(module, this.options.channelsLast);
    const deterministic = this.options.deterministic;
    if (deterministic) useDeterministicAlgorithms(true);
    const onSigint = () => this.onSigint();
    if (stage === 'fit') process.on('SIGINT', onSigint);
    let status: RunStatus = 'success';
    try {
      await body();
      if (this.fitState.stopReason === 'SIGINT') status = 'interrupted';
    } catch (error) {
      status = 'failed';
      await callCallbackHook(this, module, 'onException', error).catch(() => undefined);
      throw error;
    } finally {
      if (stage === 'fit') process.off('SIGINT', onSigint);
      if (deterministic) useDeterministicAlgorithms(false);
      for (const logger of this.loggers) {
        await logger.save();
        await logger.finalize(status);
      }
      module.trainer = null;
      this.stage = null;
      this.hook = null;
    }
  }

  private onSigint(): void {
    this.interrupts++;
    if (this.interrupts > 1) process.exit(130);
    this.requestStop('SIGINT');
  }

  private fitDone(): boolean {
    const { epoch, globalStep, shouldStop } = this.fitState;
    const { maxEpochs, maxSteps, minEpochs } = this.options;
    if (maxSteps !== -1 && globalStep >= maxSteps) return true;
    if (maxEpochs !== -1 && epoch >= maxEpochs) return true;
    return shouldStop && epoch >= minEpochs;
  }

  private configureOptimizers(module: LightningModule): void {
    const config: OptimizerConfig = module.configureOptimizers();
    const entries = (Array.isArray(config) ? config : [config]) as unknown[];
    this.optimizers = [];
    const schedulers: SchedulerConfig[] = [];
    for (const [i, entry] of entries.entries()) {
      if (entry instanceof Optimizer) {
        this.optimizers.push(entry);
        continue;
      }
      const { optimizer, lrScheduler } = (entry ?? {}) as { optimizer?: unknown; lrScheduler?: unknown };
      if (!(optimizer instanceof Optimizer))
        throw new TypeError(
          `configureOptimizers: entry ${i} must be an optimizer or { optimizer, lrScheduler }, got ${describeValue(entry)}`,
        );
      this.optimizers.push(optimizer);
      if (lrScheduler === undefined) continue;
      const scheduler = (
        typeof lrScheduler === 'object' && lrScheduler !== null && 'scheduler' in lrScheduler ? lrScheduler : { scheduler: lrScheduler }
      ) as SchedulerConfig;
      if (typeof scheduler.scheduler?.step !== 'function')
        throw new TypeError(
          `configureOptimizers: lrScheduler of entry ${i} must be a scheduler or { scheduler, interval, ... }, got ${describeValue(lrScheduler)}`,
        );
      const interval = scheduler.interval ?? 'epoch';
      if (interval !== 'epoch' && interval !== 'step')
        throw invalidOption('configureOptimizers', 'interval', "'epoch' or 'step'", interval);
      schedulers.push({
        ...scheduler,
        interval,
        frequency: check('configureOptimizers', 'frequency', scheduler.frequency ?? 1, 'a positive integer', isPositiveInteger),
      });
    }
    if (this.optimizers.length === 0) throw new Error('configureOptimizers returned no optimizer');
    this.schedulers = schedulers as ConfiguredScheduler[];
  }

  private async trainEpoch(
    module: LightningModule,
    loader: Loader,
    valLoader: Loader | null,
    resume: ReturnType<typeof restoreCheckpoint> | null,
  ): Promise<void> {
    const state = this.fitState;
    const generator = (loader as DataLoader<unknown, unknown>).generator;
    this.results = new ResultCollection();
    let skip = 0;
    if (resume && !resume.epochComplete && state.epochStart) {
      // Replay the epoch's start so the loader yields the same batches, then skip those already done.
      setRngState(state.epochStart.torchRng);
      if (generator && state.epochStart.loaderGenerator) generator.setState(state.epochStart.loaderGenerator);
      skip = state.batchesDone;
      this.results.loadState(resume.results);
    } else {
      if (resume) restoreRng(resume.rng);
      state.batchesDone = 0;
      state.epochStart = { torchRng: getRngState(), loaderGenerator: generator ? generator.getState() : null };
    }
    this.epochComplete = false;
    module.train();
    const total = lengthOf(loader);
    const limit = limitOf(this.options.limitTrainBatches, total);
    this.trainBatches = Number.isFinite(Math.min(total ?? Infinity, limit)) ? Math.min(total ?? Infinity, limit) : undefined;
    await callHook(this, module, 'onTrainEpochStart');
    const valEvery =
      this.options.valCheckInterval <= 1
        ? total === undefined
          ? undefined
          : Math.max(1, Math.floor(this.options.valCheckInterval * Math.min(total, limit)))
        : this.options.valCheckInterval;
    const plan: EpochPlan = { skip, limit, valEvery, lastBatch: Math.min(total ?? Infinity, limit) - 1, resume, valLoader };
    if (this.nativeData) await this.nativeTrainBatches(module, this.nativeData, plan);
    else await this.jsTrainBatches(module, loader, plan);
    const interrupted = this.fitState.stopReason === 'SIGINT' && state.batchesDone < Math.min(total ?? Infinity, limit);
    if (interrupted) {
      if (this.options.enableCheckpointing) await this.saveCheckpoint(path.join(this.checkpointDir, 'interrupted.ckpt'), module);
      return;
    }
    await this.logEpoch(this.endResults());
    const validateAtEnd = valLoader && (state.epoch + 1) % this.options.checkValEveryNEpoch === 0;
    if (validateAtEnd) await this.evaluate(module, 'validate', valLoader, true);
    for (const config of this.schedulers) {
      if (config.interval === 'epoch' && (state.epoch + 1) % config.frequency === 0) this.stepScheduler(config);
    }
    this.epochComplete = true;
    await callHook(this, module, 'onTrainEpochEnd');
    state.epoch += 1;
    state.batchesDone = 0;
    state.epochStart = null;
    this.epochComplete = false;
  }

  // The epoch's batches stepped from JS, one trainStep each.
  private async jsTrainBatches(module: LightningModule, loader: Loader, plan: EpochPlan): Promise<void> {
    const state = this.fitState;
    const accumulate = this.accumulateGradBatches;
    let batchIdx = 0;
    for await (const batch of loader as AsyncIterable<unknown>) {
      if (batchIdx >= plan.limit) break;
      if (batchIdx < plan.skip) {
        batchIdx++;
        if (batchIdx === plan.skip && plan.resume) restoreRng(plan.resume.rng);
        continue;
      }
      const stepNow = (batchIdx + 1) % accumulate === 0 || batchIdx === plan.lastBatch;
      const moved = transferBatch(batch, this.precision);
      const output = await this.trainStep(module, moved, batchIdx, stepNow);
      this.release(loader, batch, moved, output);
      state.batchesDone = batchIdx + 1;
      if (this.validatesAfter(batchIdx, plan)) await this.evaluate(module, 'validate', plan.valLoader!, true);
      batchIdx++;
      await this.maybeYield();
      if (this.stopsEpoch()) break;
    }
  }

  // The epoch's batches in C++ (lib/train/native-loop.ts), in chunks that end where JS must act
  // between two batches: validation, a per-step scheduler step, maxSteps.
  private async nativeTrainBatches(module: LightningModule, data: NativeLoopData, plan: EpochPlan): Promise<void> {
    const state = this.fitState;
    // Pulled batch by batch as the JS loop pulls them, so the sampler draws at the same points.
    const order = data.loader.epochIndices();
    const pull = (count: number): number[][] => {
      const batches: number[][] = [];
      while (batches.length < count) {
        const next = order.next();
        if (next.done) break;
        batches.push(next.value);
      }
      return batches;
    };
    pull(plan.skip);
    const end = Math.min(data.loader.length, plan.limit);
    if (plan.skip > 0 && plan.resume) restoreRng(plan.resume.rng);
    const clip = this.options.gradientClipVal === undefined ? 'none' : this.options.gradientClipAlgorithm;
    const settings = { accumulate: this.accumulateGradBatches, clip, clipValue: this.options.gradientClipVal ?? 0 } as const;
    let batchIdx = plan.skip;
    while (batchIdx < end) {
      const stepAfter: boolean[] = [];
      let steps = state.globalStep;
      for (let b = batchIdx; b < end; b++) {
        const stepNow = (b + 1) % settings.accumulate === 0 || b === plan.lastBatch;
        stepAfter.push(stepNow);
        if (stepNow) steps++;
        const schedulerDue = stepNow && this.schedulers.some((c) => c.interval === 'step' && steps % c.frequency === 0);
        const maxStepsDue = stepNow && this.options.maxSteps !== -1 && steps >= this.options.maxSteps;
        if (this.validatesAfter(b, plan) || schedulerDue || maxStepsDue) break;
      }
      const chunkEnd = batchIdx + stepAfter.length;
      let last: BatchReport | null = null;
      const onBatch = async (report: BatchReport): Promise<void> => {
        this.currentBatchSize = report.batchSize;
        await this.running('trainingStep', () => (module as SupervisedModule).logTrainLoss(report.loss));
        if (report.batchIdx === chunkEnd - 1) {
          last = report; // its scheduler step waits until the worker has given the optimizer back
          return;
        }
        await this.afterNativeBatch(module, report);
      };
      try {
        const ran = await runNativeChunk(data, pull(stepAfter.length), stepAfter, batchIdx, settings, onBatch, () => this.stopsEpoch());
        if (last) await this.afterNativeBatch(module, last);
        batchIdx += ran;
      } catch (error) {
        const at = (error as { nativeBatchIdx?: number }).nativeBatchIdx ?? batchIdx;
        throw withPlace(error, `Trainer.fit: epoch ${state.epoch}, batch ${at}`);
      }
      if (batchIdx === chunkEnd && this.validatesAfter(chunkEnd - 1, plan)) await this.evaluate(module, 'validate', plan.valLoader!, true);
      await this.maybeYield();
      if (this.stopsEpoch() || batchIdx < chunkEnd) return;
    }
    pull(1); // the JS loop's last pull: the batch past the limit, or the end of the epoch
  }

  private async afterNativeBatch(module: LightningModule, report: BatchReport): Promise<void> {
    if (report.stepped) await this.afterOptimizerStep();
    await callHook(this, module, 'onTrainBatchEnd', { loss: report.loss }, null, report.batchIdx);
    this.fitState.batchesDone = report.batchIdx + 1;
  }

  // Validation inside the epoch (valCheckInterval) after batch `batchIdx`.
  private validatesAfter(batchIdx: number, plan: EpochPlan): boolean {
    return (
      plan.valLoader !== null &&
      plan.valEvery !== undefined &&
      (batchIdx + 1) % plan.valEvery === 0 &&
      batchIdx !== plan.lastBatch &&
      (this.fitState.epoch + 1) % this.options.checkValEveryNEpoch === 0
    );
  }

  // Whether the epoch ends early: a stop request (once minEpochs are done) or maxSteps reached.
  private stopsEpoch(): boolean {
    const state = this.fitState;
    if (state.shouldStop && state.epoch >= this.options.minEpochs) return true;
    return this.options.maxSteps !== -1 && state.globalStep >= this.options.maxSteps;
  }

  // The counters, per-step schedulers and step logging after an optimizer step.
  private async afterOptimizerStep(): Promise<void> {
    const state = this.fitState;
    state.globalStep += 1;
    for (const config of this.schedulers) {
      if (config.interval === 'step' && state.globalStep % config.frequency === 0) this.stepScheduler(config);
    }
    if (state.globalStep % this.options.logEveryNSteps === 0) await this.logStep();
  }

  // Returns what trainingStep returned.
  private async trainStep(module: LightningModule, batch: unknown, batchIdx: number, stepNow: boolean): Promise<StepOutput | undefined> {
    const state = this.fitState;
    this.currentBatchSize = batchSizeOf(batch);
    try {
      await callHook(this, module, 'onTrainBatchStart', batch, batchIdx);
      let output: StepOutput | undefined;
      await this.running('trainingStep', async () => {
        output = await inPrecision(this.precision, () => module.trainingStep(batch, batchIdx));
      });
      const loss = lossOf(output);
      if (this.options.detectAnomaly && !Number.isFinite(loss.item()))
        throw new Error(`the training loss is ${loss.item()} (detectAnomaly is on)`);
      const scaled = this.accumulateGradBatches > 1 ? loss.div(this.accumulateGradBatches) : loss;
      await callHook(this, module, 'onBeforeBackward', scaled);
      const forBackward = this.scaler ? this.scaler.scale(scaled) : scaled;
      forBackward.backward();
      if (forBackward !== scaled) forBackward.dispose();
      if (scaled !== loss) scaled.dispose();
      await callHook(this, module, 'onAfterBackward');
      if (stepNow) {
        for (const optimizer of this.optimizers) {
          this.scaler?.unscale_(optimizer); // clipping and the hooks see true gradients
          this.clipGradients(optimizer);
          await callHook(this, module, 'onBeforeOptimizerStep', optimizer);
          if (this.scaler) this.scaler.step(optimizer);
          else optimizer.step();
          await callHook(this, module, 'onBeforeZeroGrad', optimizer);
          optimizer.zeroGrad();
        }
        this.scaler?.update();
        await this.afterOptimizerStep();
      }
      await callHook(this, module, 'onTrainBatchEnd', output, batch, batchIdx);
      return output;
    } catch (error) {
      throw withPlace(error, `Trainer.fit: epoch ${state.epoch}, batch ${batchIdx}`);
    }
  }

  private clipGradients(optimizer: Optimizer): void {
    const value = this.options.gradientClipVal;
    if (value === undefined) return;
    const params = optimizer.paramGroups.flatMap((group) => group.params);
    if (this.options.gradientClipAlgorithm === 'norm') clipGradNorm_(params, value);
    else clipGradValue_(params, value);
  }

  private stepScheduler(config: SchedulerConfig): void {
    if (config.monitor === undefined) {
      config.scheduler.step();
      return;
    }
    const value = this.callbackMetrics.get(config.monitor);
    if (value === undefined)
      throw new Error(
        `LR scheduler monitor '${config.monitor}' was never logged; logged keys: ${[...this.callbackMetrics.keys()].join(', ') || 'none'}`,
      );
    config.scheduler.step(value);
  }

  private async evaluate(
    module: LightningModule,
    stage: 'validate' | 'test',
    loader: Loader,
    duringFit = false,
  ): Promise<Record<string, number>> {
    const step = stage === 'validate' ? module.validationStep?.bind(module) : module.testStep?.bind(module);
    const name = stage === 'validate' ? 'Validation' : 'Test';
    if (typeof step !== 'function') {
      if (duringFit) return {};
      throw new Error(`Trainer.${stage}: ${module.constructor.name} has no ${stage === 'validate' ? 'validationStep' : 'testStep'}`);
    }
    const outer = this.results;
    this.results = new ResultCollection();
    const wasTraining = module.training;
    module.eval();
    const previous = isGradEnabled();
    setGradEnabled(false);
    try {
      await callHook(this, module, `on${name}Start` as HookName);
      await callHook(this, module, `on${name}EpochStart` as HookName);
      let batchIdx = 0;
      const limit = stage === 'validate' ? this.options.limitValBatches : this.options.limitTestBatches;
      for await (const [loaded, batch] of this.limited(loader, limit)) {
        this.currentBatchSize = batchSizeOf(batch);
        await callHook(this, module, `on${name}BatchStart` as HookName, batch, batchIdx);
        let output: unknown;
        await this.running(stage === 'validate' ? 'validationStep' : 'testStep', async () => {
          output = await inPrecision(this.precision, () => step(batch, batchIdx));
        });
        await callHook(this, module, `on${name}BatchEnd` as HookName, output, batch, batchIdx);
        this.release(loader, loaded, batch, output);
        batchIdx++;
        await this.maybeYield();
      }
      const metrics = this.endResults();
      await callHook(this, module, `on${name}EpochEnd` as HookName);
      await callHook(this, module, `on${name}End` as HookName);
      await this.logEpoch(metrics);
      return Object.fromEntries(metrics);
    } catch (error) {
      throw withPlace(error, `Trainer.${stage}`);
    } finally {
      setGradEnabled(previous);
      module.train(wasTraining);
      this.results = outer;
    }
  }

  // Reduces the running loop's epoch values and makes them known to callbacks and the progress bar.
  private endResults(): Map<string, number> {
    const metrics = this.results.endEpoch();
    for (const [key, value] of this.results.callbackMetrics) this.callbackMetrics.set(key, value);
    for (const [key, value] of this.results.progressBarMetrics) this.progressBarMetrics.set(key, value);
    return metrics;
  }

  // Each batch as loaded and as moved to the device and precision.
  private async *limited(loader: Loader, limit: number): AsyncGenerator<[unknown, unknown]> {
    const count = limitOf(limit, lengthOf(loader));
    let i = 0;
    for await (const batch of loader as AsyncIterable<unknown>) {
      if (i++ >= count) break;
      yield [batch, transferBatch(batch, this.precision)];
    }
  }

  // Frees a step's batch when this trainer pulled it from a DataLoader itself (section 10 of
  // docs/performance.md); batches from any other iterable are the user's.
  private release(loader: Loader, loaded: unknown, moved: unknown, output: unknown): void {
    if (!this.options.keepBatches && loader instanceof DataLoader) releaseBatch(loaded, moved, output);
  }

  private async logStep(): Promise<void> {
    const values = this.results.takeStepValues();
    if (values.size === 0) return;
    for (const logger of this.loggers) await logger.logMetrics(Object.fromEntries(values), this.fitState.globalStep);
  }

  private async logEpoch(values: Map<string, number>): Promise<void> {
    await this.logStep();
    if (values.size === 0) return;
    const metrics = { ...Object.fromEntries(values), epoch: this.fitState.epoch };
    for (const logger of this.loggers) await logger.logMetrics(metrics, this.fitState.globalStep);
  }

  private async logHyperparams(module: LightningModule): Promise<void> {
    if (this.loggers.length === 0) return;
    const params = { ...module.hparams, _run: runInfo() };
    for (const logger of this.loggers) await logger.logHyperparams(params);
  }

  private async maybeYield(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < YIELD_AFTER_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastYield = performance.now();
  }
}

function lossOf(output: unknown): Tensor {
  const loss =
    output instanceof Tensor ? output : typeof output === 'object' && output !== null ? (output as { loss?: unknown }).loss : undefined;
  if (!(loss instanceof Tensor)) throw new TypeError(`trainingStep must return the loss tensor or { loss }, got ${describeValue(output)}`);
  if (loss.shape.length !== 0 && loss.shape.reduce((n, d) => n * d, 1) !== 1)
    throw new TypeError(`trainingStep must return a scalar loss, got a tensor of shape [${loss.shape}]`);
  if (!loss.requiresGrad)
    throw new TypeError('trainingStep returned a loss that does not require grad (computed under noGrad, or detached?)');
  return loss;
}

function batchSizeOf(batch: unknown): number | undefined {
  if (batch instanceof Tensor) return batch.shape[0];
  if (Array.isArray(batch)) for (const item of batch) if (item instanceof Tensor) return item.shape[0];
  if (typeof batch === 'object' && batch !== null)
    for (const item of Object.values(batch)) if (item instanceof Tensor) return item.shape[0];
  return undefined;
}

function lengthOf(loader: Loader): number | undefined {
  const length = (loader as { length?: unknown }).length;
  return typeof length === 'number' && Number.isFinite(length) ? length : undefined;
}

function limitOf(limit: number, total: number | undefined): number {
  if (limit > 1) return limit;
  if (total === undefined) return Infinity; // a fraction of an unknown length: every batch
  return Math.max(1, Math.floor(limit * total));
}

function withPlace(error: unknown, place: string): Error {
  if (error instanceof Error) {
    if (!error.message.startsWith('Trainer.')) error.message = `${place}: ${error.message}`;
    return error;
  }
  return new Error(`${place}: ${String(error)}`, { cause: error });
}

function profilerOf(option: TrainerOptions['profiler']): PyTorchProfiler | null {
  if (option === undefined) return null;
  if (option === 'pytorch') return new PyTorchProfiler();
  if (option instanceof PyTorchProfiler) return option;
  throw invalidOption('Trainer', 'profiler', "'pytorch' or a PyTorchProfiler", option);
}
