/**
 * The sweep's seeded pseudo-random numbers: mulberry32 (Tommy Ettinger's 32-bit generator, one
 * word of state), plus a mixer that derives an independent stream per trial from (seed, trial), so
 * a suggestion depends only on the seed and the history and a resumed sweep draws the same numbers.
 * @module
 */

/** A stream of uniform numbers. */
export interface Rng {
  /** A uniform number strictly inside (0, 1): never 0 or 1, so quantile functions stay finite. */
  next(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
}

/** Mulberry32 over the 32-bit `seed`. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  const nextWord = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next: () => (nextWord() + 0.5) / 4294967296,
    int: (n) => Math.min(n - 1, Math.floor(((nextWord() + 0.5) / 4294967296) * n)),
  };
}

/** MurmurHash3's 32-bit finalizer: every input bit flips about half of the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The generator for trial number `trial` of the sweep seeded with `seed` (any safe integer). */
export function trialRng(seed: number, trial: number): Rng {
  const low = seed >>> 0;
  const high = Math.floor(seed / 4294967296) >>> 0;
  return mulberry32(fmix32(fmix32(fmix32(low) ^ high) ^ Math.imul(trial + 1, 0x9e3779b9)));
}
