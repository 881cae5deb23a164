/**
 * The Metric base class: torchmetrics' stateful `update` / `compute` / `reset` / `forward`. A metric
 * declares its states (sums, or lists of batches to concatenate), folds each batch into them, and
 * computes its value from them, so that several updates give what one update on the concatenated
 * batches gives.
 * @module
 */
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/creation.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { toTensor, type MetricInput } from './inputs.js';

/** How a state folds batches in: 'sum' adds each batch's tensor, 'cat' keeps every batch and concatenates them along dimension 0. */
export type StateReduction = 'sum' | 'cat';

interface State {
  readonly reduction: StateReduction;
  /** The running sum ('sum'), or undefined before the first batch. */
  sum: Tensor | undefined;
  /** The batches so far ('cat'). */
  parts: Tensor[];
}

/** A metric's states as {@link Metric.stateDict} saves them. */
export interface MetricState {
  updates: number;
  states: Record<string, { sum: Tensor | null; parts: Tensor[] }>;
}

const emptyState = (reduction: StateReduction): State => ({ reduction, sum: undefined, parts: [] });

/**
 * A metric accumulated over batches, as in torchmetrics: `update(preds, target)` folds a batch in,
 * `compute()` gives the value over every batch since the last `reset()`, `forward(preds, target)`
 * folds a batch in and gives the value on that batch alone. The states are tensors on the inputs'
 * device, kept out of `torch.tidy` scopes and freed by `reset()`; updates record no autograd graph.
 */
export abstract class Metric {
  readonly #states = new Map<string, State>();
  #updates = 0;

  /** Declares state `name` (call it in the constructor). */
  protected addState(name: string, reduction: StateReduction): void {
    this.#states.set(name, emptyState(reduction));
  }

  /** Folds one batch (already a detached tensor) into the states, with `accumulate`. */
  protected abstract updateState(preds: Tensor, target: Tensor): void;

  /** The metric's value from the states (read with `stateValue`). */
  protected abstract computeState(): Tensor;

  /** Where errors of method `method` say they come from: `Accuracy.update`. */
  protected where(method: string): string {
    return `${this.constructor.name}.${method}`;
  }

  /** Number of batches folded in since the metric was made or last reset. */
  get updateCount(): number {
    return this.#updates;
  }

  /** Folds a batch of predictions and targets into the metric's state. */
  update(preds: MetricInput, target: MetricInput): void {
    const where = this.where('update');
    tidy(() => noGrad(() => this.updateState(toTensor(where, 'preds', preds), toTensor(where, 'target', target))));
    this.#updates++;
  }

  /** The metric over every batch since the last reset: a new tensor (0-d for one number). */
  compute(): Tensor {
    if (this.#updates === 0) throw new Error(`${this.where('compute')}: no data: call update() before compute()`);
    return tidy(() =>
      noGrad(() => {
        const result = this.computeState();
        // A state tensor handed out as the result would be freed by the caller or by reset().
        for (const state of this.#states.values()) if (result === state.sum || state.parts.includes(result)) return result.clone();
        return result;
      }),
    );
  }

  /** Forgets every batch, freeing the state tensors. */
  reset(): void {
    for (const [name, state] of this.#states) {
      this.#disposeState(state);
      this.#states.set(name, emptyState(state.reduction));
    }
    this.#updates = 0;
  }

  /**
   * Folds the batch in, like `update`, and returns the metric on this batch alone (torchmetrics'
   * `forward`). A batch that `update` rejects, or whose value cannot be computed, leaves the state
   * as it was.
   */
  forward(preds: MetricInput, target: MetricInput): Tensor {
    const saved = new Map(this.#states);
    const updates = this.#updates;
    for (const [name, state] of saved) this.#states.set(name, emptyState(state.reduction));
    this.#updates = 0;
    let batch: Tensor;
    try {
      this.update(preds, target);
      batch = this.compute();
    } catch (error) {
      for (const state of this.#states.values()) this.#disposeState(state);
      for (const [name, state] of saved) this.#states.set(name, state);
      this.#updates = updates;
      throw error;
    }
    noGrad(() => {
      for (const [name, before] of saved) this.#states.set(name, merge(before, this.#states.get(name)!));
    });
    this.#updates += updates;
    return batch;
  }

  /**
   * The accumulated states (copies) and the update count, for checkpoints: a training epoch
   * resumed mid-way goes on from where the metric was (torchmetrics keeps them in the state dict).
   */
  stateDict(): MetricState {
    const states: MetricState['states'] = {};
    for (const [name, state] of this.#states) {
      states[name] = {
        sum: state.sum ? noGrad(() => state.sum!.clone()) : null,
        parts: state.parts.map((part) => noGrad(() => part.clone())),
      };
    }
    return { updates: this.#updates, states };
  }

  /** Restores {@link stateDict}'s output (states this metric does not declare are an error). */
  loadStateDict(saved: MetricState): void {
    for (const name of Object.keys(saved.states)) this.#state(name);
    this.reset();
    for (const [name, { sum, parts }] of Object.entries(saved.states)) {
      const state = this.#state(name);
      state.sum = sum ? keep(noGrad(() => sum.clone())) : undefined;
      state.parts = parts.map((part) => keep(noGrad(() => part.clone())));
    }
    this.#updates = saved.updates;
  }

  /** Adds `value` to sum state `name`, or appends a copy of it to cat state `name`. */
  protected accumulate(name: string, value: Tensor): void {
    const state = this.#state(name);
    if (state.reduction === 'cat') {
      state.parts.push(keep(value.clone()));
      return;
    }
    const next = keep(state.sum ? state.sum.add(value) : value.clone());
    state.sum?.dispose();
    state.sum = next;
  }

  /** The value of state `name`: the sum, or the batches concatenated; undefined before any update. */
  protected stateValue(name: string): Tensor | undefined {
    const state = this.#state(name);
    if (state.reduction === 'sum') return state.sum;
    if (state.parts.length === 0) return undefined;
    return state.parts.length === 1 ? state.parts[0] : cat(state.parts, 0);
  }

  #state(name: string): State {
    const state = this.#states.get(name);
    if (!state) throw new Error(`${this.constructor.name}: no state '${name}' (declare it with addState)`);
    return state;
  }

  #disposeState(state: State): void {
    state.sum?.dispose();
    for (const part of state.parts) part.dispose();
  }
}

/** `before` and `after` (states of one name) folded together; frees what it replaces. */
function merge(before: State, after: State): State {
  if (before.reduction === 'cat') return { ...before, parts: [...before.parts, ...after.parts] };
  if (!before.sum || !after.sum) return { ...before, sum: before.sum ?? after.sum };
  const sum = keep(before.sum.add(after.sum));
  before.sum.dispose();
  after.sum.dispose();
  return { ...before, sum };
}
