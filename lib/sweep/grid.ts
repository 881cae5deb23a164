/**
 * Grid search as W&B runs it: categorical and constant parameters, int_uniform as every integer
 * from min to max, q_uniform as numpy's arange(min, max, q) (max itself left out, as there);
 * the cartesian product in W&B's parameter order (sorted names, the last varying fastest); each
 * suggestion the first combination not yet in the history, so a resumed sweep skips what ran.
 * @module
 */
import { canonical } from './canonical.js';
import { SweepConfigError } from './errors.js';
import { buildParams, getPath, type Leaf } from './space.js';
import type { HistoryEntry, Trial } from './history.js';

/** A grid axis: a leaf and the values it takes. */
interface Axis {
  leaf: Leaf;
  values: unknown[];
}

/** The values a leaf takes in a grid; a SweepConfigError for a distribution a grid cannot enumerate. */
function axisValues(leaf: Leaf): unknown[] {
  const d = leaf.distribution;
  switch (d.distribution) {
    case 'constant':
      return [d.value];
    case 'categorical':
      if (!d.probabilities) return d.values;
      break;
    case 'int_uniform':
      return Array.from({ length: d.max - d.min + 1 }, (_, i) => d.min + i);
    case 'q_uniform':
      return Array.from({ length: Math.max(0, Math.ceil((d.max - d.min) / d.q)) }, (_, i) => d.min + i * d.q);
  }
  throw new SweepConfigError(
    `parameters.${leaf.path.join('.parameters.')}`,
    `grid search needs values, value, int_uniform or q_uniform parameters (and values without probabilities); got ${
      d.distribution === 'categorical' ? 'values with probabilities' : `distribution ${d.distribution}`
    }`,
  );
}

/** The grid's axes; throws for a parameter a grid cannot enumerate. */
export function gridAxes(leaves: readonly Leaf[]): Axis[] {
  return leaves.map((leaf) => ({ leaf, values: axisValues(leaf) }));
}

/** The number of combinations in the grid. */
export function gridSize(leaves: readonly Leaf[]): number {
  return gridAxes(leaves).reduce((n, axis) => n * axis.values.length, 1);
}

/** The first combination of the grid not in `history`, or null when all of them are there. */
export function nextGridTrial(leaves: readonly Leaf[], history: readonly HistoryEntry[]): Trial | null {
  const axes = gridAxes(leaves);
  const keyOf = (values: readonly unknown[]): string => values.map(canonical).join('\u0000');
  const seen = new Set(history.map((entry) => keyOf(axes.map((axis) => getPath(entry.params, axis.leaf.path)))));
  const digits = axes.map(() => 0);
  if (axes.some((axis) => axis.values.length === 0)) return null;
  for (;;) {
    const values = axes.map((axis, i) => axis.values[digits[i]!]);
    if (!seen.has(keyOf(values))) return { params: buildParams(leaves, values) };
    // Count in mixed radix with the last axis as the lowest digit: itertools.product's order.
    let i = axes.length - 1;
    while (i >= 0 && ++digits[i]! === axes[i]!.values.length) digits[i--] = 0;
    if (i < 0) return null;
  }
}
