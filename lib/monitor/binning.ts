/**
 * The shares Evidently's binned tests (Jensen-Shannon, PSI) compare (its `get_binned_data`): a
 * numerical sample with more than 20 distinct reference values is cut into bins over the pooled
 * range (numpy's 'sturges' rule by default, or a given count of equal-width bins, edges as
 * np.linspace makes them, the last bin closed); anything else counts each distinct value. Shares
 * are counts over the sample's size. For PSI, empty bins get a small share ("feel zeroes").
 * @module
 */
import { categoricalSample, type Category, type CategoricalSample } from './categories.js';
import { MonitorError } from './errors.js';

/** How a numerical sample is binned: numpy's 'sturges' rule (the default) or a number of equal-width bins. */
export type Bins = 'sturges' | number;

/** Options of {@link psi}, and of {@link jensenShannonDistance} besides its `base`. */
export interface BinningOptions {
  /** Bins for numerical samples with more than 20 distinct reference values (default 'sturges'). */
  bins?: Bins;
  /** Compare each distinct value, whatever the sample (default: only for non-numerical or few-valued samples). */
  categorical?: boolean;
}

/** The two samples' shares per bin or category, in the same order. */
export interface BinnedShares {
  reference: Float64Array;
  current: Float64Array;
}

// Evidently bins a numerical feature only past this many distinct reference values.
const MAX_VALUES_UNBINNED = 20;

/** The shares of `reference` and `current` per bin (or category); `what` names the caller in errors. */
export function binnedShares(
  reference: CategoricalSample,
  current: CategoricalSample,
  options: BinningOptions,
  feelZeroes: boolean,
  what: string,
): BinnedShares {
  const bins = options.bins ?? 'sturges';
  if (bins !== 'sturges' && !(Number.isInteger(bins) && bins >= 1))
    throw new MonitorError(`${what}: bins must be 'sturges' or a positive integer, got ${String(bins)}`);
  const a = categoricalSample(reference, `${what}: a`);
  const b = categoricalSample(current, `${what}: b`);
  const shares =
    isNumbers(a) && isNumbers(b) && !options.categorical && new Set(a).size > MAX_VALUES_UNBINNED
      ? histogramShares(a, b, bins)
      : categoryShares(a, b);
  if (feelZeroes) {
    fillZeroes(shares.reference);
    fillZeroes(shares.current);
  }
  return shares;
}

const isNumbers = (values: readonly Category[]): values is number[] => values.every((v) => typeof v === 'number');

function categoryShares(a: readonly Category[], b: readonly Category[]): BinnedShares {
  const keys = [...new Set([...a, ...b])];
  const index = new Map(keys.map((key, i) => [key, i]));
  const reference = new Float64Array(keys.length);
  const current = new Float64Array(keys.length);
  for (const value of a) reference[index.get(value)!]! += 1;
  for (const value of b) current[index.get(value)!]! += 1;
  return { reference: reference.map((c) => c / a.length), current: current.map((c) => c / b.length) };
}

/** numpy's histogram_bin_edges over `values` with 'sturges' or a bin count. */
export function binEdges(values: ArrayLike<number>, bins: Bins): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  let count: number;
  if (bins === 'sturges') {
    const width = (max - min) / (Math.log2(values.length) + 1);
    count = width ? Math.ceil((max - min) / width) : 1;
  } else count = bins;
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  // np.linspace: start + i * step, the last edge exactly the stop.
  const step = (max - min) / count;
  const edges = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) edges[i] = i * step + min;
  edges[count] = max;
  return edges;
}

/** Counts per bin as np.histogram makes them: [e_i, e_i+1), the last bin closed, outside values dropped. */
export function histogramCounts(values: ArrayLike<number>, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length - 1);
  const last = edges.length - 1;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value < edges[0]! || value > edges[last]!) continue;
    // The last edge <= value (binary search), with the closed last bin.
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= value) lo = mid;
      else hi = mid;
    }
    counts[lo]! += 1;
  }
  return counts;
}

function histogramShares(a: number[], b: number[], bins: Bins): BinnedShares {
  const edges = binEdges([...a, ...b], bins);
  return {
    reference: histogramCounts(a, edges).map((c) => c / a.length),
    current: histogramCounts(b, edges).map((c) => c / b.length),
  };
}

// Evidently's replacement for empty bins: a millionth of the smallest share, or 1e-4.
function fillZeroes(shares: Float64Array): void {
  let smallest = Infinity;
  for (const share of shares) if (share !== 0) smallest = Math.min(smallest, share);
  const fill = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
  for (let i = 0; i < shares.length; i++) if (shares[i] === 0) shares[i] = fill;
}
