/**
 * Frees a step's batch once the step is done with it. Left to the garbage collector, batches piled
 * up between collections and each step's allocations landed in cold memory: 10-40% of an MLP's
 * training step over a loop that disposes its batches (docs/performance.md, section 10).
 */
import { isLoaderMade } from '../data/batch-ownership.js';
import { disposablesIn } from '../tensor/scope.js';

/**
 * Disposes the tensors of a batch that belong to the Trainer: those the DataLoader it iterates
 * made new for it (`loaded`) and the device or dtype copies made from them (`moved`), but not the
 * tensors the step returned (`output`). Call it only for batches the Trainer pulled from a
 * DataLoader itself: batches a user collected (from a DataLoader or not) are the user's.
 */
export function releaseBatch(loaded: unknown, moved: unknown, output: unknown): void {
  const source = disposablesIn(loaded);
  const kept = disposablesIn(output);
  for (const tensor of new Set([...source, ...disposablesIn(moved)])) {
    const ours = isLoaderMade(tensor) || !source.has(tensor);
    if (ours && !kept.has(tensor) && !tensor.isDisposed) tensor.dispose();
  }
}
