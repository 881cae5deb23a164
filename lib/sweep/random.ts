/**
 * Random search: every parameter drawn independently from its distribution, as W&B's
 * random_search_next_runs draws them.
 * @module
 */
import { sampleValue } from './distributions.js';
import { buildParams, type Leaf } from './space.js';
import type { Rng } from './rng.js';
import type { Trial } from './history.js';

/** A trial with every leaf drawn from its distribution. */
export function randomTrial(leaves: readonly Leaf[], rng: Rng): Trial {
  return {
    params: buildParams(
      leaves,
      leaves.map((leaf) => sampleValue(leaf.distribution, rng)),
    ),
  };
}
