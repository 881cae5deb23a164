/** torch.utils.data.TensorDataset. */
import { tensor } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import type { Device } from '../tensor/types.js';
import { Tensor } from '../tensor/tensor.js';
import type { Dataset } from './dataset.js';
import { builtinRecipe, type WorkerRecipe } from './recipe.js';

/**
 * Samples that are rows of tensors sharing their first dimension: `get(i)` is
 * `[t0.index(i), t1.index(i), ...]` (views, no copies). DataLoader workers receive a copy of the tensors.
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  /** Wraps one or more tensors (at least 1-D) with the same size in dimension 0. */
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new TypeError('TensorDataset: give at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.dim() === 0) throw new TypeError(`TensorDataset: tensor ${i} is 0-dimensional; samples are taken along dimension 0`);
    });
    const size = tensors[0]!.shape[0]!;
    const mismatch = tensors.findIndex((t) => t.shape[0] !== size);
    if (mismatch >= 0) {
      throw new RangeError(
        `TensorDataset: size mismatch between tensors: tensor 0 has ${size} rows, tensor ${mismatch} has ${tensors[mismatch]!.shape[0]}`,
      );
    }
    this.tensors = tensors;
  }

  /** The size of the tensors' first dimension. */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Row `index` (negative counts from the end) of each tensor, as views. */
  get(index: number): Tensor[] {
    if (!Number.isInteger(index) || index < -this.length || index >= this.length)
      throw new RangeError(`TensorDataset.get: index ${index} is out of range for length ${this.length}`);
    return this.tensors.map((t) => t.index(index));
  }

  /**
   * @internal What `defaultCollate` makes of the samples at `indices` (each tensor's rows stacked),
   * with one index_select per tensor instead of a view per row and a stack: a fifth of an MLP's
   * training step at batch 64 went to the row-by-row way. Null where the stack could differ: an
   * empty batch (which defaultCollate reports as an error) or a tensor that is not contiguous (a
   * stack keeps a channels-last layout, index_select does not).
   */
  collatedRows(indices: readonly number[]): Tensor[] | null {
    if (indices.length === 0 || !this.tensors.every((t) => t.isContiguous())) return null;
    const length = this.length;
    const rows = new Int32Array(indices.length);
    indices.forEach((index, i) => {
      if (!Number.isInteger(index) || index < -length || index >= length)
        throw new RangeError(`TensorDataset.get: index ${index} is out of range for length ${length}`);
      rows[i] = index < 0 ? index + length : index;
    });
    // The index goes to each tensor's device (index_select wants both on one).
    return tidy(() => {
      const onCpu = tensor(rows);
      return this.tensors.map((t) => t.indexSelect(0, t.device === 'cpu' ? onCpu : onCpu.to(t.device as Device)));
    });
  }

  /** @internal The whole dataset as (inputs, targets) for the native epoch loop, when it has two tensors. */
  nativeTensors(): readonly [Tensor, Tensor] | null {
    return this.tensors.length === 2 ? [this.tensors[0]!, this.tensors[1]!] : null;
  }

  /** Rebuilds the dataset in a worker from copies of its tensors. */
  workerRecipe(): WorkerRecipe {
    return builtinRecipe('TensorDataset', this.tensors);
  }
}
