/**
 * Datasets and functions for the DataLoader worker tests. They live in a module of their own because
 * a worker thread rebuilds them by importing this file (their recipes name `import.meta.url`).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';
import * as torch from '../lib/index.ts';
import {
  getWorkerInfo,
  portable,
  randomInt,
  type Dataset,
  type IterableDataset,
  type WorkerInfo,
  type WorkerRecipe,
} from '../lib/data/index.ts';

/** Sample i is `[i, tensor([i, i*i])]`; reading `failAt` throws. */
export class SquaresDataset implements Dataset<[number, torch.Tensor]> {
  constructor(
    readonly length: number,
    readonly failAt = -1,
  ) {}

  get(index: number): [number, torch.Tensor] {
    if (index === this.failAt) throw new RangeError(`sample ${index} is cursed`);
    return [index, torch.tensor([index, index * index], { dtype: 'float32' })];
  }

  workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'SquaresDataset', args: [this.length, this.failAt] };
  }
}

let initializedAs = -1;

/** A worker initializer: records a value derived from the worker id. */
export function initWorker(info: WorkerInfo): void {
  initializedAs = 100 + info.id;
}

/** Sample i says which worker read it and what initWorker recorded there. */
export class WhoReadsDataset implements Dataset<{ index: number; worker: number; init: number }> {
  constructor(readonly length: number) {}

  get(index: number): { index: number; worker: number; init: number } {
    return { index, worker: getWorkerInfo()?.id ?? -1, init: initializedAs };
  }

  workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'WhoReadsDataset', args: [this.length] };
  }
}

/** Samples that say which thread read them. */
export class ThreadIdDataset implements Dataset<{ index: number; thread: number }> {
  constructor(readonly length: number) {}

  get(index: number): { index: number; thread: number } {
    return { index, thread: threadId };
  }

  workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'ThreadIdDataset', args: [this.length] };
  }
}

/** Reports the intra-op thread count LibTorch would use for ops on the reading thread. */
export class IntraOpThreadsDataset implements Dataset<{ index: number; threads: number }> {
  constructor(readonly length: number) {}

  get(index: number): { index: number; threads: number } {
    return { index, threads: torch.getNumThreads() };
  }

  workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'IntraOpThreadsDataset', args: [this.length] };
  }
}

/** Like ThreadIdDataset, but the first worker to read `exitAt` ends its thread (a marker file makes it happen once). */
export class ExitOnceDataset extends ThreadIdDataset {
  constructor(
    length: number,
    readonly exitAt: number,
    readonly marker: string,
  ) {
    super(length);
  }

  override get(index: number): { index: number; thread: number } {
    if (!isMainThread && index === this.exitAt && !existsSync(this.marker)) {
      writeFileSync(this.marker, 'exited');
      process.exit(3);
    }
    return super.get(index);
  }

  override workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'ExitOnceDataset', args: [this.length, this.exitAt, this.marker] };
  }
}

/** 0..length-1, whose iterator's cleanup throws when it is closed before the end. */
export class BadCleanupStream implements IterableDataset<number> {
  constructor(readonly length: number) {}

  async *[Symbol.asyncIterator](): AsyncIterator<number> {
    let completed = false;
    try {
      for (let i = 0; i < this.length; i++) yield i;
      completed = true;
    } finally {
      // eslint-disable-next-line no-unsafe-finally
      if (!completed) throw new Error('cleanup failed');
    }
  }

  workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'BadCleanupStream', args: [this.length] };
  }
}

/** A dataset that opens on the main thread but fails to open in a worker (a start-up failure). */
export class BrokenDataset implements Dataset<number> {
  readonly length = 4;

  constructor() {
    if (!isMainThread) throw new Error('the dataset cannot be opened here');
  }

  get(index: number): number {
    return index;
  }

  workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'BrokenDataset', args: [] };
  }
}

/** 0..n-1 as a stream; with workers, worker k yields the numbers congruent to k (PyTorch's sharding idiom). */
export class CountingStream implements IterableDataset<number> {
  constructor(readonly length: number) {}

  async *[Symbol.asyncIterator](): AsyncIterator<number> {
    const info = getWorkerInfo();
    const [start, step] = info ? [info.id, info.numWorkers] : [0, 1];
    for (let i = start; i < this.length; i += step) yield i;
  }

  workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'CountingStream', args: [this.length] };
  }
}

/** A portable transform: adds one. */
export const addOne = portable((x: torch.Tensor) => x.add(1), { module: import.meta.url, export: 'addOne' });

/** Sample i is a random integer in [0, 1000) drawn through torch.data's random helpers. */
export class RandomDrawDataset implements Dataset<number> {
  constructor(readonly length: number) {}

  get(): number {
    return randomInt(0, 1000);
  }

  workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'RandomDrawDataset', args: [this.length] };
  }
}

/** Takes `delayMs` of busy work per sample. */
export class SlowDataset implements Dataset<number> {
  constructor(
    readonly length: number,
    readonly delayMs: number,
  ) {}

  get(index: number): number {
    const until = Date.now() + this.delayMs;
    while (Date.now() < until);
    return index;
  }

  workerRecipe(): WorkerRecipe {
    return { module: import.meta.url, export: 'SlowDataset', args: [this.length, this.delayMs] };
  }
}
