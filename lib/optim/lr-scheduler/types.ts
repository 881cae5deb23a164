/** What the LR schedulers work on: anything whose param groups have a writable `lr`. */

/** A parameter group as schedulers see it: `lr` is read and written; SGD-like groups have `momentum`, Adam-like ones `betas`. */
export interface ParamGroupLike {
  lr: number;
  momentum?: number;
  betas?: [number, number];
  [key: string]: unknown;
}

/** What a scheduler needs from an optimizer. */
export interface OptimizerLike {
  readonly paramGroups: ParamGroupLike[];
}

/** A scheduler's state as plain JSON-able data, from `stateDict()` for `loadStateDict()`. */
export type SchedulerState = Record<string, unknown>;

/** A metric for ReduceLROnPlateau: a number, or a one-element tensor (anything with `item()`). */
export type MetricLike =
  | number
  | {
      /** The value as a number (Tensor.item()). */
      item(): number;
    };
