/**
 * Frees a step's batch once the step is done with it. Left to the garbage collector, batches piled
 * up between collections and each step's allocations landed in cold memory: 10-40% of an MLP's
 * training step over a loop that disposes its batches (docs/performance.md, section 10).
 */
import { isLoaderMade } from '../data/batch-ownership.js';
import { disposablesIn } from '../tensor/scope.js';

/**
 * Disposes the tensors of a batch that belong to the Trainer: those the DataLoader made for it
 * (`loaded`) and the device or dtype copies made from them (`moved`), but not the tensors the step
 * returned (`output`) nor any an (async) iterable of the user's passed in.
 */
export function releaseBatch(loaded: unknown, moved: unknown, output: unknown): void {
  const source = disposablesIn(loaded);
  const kept = disposablesIn(output);
  for (const tensor of new Set([...source, ...disposablesIn(moved)])) {
    const ours = isLoaderMade(tensor) || !source.has(tensor);
    if (ours && !kept.has(tensor) && !tensor.isDisposed) tensor.dispose();
  }
}
