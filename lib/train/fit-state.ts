/**
 * The Trainer's progress as plain, serializable counters: one object shared by the loop, the
 * callbacks and the checkpoint (saved under `loops`), which is what makes a resume exact, between
 * epochs or in the middle of one.
 * @module
 */
import type { Tensor } from '../tensor/tensor.js';
import type { GeneratorState } from '../data/generator.js';

/** Which loop is running. */
export type Stage = 'fit' | 'validate' | 'test' | 'predict';

/** The random state at the start of the current epoch: replaying it replays the epoch's batch order. */
export interface EpochStart {
  /** LibTorch's default CPU generator (`torch.getRngState()`). */
  torchRng: Tensor;
  /** The train loader's own generator, when it has one. */
  loaderGenerator: GeneratorState | null;
}

/** Counters of a fit, in Lightning's terms. */
export interface FitState {
  /** The current epoch (0-based); after fit, the number of epochs run. */
  epoch: number;
  /** Optimizer steps taken over the whole fit (Lightning's `global_step`). */
  globalStep: number;
  /** Training batches finished in the current epoch. */
  batchesDone: number;
  /** Set by callbacks (EarlyStopping, Timer) or SIGINT: the fit ends after the current step or epoch. */
  shouldStop: boolean;
  /** Why the fit stopped early, for the summary. */
  stopReason: string | null;
  /** The random state when the current epoch began. */
  epochStart: EpochStart | null;
}

/** A fresh fit state. */
export function newFitState(): FitState {
  return { epoch: 0, globalStep: 0, batchesDone: 0, shouldStop: false, stopReason: null, epochStart: null };
}
