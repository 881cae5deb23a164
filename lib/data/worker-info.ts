/**
 * What a DataLoader worker thread knows about itself, like PyTorch's `get_worker_info()`.
 */
import type { Generator } from './generator.js';

/** Details of the DataLoader worker running the current code. */
export interface WorkerInfo {
  /** This worker's index, 0 <= id < numWorkers. */
  readonly id: number;
  readonly numWorkers: number;
  /** This worker's seed: the loader's base seed (drawn per iteration) plus `id`, as in PyTorch. */
  readonly seed: bigint;
  /** This worker's copy of the dataset. */
  readonly dataset: unknown;
  /**
   * This worker's random generator, seeded with `seed`. Random transforms draw from it in workers
   * (LibTorch's default generator is shared by every thread of the process, so drawing from it here
   * would make results depend on thread timing and disturb the main thread's stream).
   */
  readonly generator: Generator;
}

let current: WorkerInfo | null = null;

/** The worker's details inside a DataLoader worker thread; null on the main thread (or with numWorkers 0). */
export function getWorkerInfo(): WorkerInfo | null {
  return current;
}

/** @internal Called once by the worker entry point. */
export function setWorkerInfo(info: WorkerInfo): void {
  current = info;
}
