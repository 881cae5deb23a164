/**
 * The lifecycle of a DataLoader's worker threads: threads for one epoch, or (persistentWorkers)
 * threads kept between epochs until close(), replaced when one has failed, and ended when the
 * loader is collected without close().
 */
import { WorkerLink } from './worker-link.js';

/** How long a worker may take to finish its prefetched batches when an iteration ends before it is terminated. */
const WORKER_GRACE_MS = 2000;

/** Ends `workers`, each given WORKER_GRACE_MS to finish what it does. */
export function closeAll(workers: WorkerLink[]): Promise<void> {
  return Promise.all(workers.map((worker) => worker.close(WORKER_GRACE_MS))).then(() => undefined);
}

// Ends the persistent workers of a DataLoader that was dropped without close().
const abandoned = new FinalizationRegistry<WorkerLink[]>((workers) => void closeAll(workers));

/** Hands out the workers of each epoch. */
export class WorkerPool {
  /** The threads kept between epochs (persistent), once the first epoch has started them. */
  private kept: WorkerLink[] | undefined;
  /** An epoch is using the kept threads (a second, concurrent one gets threads of its own). */
  private keptInUse = false;

  /**
   * @param owner the DataLoader: when it is collected, kept threads end.
   * @param persistent keep threads between epochs.
   * @param start makes a new set of worker threads.
   */
  constructor(
    private readonly owner: object,
    private readonly persistent: boolean,
    private readonly start: () => WorkerLink[],
  ) {}

  /**
   * This epoch's workers: the kept ones, told that another epoch begins (new ones when there are
   * none yet, or one of them has failed), or threads for this epoch alone (not persistent, or while
   * another epoch is using the kept ones).
   */
  acquire(): WorkerLink[] {
    if (!this.persistent || (this.kept && this.keptInUse)) return this.start();
    if (this.kept?.some((worker) => worker.failed)) {
      void closeAll(this.kept);
      abandoned.unregister(this.owner);
      this.kept = undefined;
    }
    if (this.kept) {
      for (const worker of this.kept) worker.startEpoch();
    } else {
      this.kept = this.start();
      abandoned.register(this.owner, this.kept, this.owner);
    }
    this.keptInUse = true;
    return this.kept;
  }

  /** After an epoch: keeps the workers for the next one (unless `broken`), or ends them. */
  async release(workers: WorkerLink[], broken: boolean): Promise<void> {
    if (workers === this.kept) {
      this.keptInUse = false;
      if (!broken && !workers.some((worker) => worker.failed)) {
        for (const worker of workers) worker.abandon();
        return;
      }
      abandoned.unregister(this.owner);
      this.kept = undefined;
    }
    await closeAll(workers);
  }

  /** Ends the kept threads (the next epoch starts new ones). */
  async close(): Promise<void> {
    const workers = this.kept;
    this.kept = undefined;
    if (!workers) return;
    abandoned.unregister(this.owner);
    await closeAll(workers);
  }

  /** The kept threads, for tests. @internal */
  get keptWorkers(): readonly WorkerLink[] | undefined {
    return this.kept;
  }
}
