/**
 * dataDrift: a reference dataset (from training) against current data (a window of the prediction
 * log, a file), one test per column chosen as Evidently's default does, and the share of drifted
 * columns deciding dataset drift (drifted when share >= driftShare, default 0.5).
 *
 * Evidently's choice, by the reference's size (after dropping missing values) and the number of
 * distinct values in both samples together:
 *
 * | reference size | numerical, > 5 values | numerical, <= 5 values | categorical |
 * |---|---|---|---|
 * | <= 1000 | `ks` (p <= 0.05) | `chisquare` (> 2 values) or `z` (binary), p < 0.05 | `chisquare` or `z`, p < 0.05 |
 * | > 1000 | `wasserstein` (normed, >= 0.1) | `jensenshannon` (>= 0.1) | `jensenshannon` (>= 0.1) |
 *
 * `wasserstein` here is Evidently's "Wasserstein distance (normed)": scipy's distance divided by
 * the reference's population standard deviation (at least 0.001), so the threshold 0.1 means "a
 * tenth of a standard deviation"; `jensenshannon` is the distance with the natural log, as Evidently
 * computes it (scipy's default base). `psi` (>= 0.1) is there to choose through `tests`.
 * Missing values (null, undefined, NaN, +-Infinity) are dropped per column first and counted.
 * @module
 */
import { countCategories, type Category } from './categories.js';
import { chiSquareTest } from './chi-square.js';
import { cleanColumn, readDataset, type CleanColumn, type Columns, type Dataset } from './dataset.js';
import { MonitorError, describeValue } from './errors.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { ksTest } from './ks.js';
import { psi } from './psi.js';
import { populationStd } from './samples.js';
import { wasserstein } from './wasserstein.js';
import { zTest } from './z-test.js';

/** The per-column tests dataDrift runs. */
export const DRIFT_TESTS = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'] as const;

/** A per-column drift test. */
export type DriftTestName = (typeof DRIFT_TESTS)[number];

/** Options of {@link dataDrift}. */
export interface DataDriftOptions {
  /** Columns to compare (default: all; then both datasets must have the same columns). */
  columns?: readonly string[];
  /** Columns whose values are categories even when they are numbers. */
  categorical?: readonly string[];
  /** Share of drifted columns at which the dataset drifts (default 0.5, Evidently's). */
  driftShare?: number;
  /** A test per column instead of Evidently's default choice. */
  tests?: Readonly<Record<string, DriftTestName>>;
  /** A threshold per column instead of the test's default. */
  thresholds?: Readonly<Record<string, number>>;
}

/** One column's drift. */
export interface FeatureDrift {
  /** The test that ran. */
  test: DriftTestName;
  /** The column's kind. */
  type: 'numerical' | 'categorical';
  /** The test's statistic (KS D, chi-squared, z) or distance (normed Wasserstein, Jensen-Shannon, PSI). */
  statistic: number;
  /** The p-value for hypothesis tests (ks, chisquare, z); null for distances. */
  pValue: number | null;
  /** The threshold: p-value below it (ks: at most it), or distance at least it, means drift. */
  threshold: number;
  /** Whether the column drifted. */
  drifted: boolean;
  /** Values compared and missing values dropped, in the reference. */
  reference: { count: number; missing: number };
  /** Values compared and missing values dropped, in the current data. */
  current: { count: number; missing: number };
}

/** dataDrift's result. */
export interface DataDriftResult {
  /** Whether the share of drifted columns reached driftShare. */
  datasetDrift: boolean;
  /** Drifted columns over columns compared. */
  share: number;
  /** How many columns drifted. */
  driftedColumns: number;
  /** The driftShare used. */
  driftShare: number;
  /** Per column, in the order compared. */
  features: Record<string, FeatureDrift>;
}

/** Each test's default threshold (Evidently's). */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftTestName, number>> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};

// Evidently's "small data" bound on the reference size, and its "few values" bound.
const SMALL_REFERENCE = 1000;
const FEW_VALUES = 5;

/** Per-column drift of `current` against `reference`, and dataset drift from the share of drifted columns. */
export function dataDrift(reference: Dataset, current: Dataset, options: DataDriftOptions = {}): DataDriftResult {
  const ref = readDataset(reference, 'reference');
  const cur = readDataset(current, 'current');
  const columns = chooseColumns(ref, cur, options.columns);
  const categorical = new Set(checkNames(options.categorical, columns, 'categorical'));
  const driftShare = options.driftShare ?? 0.5;
  if (typeof driftShare !== 'number' || !(driftShare > 0 && driftShare <= 1))
    throw new MonitorError(`driftShare must be a number in (0, 1], got ${describeValue(options.driftShare)}`);
  checkNames(Object.keys(options.tests ?? {}), columns, 'tests');
  checkNames(Object.keys(options.thresholds ?? {}), columns, 'thresholds');
  const features: Record<string, FeatureDrift> = {};
  for (const name of columns) {
    const a = cleanColumn(ref, name, 'reference', categorical.has(name));
    const b = cleanColumn(cur, name, 'current', categorical.has(name));
    if (a.kind !== b.kind) throw kindMismatch(name, a, b);
    features[name] = columnDrift(name, a, b, options.tests?.[name], options.thresholds?.[name]);
  }
  const driftedColumns = Object.values(features).filter((feature) => feature.drifted).length;
  const share = driftedColumns / columns.length;
  return { datasetDrift: share >= driftShare, share, driftedColumns, driftShare, features };
}

function chooseColumns(ref: Columns, cur: Columns, requested: readonly string[] | undefined): string[] {
  if (requested !== undefined) {
    if (!isNameList(requested) || requested.length === 0)
      throw new MonitorError(`columns must be a non-empty array of column names, got ${describeValue(requested)}`);
    for (const name of requested) {
      if (!ref.names.includes(name))
        throw new MonitorError(`column '${name}' is not in the reference dataset (its columns: ${ref.names.join(', ')})`);
      if (!cur.names.includes(name))
        throw new MonitorError(`column '${name}' is not in the current dataset (its columns: ${cur.names.join(', ')})`);
    }
    return [...new Set(requested)];
  }
  const onlyReference = ref.names.filter((name) => !cur.names.includes(name));
  const onlyCurrent = cur.names.filter((name) => !ref.names.includes(name));
  if (onlyReference.length || onlyCurrent.length)
    throw new MonitorError(
      'the reference and current datasets have different columns: ' +
        [
          onlyReference.length ? `only in the reference: ${onlyReference.join(', ')}` : '',
          onlyCurrent.length ? `only in the current data: ${onlyCurrent.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') +
        ' (pass columns to compare a subset)',
    );
  return ref.names;
}

function isNameList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((name) => typeof name === 'string');
}

function checkNames(names: readonly string[] | undefined, columns: readonly string[], option: string): readonly string[] {
  if (names === undefined) return [];
  if (!isNameList(names)) throw new MonitorError(`${option} must be an array of column names, got ${describeValue(names)}`);
  for (const name of names)
    if (!columns.includes(name))
      throw new MonitorError(`${option} names '${name}', which is not a compared column (${columns.join(', ')})`);
  return names;
}

function kindMismatch(name: string, a: CleanColumn, b: CleanColumn): MonitorError {
  const [numerical, other] = a.kind === 'numerical' ? ['reference', 'current'] : ['current', 'reference'];
  const sample = (a.kind === 'numerical' ? b : a).values.find((value) => typeof value !== 'number');
  return new MonitorError(
    `column '${name}' is numerical in the ${numerical} dataset but the ${other} dataset holds ${describeValue(sample)}; ` +
      'list it in categorical to compare its values as categories',
  );
}

/** Evidently's default test for a column. */
export function defaultTest(kind: 'numerical' | 'categorical', referenceSize: number, distinctValues: number): DriftTestName {
  if (referenceSize <= SMALL_REFERENCE) {
    if (kind === 'numerical' && distinctValues > FEW_VALUES) return 'ks';
    return distinctValues > 2 ? 'chisquare' : 'z';
  }
  return kind === 'numerical' && distinctValues > FEW_VALUES ? 'wasserstein' : 'jensenshannon';
}

function columnDrift(
  name: string,
  a: CleanColumn,
  b: CleanColumn,
  requested: DriftTestName | undefined,
  threshold: number | undefined,
): FeatureDrift {
  const distinct = new Set<Category>([...a.values, ...b.values]).size;
  const test = requested ?? defaultTest(a.kind, a.values.length, distinct);
  if (!DRIFT_TESTS.includes(test))
    throw new MonitorError(`tests: '${String(test)}' for column '${name}' is not one of ${DRIFT_TESTS.join(', ')}`);
  if (a.kind === 'categorical' && (test === 'ks' || test === 'wasserstein'))
    throw new MonitorError(`tests: '${test}' needs a numerical column, but '${name}' is categorical`);
  const limit = threshold ?? DEFAULT_THRESHOLDS[test];
  if (typeof limit !== 'number' || !Number.isFinite(limit))
    throw new MonitorError(`thresholds: '${name}' must be a finite number, got ${describeValue(threshold)}`);
  const { statistic, pValue } = runTest(test, a, b, name);
  const drifted = pValue === null ? statistic >= limit : test === 'ks' ? pValue <= limit : pValue < limit;
  return {
    test,
    type: a.kind,
    statistic,
    pValue,
    threshold: limit,
    drifted,
    reference: { count: a.values.length, missing: a.missing },
    current: { count: b.values.length, missing: b.missing },
  };
}

function runTest(test: DriftTestName, a: CleanColumn, b: CleanColumn, name: string): { statistic: number; pValue: number | null } {
  const numbers = (column: CleanColumn) => Float64Array.from(column.values as number[]);
  const options = { categorical: a.kind === 'categorical' };
  switch (test) {
    case 'ks': {
      const result = ksTest(numbers(a), numbers(b));
      return { statistic: result.statistic, pValue: result.pValue };
    }
    case 'chisquare': {
      const reference = countCategories(a.values);
      const current = countCategories(b.values);
      const keys = [...new Set([...reference.keys(), ...current.keys()])];
      const result = chiSquareTest(
        keys.map((key) => reference.get(key) ?? 0),
        keys.map((key) => current.get(key) ?? 0),
      );
      return { statistic: result.statistic, pValue: result.pValue };
    }
    case 'z': {
      try {
        const result = zTest(a.values, b.values);
        return { statistic: result.statistic, pValue: result.pValue };
      } catch (error) {
        throw new MonitorError(`column '${name}': ${(error as Error).message}`);
      }
    }
    case 'wasserstein': {
      const reference = numbers(a);
      return { statistic: wasserstein(reference, numbers(b)) / Math.max(populationStd(reference), 0.001), pValue: null };
    }
    case 'jensenshannon':
      return { statistic: jensenShannonDistance(a.values, b.values, options).statistic, pValue: null };
    case 'psi':
      return { statistic: psi(a.values, b.values, options).statistic, pValue: null };
  }
}
