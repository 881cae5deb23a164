/**
 * The maximum mean discrepancy two-sample test, for multivariate samples such as embeddings taken
 * from a model: the unbiased MMD^2 estimate (Gretton et al. 2012) with the RBF kernel
 * k(x, y) = exp(-|x - y|^2 / (2 sigma^2)), sigma the median pairwise distance of the pooled sample
 * (the median heuristic), and a permutation p-value (1 + #{permuted >= observed}) / (1 + B) from
 * B random splits of the pooled sample, drawn by a seeded xoroshiro128+ (pure-rand): the same
 * seed gives the same p-value. The kernel matrix and the permuted statistics are computed by
 * LibTorch in float64 (B splits at a time as one matrix product).
 * @module
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { aten } from '../ops/surface.js';
import { cat, fromTypedArray } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';
import { MonitorError, describeValue } from './errors.js';
import type { TestResult } from './result.js';

/** A multivariate sample: a [n, d] (or [n]) tensor, or an array of rows (or of numbers). */
export type MultivariateSample = Tensor | readonly (readonly number[])[] | readonly number[];

/** Options of {@link mmdTest}. */
export interface MmdOptions {
  /** Random splits for the p-value (default 1000; 0 gives no p-value). */
  permutations?: number;
  /** Seed of the splits (default 0). */
  seed?: number;
  /** Kernel bandwidth sigma (default: the median pairwise distance of the pooled sample). */
  bandwidth?: number;
}

/** mmdTest's result. */
export interface MmdResult extends TestResult {
  /** The permutation p-value (absent with permutations: 0). */
  pValue?: number;
  /** The kernel bandwidth sigma used. */
  bandwidth: number;
  /** The number of permutations drawn. */
  permutations: number;
}

const BATCH = 128;
// The pooled sample's kernel matrix is (m + n)^2 float64s: 8000 rows take 512 MB.
const MAX_POOLED = 8000;

/** The MMD test of `x` against `y`: the unbiased MMD^2 and its permutation p-value. */
export function mmdTest(x: MultivariateSample, y: MultivariateSample, options: MmdOptions = {}): MmdResult {
  const permutations = options.permutations ?? 1000;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(permutations) || permutations < 0)
    throw new MonitorError(`mmdTest: permutations must be an integer >= 0, got ${describeValue(options.permutations)}`);
  if (!Number.isInteger(seed)) throw new MonitorError(`mmdTest: seed must be an integer, got ${describeValue(options.seed)}`);
  const a = toMatrix(x, 'mmdTest: x');
  const b = toMatrix(y, 'mmdTest: y');
  if (a.dims !== b.dims) throw new MonitorError(`mmdTest: x has ${a.dims} features per row but y has ${b.dims}`);
  const m = a.rows;
  const n = b.rows;
  if (m + n > MAX_POOLED)
    throw new MonitorError(
      `mmdTest: ${m} + ${n} rows make ${m + n}x${m + n} kernel matrices; subsample to at most ${MAX_POOLED} rows in all`,
    );
  return tidy(() => {
    const z = cat([fromTypedArray(a.values, [m, a.dims]), fromTypedArray(b.values, [n, b.dims])]);
    // compute_mode 2: exact differences, not the |x|^2 + |y|^2 - 2xy shortcut.
    const distances = aten.cdist(z, z, 2, 2);
    const bandwidth = options.bandwidth ?? medianOffDiagonal(distances.toTypedArray() as Float64Array, m + n);
    if (!(bandwidth > 0)) {
      if (options.bandwidth !== undefined)
        throw new MonitorError(`mmdTest: bandwidth must be > 0, got ${describeValue(options.bandwidth)}`);
      // Every point is the same: the samples cannot differ.
      return { statistic: 0, bandwidth: 0, permutations, ...(permutations > 0 ? { pValue: 1 } : {}) };
    }
    const total = m + n;
    const kernel = aten.exp(aten.div(aten.mul(distances, distances), -2 * bandwidth * bandwidth));
    aten.fill_diagonal_(kernel, 0); // the unbiased estimate leaves out k(x_i, x_i)
    const rowSums = aten.sum(kernel, [1]);
    const everything = aten.sum(rowSums).item();
    // MMD^2_u from the within-x sum S = a'Ka and a'r (a: the x indicator, r: row sums), for many a at once.
    const statistics = (indicators: Tensor): Float64Array => {
      const sxx = aten.sum(aten.mul(indicators, aten.matmul(kernel, indicators)), [0]).toTypedArray() as Float64Array;
      const ar = aten.matmul(rowSums.unsqueeze(0), indicators).toTypedArray() as Float64Array;
      return sxx.map((s, i) => {
        const sxy = ar[i]! - s;
        const syy = everything - 2 * ar[i]! + s;
        return s / (m * (m - 1)) + syy / (n * (n - 1)) - (2 * sxy) / (m * n);
      });
    };
    const first = new Float64Array(total).fill(1, 0, m).fill(0, m);
    const statistic = statistics(fromTypedArray(first, [total, 1]))[0]!;
    if (permutations === 0) return { statistic, bandwidth, permutations };
    const rng = xoroshiro128plus(seed);
    const order = Array.from({ length: total }, (_, i) => i);
    let atLeast = 0;
    // Equal splits can differ in the last bits through the product's summation order.
    const tolerance = 1e-12 * Math.max(Math.abs(statistic), 1e-300);
    for (let done = 0; done < permutations; done += BATCH) {
      const count = Math.min(BATCH, permutations - done);
      const indicators = new Float64Array(total * count);
      for (let column = 0; column < count; column++) {
        // A partial Fisher-Yates shuffle: the first m places are the permuted x.
        for (let i = 0; i < m; i++) {
          const j = uniformInt(rng, i, total - 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
          indicators[order[i]! * count + column] = 1;
        }
      }
      for (const value of statistics(fromTypedArray(indicators, [total, count]))) if (value >= statistic - tolerance) atLeast++;
    }
    return { statistic, pValue: (1 + atLeast) / (1 + permutations), bandwidth, permutations };
  });
}

function toMatrix(sample: MultivariateSample, what: string): { values: Float64Array; rows: number; dims: number } {
  let values: Float64Array;
  let rows: number;
  let dims: number;
  if (sample instanceof Tensor) {
    if (sample.dim() !== 1 && sample.dim() !== 2)
      throw new MonitorError(`${what} must be a [n, d] or [n] tensor, got shape [${sample.shape.join(', ')}]`);
    rows = sample.shape[0]!;
    dims = sample.dim() === 2 ? sample.shape[1]! : 1;
    values = Float64Array.from(sample.to('float64').contiguous().toTypedArray() as Float64Array);
  } else if (Array.isArray(sample)) {
    rows = sample.length;
    const first: unknown = sample[0];
    dims = Array.isArray(first) ? first.length : 1;
    values = new Float64Array(rows * dims);
    sample.forEach((row: unknown, i: number) => {
      const cells = Array.isArray(row) ? row : [row];
      if (cells.length !== dims) throw new MonitorError(`${what}[${i}] has ${cells.length} values but ${what}[0] has ${dims}`);
      cells.forEach((cell: unknown, j: number) => {
        if (typeof cell !== 'number' || !Number.isFinite(cell))
          throw new MonitorError(`${what}[${i}][${j}] is ${describeValue(cell)}, not a finite number`);
        values[i * dims + j] = cell;
      });
    });
  } else throw new MonitorError(`${what} must be a tensor or an array of rows, got ${describeValue(sample)}`);
  if (rows < 2) throw new MonitorError(`${what} has ${rows} rows: the unbiased MMD needs at least 2 per sample`);
  if (dims < 1) throw new MonitorError(`${what} has rows without values`);
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i]!))
      throw new MonitorError(`${what} holds ${values[i]} at row ${Math.floor(i / dims)}: drop missing values first`);
  return { values, rows, dims };
}

// numpy's median of the distances above the diagonal (the mean of the middle two for an even count).
function medianOffDiagonal(distances: Float64Array, size: number): number {
  const upper = new Float64Array((size * (size - 1)) / 2);
  let k = 0;
  for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) upper[k++] = distances[i * size + j]!;
  upper.sort();
  const mid = upper.length >> 1;
  return upper.length % 2 ? upper[mid]! : (upper[mid - 1]! + upper[mid]!) / 2;
}
