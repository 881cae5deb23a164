/** The messages between a DataLoader and its worker threads. */
import type { EncodedRecipe } from './recipe.js';

/** What a worker is started with (its `workerData`). */
export interface WorkerSetup {
  id: number;
  numWorkers: number;
  /** Base seed + id. */
  seed: bigint;
  dataset: EncodedRecipe;
  /** The collate function; null when the main thread collates (a collate function without a recipe). */
  collate: EncodedRecipe | null;
  /** Called once with the WorkerInfo after the dataset is ready. */
  init: EncodedRecipe | null;
  /** Samples per batch; null turns automatic batching off. */
  batchSize: number | null;
  /** For iterable datasets: drop a last, short batch. */
  dropLast: boolean;
  iterable: boolean;
}

/**
 * A request for one batch: its dataset indices (one index without batching; null: the next batch of
 * an iterable dataset). `task` numbers requests over the worker's whole life (persistent workers
 * serve several epochs), so a late reply to an abandoned request is never taken for a new one.
 */
export interface FetchRequest {
  type: 'fetch';
  task: number;
  indices: number[] | number | null;
}

/** A new epoch for a persistent worker: an iterable dataset starts over. */
export interface EpochRequest {
  type: 'epoch';
}

/** Asks a worker to finish the requests it has and then end (so it is never stopped inside native code). */
export interface CloseRequest {
  type: 'close';
}

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** A worker's answers: a batch, the end of an iterable dataset, or an error (task null: the worker failed to start). */
export type WorkerReply =
  | { type: 'batch'; task: number; data: unknown }
  | { type: 'end'; task: number }
  | { type: 'error'; task: number | null; error: SerializedError };

/** Turns anything thrown into a {@link SerializedError}. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}
