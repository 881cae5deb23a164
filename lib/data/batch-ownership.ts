/**
 * Which tensors a DataLoader made new for the batches it yields (defaultCollate's stacks, what
 * workers send): the Trainer, iterating a DataLoader itself, frees them as soon as a step is done
 * with them instead of leaving them to the garbage collector (which let every batch's memory pile
 * up until a collection: 10-40% of an MLP's step). A user's collate function may pass through
 * tensors its dataset keeps, so its batches are not marked.
 */
import { tidyOwning, type Disposable } from '../tensor/scope.js';

const loaderMade = new WeakSet<Disposable>();

/** Runs `make` (synchronous) as `tidy` does and marks the tensors it created and returned as the loader's. */
export function makeBatch<T>(make: () => T): T {
  const { result, created } = tidyOwning(make);
  for (const tensor of created) loaderMade.add(tensor);
  return result;
}

/** Whether a DataLoader made `tensor` for a batch (so its consumer may free it). */
export function isLoaderMade(tensor: Disposable): boolean {
  return loaderMade.has(tensor);
}
