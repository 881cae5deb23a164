/**
 * The main thread's side of one DataLoader worker thread: starting it (with a TypeScript loader when
 * the code it must import is TypeScript), sending batch requests and settling their promises.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { modulesOf } from './recipe.js';
import type { SerializedError, WorkerReply, WorkerSetup } from './worker-protocol.js';

/** A batch (or the end of an iterable dataset's stream) as a worker delivered it, still packed. */
export type TaskResult = { end: false; data: unknown } | { end: true };

/** An error raised inside a DataLoader worker, or the worker failing; the message keeps the original one. */
export class DataLoaderWorkerError extends Error {
  /** The error's message, the failing worker, the batch it was making, and the original error as `cause`. */
  constructor(
    message: string,
    /** The worker that failed. */
    readonly workerId: number,
    /** The batch being made (its position in the epoch), or null when the worker failed to start or died. */
    readonly batchIndex: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DataLoaderWorkerError';
  }
}

function rebuild(error: SerializedError): Error {
  const original = new Error(error.message);
  original.name = error.name;
  if (error.stack) original.stack = error.stack;
  return original;
}

// The worker entry point: worker.ts beside this file when running from source (tsx), and
// data-worker.js beside the bundle's index.js in the published package.
function workerEntry(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./worker.ts', import.meta.url) : new URL('./data-worker.js', import.meta.url);
}

const TYPESCRIPT = /\.[cm]?tsx?$/;

// tsx's ESM API, so that a worker can import TypeScript: worker threads do not inherit the main
// thread's `--import tsx` module hooks. Found through tsx's package.json (its CommonJS build of the
// API cannot register the hooks from a worker).
function typescriptLoader(): string {
  for (const base of [import.meta.url, pathToFileURL(path.join(process.cwd(), 'package.json')).href]) {
    try {
      const manifestPath = createRequire(base).resolve('tsx/package.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
      return pathToFileURL(path.join(path.dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
    } catch {
      // try the next place
    }
  }
  throw new Error(
    'DataLoader workers must import TypeScript modules but the tsx package cannot be found; install tsx or use JavaScript modules',
  );
}

// Runs in the new thread (as CommonJS or, under --input-type=module, as ESM: so only import()):
// installs the TypeScript loader if asked, then imports the entry point.
const BOOTSTRAP = `
import('node:worker_threads').then(async ({ workerData, parentPort }) => {
  try {
    if (workerData.typescript) (await import(workerData.typescript)).register();
    await import(workerData.entry);
  } catch (error) {
    parentPort.postMessage({ type: 'error', task: null, error: { name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: error?.stack } });
  }
});
`;

interface Pending {
  /** The batch's position in the epoch (what errors report). */
  task: number;
  resolve(result: TaskResult): void;
  reject(error: Error): void;
}

/** One worker thread and its outstanding requests. */
export class WorkerLink {
  readonly id: number;
  private readonly worker: Worker;
  /** Outstanding requests by wire number, which grows over the worker's life (see FetchRequest). */
  private readonly pending = new Map<number, Pending>();
  private nextWire = 0;
  private failure: Error | null = null;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(setup: WorkerSetup) {
    this.id = setup.id;
    const entry = workerEntry().href;
    const modules = [entry, ...modulesOf([setup.dataset, setup.collate, setup.init])];
    const typescript = modules.some((module) => TYPESCRIPT.test(module)) ? typescriptLoader() : null;
    this.worker = new Worker(BOOTSTRAP, { eval: true, workerData: { setup, entry, typescript }, name: `DataLoader worker ${setup.id}` });
    // Idle workers never keep the process alive; see ref().
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.receive(reply));
    // A reply the main thread cannot deserialize never arrives as a message: fail its requests instead of waiting forever.
    this.worker.on('messageerror', (error) =>
      this.fail(
        new DataLoaderWorkerError(
          `DataLoader worker ${this.id} sent a reply that could not be deserialized: ${error.message}`,
          this.id,
          null,
          {
            cause: error,
          },
        ),
      ),
    );
    this.worker.on('error', (error) =>
      this.fail(new DataLoaderWorkerError(`DataLoader worker ${this.id} crashed: ${error.message}`, this.id, null, { cause: error })),
    );
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        if (!this.closing)
          this.fail(new DataLoaderWorkerError(`DataLoader worker ${this.id} exited unexpectedly with code ${code}`, this.id, null));
        resolve();
      });
    });
  }

  /** Asks for the batch at `indices` (null: the next batch of an iterable dataset), batch `task` of the epoch. */
  request(task: number, indices: number[] | number | null): Promise<TaskResult> {
    const wire = this.nextWire++;
    const result = new Promise<TaskResult>((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.pending.set(wire, { task, resolve, reject });
    });
    // The consumer may stop before awaiting this task; its rejection must not be reported as unhandled.
    result.catch(() => {});
    if (!this.failure) this.worker.postMessage({ type: 'fetch', task: wire, indices });
    return result;
  }

  /** Whether the worker has failed (crashed, exited, or could not start); a failed worker is not reused. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Ends an epoch of a persistent worker: the replies to requests still outstanding will be dropped. */
  abandon(): void {
    this.pending.clear();
  }

  /** Starts another epoch on a persistent worker (an iterable dataset starts over). */
  startEpoch(): void {
    if (!this.failure) this.worker.postMessage({ type: 'epoch' });
  }

  /** Keeps the process alive while the consumer waits for this worker. */
  ref(): void {
    this.worker.ref();
  }

  unref(): void {
    this.worker.unref();
  }

  /**
   * Ends the thread; outstanding requests are abandoned. The worker is asked to finish its current
   * requests and exit by itself, and terminated only if it has not done so within `graceMs`:
   * stopping a thread while it runs LibTorch code through the addon can abort the process.
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    // An iteration still waiting (a persistent worker closed mid-epoch) gets an error, not a hang.
    this.fail(new DataLoaderWorkerError(`DataLoader worker ${this.id} was closed`, this.id, null));
    this.worker.postMessage({ type: 'close' });
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
    });
    const stuck = await Promise.race([this.exited.then(() => false), gaveUp]);
    clearTimeout(timer);
    if (stuck) await this.worker.terminate();
  }

  private receive(reply: WorkerReply): void {
    if (reply.type === 'error' && reply.task === null) {
      this.fail(
        new DataLoaderWorkerError(`DataLoader worker ${this.id} failed to start: ${reply.error.message}`, this.id, null, {
          cause: rebuild(reply.error),
        }),
      );
      return;
    }
    const waiting = this.pending.get(reply.task!);
    if (!waiting) return; // a reply to an abandoned request
    this.pending.delete(reply.task!);
    if (reply.type === 'batch') waiting.resolve({ end: false, data: reply.data });
    else if (reply.type === 'end') waiting.resolve({ end: true });
    else {
      const message = `DataLoader worker ${this.id} failed on batch ${waiting.task}: ${reply.error.message}`;
      waiting.reject(new DataLoaderWorkerError(message, this.id, waiting.task, { cause: rebuild(reply.error) }));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
