/**
 * One model version's queue and workers, with TorchServe's batching: a free worker waits for the
 * first job, then keeps taking jobs until it has `batchSize` of them or `maxBatchDelay` ms have
 * passed since the first, and runs them as one forward. Only one worker collects at a time (as
 * TorchServe's batch aggregator), so a burst fills one batch instead of spreading over idle
 * workers. The worker count is how many forwards run at once; each forward runs on the libuv thread
 * pool, never on the event loop. Jobs whose inputs cannot be concatenated (other dtypes or
 * sample shapes) run in their own forward within the batch.
 * @module
 */
import { isGradEnabled, setGradEnabled } from '../tensor/autograd.js';
import { cat } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { noWorker, requestTimedOut, ServeError } from './errors.js';

/** Runs the model on a batch of inputs; outputs as a flat list of tensors. */
export type Forward = (inputs: Tensor[]) => Promise<Tensor[]>;

/** A runner's settings (TorchServe's names in camelCase). */
export interface RunnerSettings {
  batchSize: number;
  /** Milliseconds. */
  maxBatchDelay: number;
  jobQueueSize: number;
  /** Seconds. */
  responseTimeout: number;
  queueFullStatus: 503 | 429;
}

/** What a runner reports for metrics. */
export interface RunnerEvents {
  /** A batch started: its size, and each job's tag and time in the queue (microseconds). */
  onBatch?(size: number, jobs: { tag: string; queueMicros: number }[]): void;
}

/** A worker as the management API describes it. */
export interface WorkerInfo {
  id: number;
  startTime: string;
  status: 'READY';
  busy: boolean;
}

interface Job {
  inputs: Tensor[];
  rows: number;
  enqueuedAt: bigint;
  tag: string;
  resolve(outputs: Tensor[]): void;
  reject(error: unknown): void;
  done: boolean;
  timer: NodeJS.Timeout;
}

interface Worker {
  info: WorkerInfo;
  busy: boolean;
  retiring: boolean;
  retired?: () => void;
}

let nextWorkerId = 9000; // TorchServe numbers its workers from 9000

/** Queue, workers and batching for one model version. */
export class ModelRunner {
  private readonly queue: Job[] = [];
  private readonly workers: Worker[] = [];
  private collecting = false;
  private wakeCollector: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];

  /**
   * A runner with no workers yet (see {@link ModelRunner.scale}).
   * @param name The model's name, for messages.
   * @param forward Runs the model (off the event loop).
   * @param settings Batching, queue and timeout settings.
   * @param events Metric hooks.
   */
  constructor(
    readonly name: string,
    private readonly forward: Forward,
    readonly settings: RunnerSettings,
    private readonly events: RunnerEvents = {},
  ) {}

  /** Jobs waiting for a worker. */
  get pending(): number {
    return this.queue.length;
  }

  /** Workers that take jobs (those retiring after their batch are not counted). */
  get workerCount(): number {
    return this.workers.filter((w) => !w.retiring).length;
  }

  /** The workers as the management API lists them. */
  describeWorkers(): WorkerInfo[] {
    return this.workers.filter((w) => !w.retiring).map((w) => ({ ...w.info, busy: w.busy }));
  }

  /** Sets the worker count; resolves once removed workers have finished their batch. */
  async scale(count: number): Promise<void> {
    const active = this.workers.filter((w) => !w.retiring);
    for (let i = active.length; i < count; i++)
      this.workers.push({
        info: { id: nextWorkerId++, startTime: new Date().toISOString(), status: 'READY', busy: false },
        busy: false,
        retiring: false,
      });
    const retiring = active.slice(count);
    const waits = retiring.map((worker) => {
      worker.retiring = true;
      if (!worker.busy) {
        this.removeWorker(worker);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => (worker.retired = resolve));
    });
    if (this.workerCount === 0) this.failQueued();
    this.dispatch();
    await Promise.all(waits);
  }

  /**
   * Queues one request's inputs (each with its rows along dimension 0); resolves with its rows of
   * each output. Refused at once with 503 (or 429) when the queue is full or there is no worker.
   * `tag` comes back in {@link RunnerEvents.onBatch} (the metrics' version label).
   */
  submit(inputs: Tensor[], tag = ''): Promise<Tensor[]> {
    if (this.workerCount === 0 || this.queue.length >= this.settings.jobQueueSize)
      return Promise.reject(noWorker(this.name, this.settings.queueFullStatus));
    return new Promise<Tensor[]>((resolve, reject) => {
      const job: Job = {
        inputs,
        rows: inputs[0]?.shape[0] ?? 1,
        enqueuedAt: process.hrtime.bigint(),
        tag,
        resolve,
        reject,
        done: false,
        timer: setTimeout(() => this.timeOut(job), this.settings.responseTimeout * 1000),
      };
      this.queue.push(job);
      this.wakeCollector?.();
      this.dispatch();
    });
  }

  /** Resolves when no job is queued or running. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && !this.workers.some((w) => w.busy)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private timeOut(job: Job): void {
    const at = this.queue.indexOf(job);
    if (at >= 0) this.queue.splice(at, 1);
    this.settle(job, requestTimedOut(this.name, this.settings.responseTimeout));
    this.notifyIdle();
  }

  private settle(job: Job, result: unknown, ok = false): void {
    if (job.done) {
      if (ok) for (const t of result as Tensor[]) t.dispose();
      return;
    }
    job.done = true;
    clearTimeout(job.timer);
    if (ok) job.resolve(result as Tensor[]);
    else job.reject(result);
  }

  private failQueued(): void {
    for (const job of this.queue.splice(0)) this.settle(job, noWorker(this.name, this.settings.queueFullStatus));
  }

  private removeWorker(worker: Worker): void {
    this.workers.splice(this.workers.indexOf(worker), 1);
    worker.retired?.();
  }

  private dispatch(): void {
    if (this.collecting || this.queue.length === 0) return;
    const worker = this.workers.find((w) => !w.busy && !w.retiring);
    if (!worker) return;
    worker.busy = true;
    this.collecting = true;
    void this.collectAndRun(worker);
  }

  private async collectAndRun(worker: Worker): Promise<void> {
    const batch: Job[] = [this.queue.shift()!];
    const deadline = Date.now() + this.settings.maxBatchDelay;
    while (batch.length < this.settings.batchSize) {
      if (this.queue.length > 0) {
        batch.push(this.queue.shift()!);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakeCollector = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeCollector = null;
    }
    this.collecting = false;
    this.dispatch(); // another free worker may collect the next batch while this one runs
    const live = batch.filter((job) => !job.done);
    const now = process.hrtime.bigint();
    if (live.length > 0)
      this.events.onBatch?.(
        live.length,
        live.map((job) => ({ tag: job.tag, queueMicros: Number(now - job.enqueuedAt) / 1000 })),
      );
    for (const group of compatibleGroups(live)) await this.runGroup(group);
    worker.busy = false;
    if (worker.retiring) this.removeWorker(worker);
    this.dispatch();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.workers.some((w) => w.busy)) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  // Grad mode is captured when forwardAsync is called (synchronously, inside forward), so it is off
  // for the call only; noGrad cannot wrap a Promise.
  private forwardWithoutGrad(inputs: Tensor[]): Promise<Tensor[]> {
    const previous = isGradEnabled();
    setGradEnabled(false);
    try {
      return this.forward(inputs);
    } finally {
      setGradEnabled(previous);
    }
  }

  private async runGroup(group: Job[]): Promise<void> {
    const joined = group.length === 1 ? group[0]!.inputs : group[0]!.inputs.map((_, i) => cat(group.map((job) => job.inputs[i]!)));
    let outputs: Tensor[];
    try {
      outputs = await this.forwardWithoutGrad(joined);
    } catch (error) {
      for (const job of group) this.settle(job, error);
      return;
    } finally {
      if (group.length > 1) for (const t of joined) t.dispose();
    }
    if (group.length === 1) {
      this.settle(group[0]!, outputs, true);
      return;
    }
    const total = group.reduce((sum, job) => sum + job.rows, 0);
    const bad = outputs.find((t) => t.dim() === 0 || t.shape[0] !== total);
    if (bad) {
      const error = new ServeError(
        503,
        'InternalServerException',
        `Model "${this.name}" answered a batch of ${total} rows with an output of shape [${bad.shape}]: serve it with batch_size=1`,
      );
      for (const job of group) this.settle(job, error);
    } else {
      let start = 0;
      for (const job of group) {
        this.settle(
          job,
          outputs.map((t) => t.narrow(0, start, job.rows).clone()),
          true,
        );
        start += job.rows;
      }
    }
    for (const t of outputs) t.dispose();
  }
}

/** Splits a batch into runs of jobs whose inputs concatenate (same count, dtypes and sample shapes). */
function compatibleGroups(jobs: Job[]): Job[][] {
  const key = (job: Job) => job.inputs.map((t) => (t.dim() === 0 ? 'scalar' : `${t.dtype}:${t.shape.slice(1).join('x')}`)).join('|');
  const groups = new Map<string, Job[]>();
  for (const job of jobs) {
    const k = key(job);
    if (k.includes('scalar')) groups.set(`${groups.size}:alone`, [job]);
    else groups.set(k, [...(groups.get(k) ?? []), job]);
  }
  return [...groups.values()];
}
