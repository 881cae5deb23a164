/**
 * Registration, loading, workers and unregistration of models, shared by the three APIs. A model
 * that fails to load at startup stays listed as failed (so /ping answers Unhealthy and its
 * predictions 503); one that fails to load through the management API is not registered.
 * @module
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../io/atomic.js';
import type { ModelSignature } from '../jit/signature.js';
import { flattenTensors } from '../jit/signature.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ModelSettings, ServeConfig } from './config.js';
import { badRequest, ServeError } from './errors.js';
import { BUILT_IN_HANDLERS, DEFAULT_HANDLER, type HandlerContext, type HandlerTable } from './handlers/index.js';
import { loadModelFile, type LoadedModel, type ModelBuilder } from './load-model.js';
import { readArchive } from './mar.js';
import type { ServeMetrics } from './metrics.js';
import { modelNameOf, resolveInStore } from './model-store.js';
import { ModelRunner, type Forward } from './model-runner.js';
import { ModelRegistry } from './registry.js';

/** A registered model version. */
export interface ModelEntry {
  name: string;
  version: string;
  /** The URL or store name it was registered from. */
  url: string;
  status: 'loading' | 'ready' | 'failed';
  /** Why loading failed. */
  error?: string;
  model?: LoadedModel;
  runner?: ModelRunner;
  context?: HandlerContext;
  minWorkers: number;
  maxWorkers: number;
  batchSize: number;
  maxBatchDelay: number;
  responseTimeout: number;
  loadedAtStartup: boolean;
  loadSeconds: number | null;
  /** A file downloaded into the store for this model (removed when it is unregistered). */
  downloaded?: string;
}

/** A registration, from the command line, config or the management API. */
export interface RegisterRequest {
  url: string;
  modelName?: string;
  version?: string;
  handler?: string;
  batchSize?: number;
  maxBatchDelay?: number;
  initialWorkers?: number;
  responseTimeout?: number;
  loadedAtStartup?: boolean;
  signature?: ModelSignature;
}

/** Options the manager takes from createServer. */
export interface ManagerOptions {
  /** Handlers by name: objects, or module paths imported when a model uses them (a model named like one uses it by default). */
  handlers?: HandlerTable;
  buildModel?: ModelBuilder;
  /** Signatures by model name for files that carry none. */
  signatures?: Readonly<Record<string, ModelSignature>>;
}

/** The largest model file a registration downloads (2 GiB). */
const MAX_DOWNLOAD = 2 ** 31 - 1;

/** The models of a server. */
export class ModelManager {
  /** Registered models. */
  readonly registry = new ModelRegistry<ModelEntry>();
  private metrics: ServeMetrics | null = null;

  /**
   * A manager with no models yet.
   * @param config The server's settings.
   * @param options Handlers, the checkpoint model builder and signatures.
   */
  constructor(
    readonly config: ServeConfig,
    private readonly options: ManagerOptions = {},
  ) {}

  /** Connects the metrics batches are recorded in. */
  attachMetrics(metrics: ServeMetrics): void {
    this.metrics = metrics;
  }

  /** Whether every model has its minimum of workers (false when one failed to load). */
  healthy(): boolean {
    return [...this.registry.entries()].every((e) =>
      e.status === 'failed' ? e.minWorkers === 0 : e.status === 'loading' || (e.runner?.workerCount ?? 0) >= e.minWorkers,
    );
  }

  /** Where a registration URL points: a store file, or a file downloaded into the store. */
  private async locate(url: string): Promise<{ file: string; downloaded?: string }> {
    const allowed = this.config.allowedUrls.some((pattern) => pattern.test(url));
    if (/^https?:\/\//i.test(url)) {
      if (!allowed) throw badRequest(`Given URL ${url} does not match any allowed URL(s)`);
      return this.download(url);
    }
    if (/^file:\/\//i.test(url)) {
      if (!allowed) throw badRequest(`Given URL ${url} does not match any allowed URL(s)`);
      const file = fileURLToPath(url);
      if (!existsSync(file)) throw new ServeError(404, 'ModelNotFoundException', `Model not found at url: ${url}`);
      return { file };
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw badRequest(`Given URL ${url} does not match any allowed URL(s)`);
    return { file: resolveInStore(this.config.modelStore, url) };
  }

  private async download(url: string): Promise<{ file: string; downloaded: string }> {
    if (!this.config.modelStore) throw badRequest('Registering from a URL needs a model store to download into (start with --model-store)');
    const name = path.basename(new URL(url).pathname);
    if (!name || name === '..' || name.startsWith('.')) throw badRequest(`Cannot name a model file after url: ${url}`);
    const file = path.join(this.config.modelStore, name);
    if (existsSync(file)) throw new ServeError(409, 'ConflictStatusException', `Model file already exists in the model store: ${name}`);
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'error' });
    } catch (error) {
      throw badRequest(`Failed to download model from: ${url}: ${(error as Error).message}`);
    }
    if (!response.ok)
      throw new ServeError(400, 'DownloadArchiveException', `Failed to download model from: ${url}, code: ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > MAX_DOWNLOAD) throw badRequest(`The model at ${url} is larger than ${MAX_DOWNLOAD} bytes`);
    await writeFileAtomic(file, bytes);
    return { file, downloaded: file };
  }

  private settingsFor(name: string, version: string): ModelSettings {
    const byVersion = this.config.models[name];
    return { ...(byVersion?.['*'] ?? {}), ...(byVersion?.[version] ?? {}) };
  }

  /**
   * Registers a model. With `wait` false the name is reserved and loading continues in the
   * background (the entry shows 'loading' until it is ready or removed).
   */
  async register(request: RegisterRequest, wait = true): Promise<ModelEntry> {
    const { file, downloaded } = await this.locate(request.url);
    let archive: { name?: string; version?: string } = {};
    try {
      if (path.extname(file).toLowerCase() === '.mar') {
        const { manifest } = await readArchive(file);
        archive = { name: manifest.model.modelName, version: manifest.model.modelVersion };
      }
    } catch (error) {
      if (downloaded) await rm(downloaded, { force: true });
      throw badRequest((error as Error).message);
    }
    const name = request.modelName ?? archive.name ?? modelNameOf(file);
    const version = request.version ?? (archive.version !== undefined ? String(archive.version) : '1.0');
    if (!/^[A-Za-z0-9][A-Za-z0-9_\-.]*$/.test(name))
      throw badRequest(`Invalid model name: ${name} (letters, digits, '_', '-' and '.', starting with a letter or digit)`);
    const own = this.settingsFor(name, version);
    const workers = request.initialWorkers ?? own.minWorkers ?? (request.loadedAtStartup ? this.config.defaultWorkersPerModel : 0);
    const entry: ModelEntry = {
      name,
      version,
      url: request.url,
      status: 'loading',
      minWorkers: workers,
      maxWorkers: workers,
      batchSize: request.batchSize ?? own.batchSize ?? this.config.batchSize,
      maxBatchDelay: request.maxBatchDelay ?? own.maxBatchDelay ?? this.config.maxBatchDelay,
      responseTimeout: request.responseTimeout ?? own.responseTimeout ?? this.config.defaultResponseTimeout,
      loadedAtStartup: request.loadedAtStartup ?? false,
      loadSeconds: null,
      ...(downloaded ? { downloaded } : {}),
    };
    try {
      this.registry.add(name, version, entry);
    } catch (error) {
      if (downloaded) await rm(downloaded, { force: true });
      throw error;
    }
    const loading = this.load(entry, file, request);
    if (!wait) {
      loading.catch(() => undefined);
      return entry;
    }
    await loading;
    return entry;
  }

  private async load(entry: ModelEntry, file: string, request: RegisterRequest): Promise<void> {
    const started = performance.now();
    try {
      const own = this.settingsFor(entry.name, entry.version);
      const signature = request.signature ?? this.options.signatures?.[entry.name] ?? own.signature;
      const handler = request.handler ?? own.handler;
      const handlers = this.options.handlers;
      const model = await loadModelFile(file, {
        ...(signature ? { signature } : {}),
        ...(handler ? { handler } : {}),
        // `--handler mlp=mlp.mjs` serves model mlp unless its archive or settings name another.
        ...(handlers && Object.hasOwn(handlers, entry.name) ? { defaultHandler: entry.name } : {}),
        ...(handlers ? { handlers } : {}),
        modelStore: this.config.modelStore,
        ...(this.options.buildModel ? { buildModel: this.options.buildModel } : {}),
      });
      entry.model = model;
      entry.context = {
        modelName: entry.name,
        modelVersion: entry.version,
        signature: model.signature,
        classNames: model.classNames,
        base: BUILT_IN_HANDLERS[DEFAULT_HANDLER]!,
      };
      entry.runner = new ModelRunner(
        entry.name,
        this.forwardOf(model, entry.context),
        {
          batchSize: entry.batchSize,
          maxBatchDelay: entry.maxBatchDelay,
          jobQueueSize: this.config.jobQueueSize,
          responseTimeout: entry.responseTimeout,
          queueFullStatus: this.config.queueFullStatus,
        },
        { onBatch: (size, jobs) => this.metrics?.recordBatch(entry.name, entry.version, size, jobs) },
      );
      await entry.runner.scale(entry.minWorkers);
      entry.loadSeconds = (performance.now() - started) / 1000;
      entry.status = 'ready';
    } catch (error) {
      entry.status = 'failed';
      entry.error = (error as Error).message;
      if (!entry.loadedAtStartup) {
        if (this.registry.has(entry.name, entry.version)) this.removeEntry(entry);
        if (entry.downloaded) await rm(entry.downloaded, { force: true });
        throw error instanceof ServeError ? error : badRequest(`Failed to load model ${entry.name}: ${(error as Error).message}`);
      }
    }
  }

  private forwardOf(model: LoadedModel, context: HandlerContext): Forward {
    const forward: Forward = async (inputs) => flattenTensors(await model.module.forwardAsync(...inputs));
    const { handler } = model;
    return handler.inference ? (inputs) => handler.inference!(inputs, forward, context) : forward;
  }

  private removeEntry(entry: ModelEntry): void {
    const isDefault = this.registry.defaultVersion(entry.name) === entry.version;
    if (isDefault && this.registry.versionsOf(entry.name).length > 1) {
      const other = this.registry.versionsOf(entry.name).find((e) => e !== entry)!;
      this.registry.setDefault(entry.name, other.version);
    }
    this.registry.remove(entry.name, entry.version);
  }

  /** A ready model's runner, or 503 with TorchServe's message (failed, loading, or no worker). */
  runnerOf(entry: ModelEntry): ModelRunner {
    if (entry.status !== 'ready' || !entry.runner) throw new ServeError(503, 'ServiceUnavailableException', noWorkerMessage(entry.name));
    return entry.runner;
  }

  /** Runs one request's inputs through the model's queue and batcher. */
  infer(entry: ModelEntry, inputs: Tensor[], requestedVersion: string | undefined): Promise<Tensor[]> {
    return this.runnerOf(entry).submit(inputs, requestedVersion ?? 'default');
  }

  /** Scales a model version's workers; `wait` false returns before the workers have changed. */
  async scale(entry: ModelEntry, minWorkers: number, maxWorkers: number, wait: boolean): Promise<void> {
    entry.minWorkers = minWorkers;
    entry.maxWorkers = maxWorkers;
    const scaling = entry.runner ? entry.runner.scale(minWorkers) : Promise.resolve();
    if (wait) await scaling;
  }

  /** Unregisters a version (the default one when none is given), finishing its running jobs first. */
  async unregister(name: string, version?: string): Promise<void> {
    const entry = this.registry.remove(name, version);
    await entry.runner?.scale(0);
    entry.model?.module.dispose();
    if (entry.downloaded) await rm(entry.downloaded, { force: true });
  }

  /** Waits until no model has queued or running jobs. */
  async drain(): Promise<void> {
    await Promise.all([...this.registry.entries()].map((entry) => entry.runner?.drain() ?? Promise.resolve()));
  }

  /** Stops every model's workers and frees the modules. */
  async closeAll(): Promise<void> {
    for (const entry of [...this.registry.entries()]) {
      await entry.runner?.scale(0);
      entry.model?.module.dispose();
    }
  }
}

function noWorkerMessage(model: string): string {
  return `Model "${model}" has no worker to serve inference request. Please use scale workers API to add workers.`;
}
