/**
 * Datasets for dataDrift: an array of records (`[{ age: 31, plan: 'pro' }, ...]`) or an object of
 * columns (`{ age: [31, 45], plan: ['pro', 'free'] }`, arrays, typed arrays or 1-D tensors). Each
 * column is read into plain values with its missing ones counted: null, undefined, NaN and
 * +-Infinity are missing (as Evidently drops NaN and infinities before testing), and dropped.
 * A column's kind follows its values: numbers (and bigints) make it numerical, strings and
 * booleans categorical; mixing them, or a column numerical on one side and not on the other, is an
 * error that names the column, the dataset and the first offending row.
 * @module
 */
import { Tensor } from '../tensor/tensor.js';
import type { Category } from './categories.js';
import { MonitorError, describeValue } from './errors.js';

/** A column's values: an array, a typed array or a 1-D tensor. */
export type ColumnValues = ArrayLike<unknown> | Tensor;

/** Records (one object per row) or columns (one array per column). */
export type Dataset = readonly Readonly<Record<string, unknown>>[] | Readonly<Record<string, ColumnValues>>;

/** Which side of the comparison a dataset is, for messages. */
export type Side = 'reference' | 'current';

/** A dataset read into columns. */
export interface Columns {
  /** Column names in first-seen order. */
  names: string[];
  /** Rows. */
  rows: number;
  /** The raw values of a column (undefined where a record lacks it). */
  values(name: string): ArrayLike<unknown>;
}

/** A column with its missing values dropped. */
export interface CleanColumn {
  /** The values left, all numbers or all categories. */
  values: Category[];
  /** How many were missing. */
  missing: number;
  /** 'numerical' when every value is a number, else 'categorical'. */
  kind: 'numerical' | 'categorical';
}

/** `dataset` as columns; errors name the side and the problem. */
export function readDataset(dataset: Dataset, side: Side): Columns {
  if (Array.isArray(dataset)) return readRecords(dataset as readonly unknown[], side);
  if (dataset === null || typeof dataset !== 'object' || dataset instanceof Tensor)
    throw new MonitorError(`the ${side} dataset must be an array of records or an object of columns, got ${describeValue(dataset)}`);
  const names = Object.keys(dataset);
  if (names.length === 0) throw new MonitorError(`the ${side} dataset has no columns`);
  const columns = new Map<string, ArrayLike<unknown>>();
  for (const name of names) {
    const column = (dataset as Record<string, unknown>)[name];
    if (column instanceof Tensor) {
      if (column.dim() !== 1)
        throw new MonitorError(`column '${name}' of the ${side} dataset must be a 1-D tensor, got shape [${column.shape.join(', ')}]`);
      columns.set(name, column.toTypedArray());
    } else if (column !== null && typeof column === 'object' && typeof (column as ArrayLike<unknown>).length === 'number')
      columns.set(name, column as ArrayLike<unknown>);
    else throw new MonitorError(`column '${name}' of the ${side} dataset must be an array or a 1-D tensor, got ${describeValue(column)}`);
  }
  const rows = columns.get(names[0]!)!.length;
  for (const name of names) {
    const length = columns.get(name)!.length;
    if (length !== rows)
      throw new MonitorError(
        `the ${side} dataset's columns differ in length: '${names[0]}' has ${rows} values but '${name}' has ${length}`,
      );
  }
  if (rows === 0) throw new MonitorError(`the ${side} dataset is empty (no rows)`);
  return { names, rows, values: (name) => columns.get(name)! };
}

function readRecords(records: readonly unknown[], side: Side): Columns {
  if (records.length === 0) throw new MonitorError(`the ${side} dataset is empty (no rows)`);
  const names = new Set<string>();
  records.forEach((record, i) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record))
      throw new MonitorError(`row ${i} of the ${side} dataset is ${describeValue(record)}, not a record (an object of column values)`);
    for (const key of Object.keys(record)) names.add(key);
  });
  const cache = new Map<string, unknown[]>();
  return {
    names: [...names],
    rows: records.length,
    values: (name) => {
      let column = cache.get(name);
      if (!column) cache.set(name, (column = records.map((record) => (record as Record<string, unknown>)[name])));
      return column;
    },
  };
}

/** Whether `value` counts as missing: null, undefined, NaN or an infinity. */
export const isMissing = (value: unknown): boolean =>
  value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value));

/**
 * The column `name` of `side` without its missing values; `categorical` forces the categorical
 * kind (numbers then count as categories). Values that are neither numbers, strings nor booleans,
 * and columns mixing numbers with strings or booleans, are errors.
 */
export function cleanColumn(columns: Columns, name: string, side: Side, categorical: boolean): CleanColumn {
  const raw = columns.values(name);
  const values: Category[] = [];
  let missing = 0;
  let firstNumber = -1;
  let firstOther = -1;
  for (let i = 0; i < raw.length; i++) {
    const value = raw[i];
    if (isMissing(value)) {
      missing++;
      continue;
    }
    if (typeof value === 'number' || typeof value === 'bigint') {
      if (firstNumber < 0) firstNumber = i;
      values.push(Number(value));
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      if (firstOther < 0) firstOther = i;
      values.push(value);
    } else
      throw new MonitorError(
        `column '${name}' of the ${side} dataset holds ${describeValue(value)} at row ${i}: values must be numbers, strings or booleans`,
      );
  }
  if (values.length === 0)
    throw new MonitorError(
      `column '${name}' of the ${side} dataset has no values (${missing} missing of ${raw.length}): nothing to compare`,
    );
  if (!categorical && firstNumber >= 0 && firstOther >= 0)
    throw new MonitorError(
      `column '${name}' of the ${side} dataset mixes numbers (row ${firstNumber}: ${describeValue(raw[firstNumber])}) and ` +
        `non-numbers (row ${firstOther}: ${describeValue(raw[firstOther])}); list it in categorical to compare its values as categories`,
    );
  return { values, missing, kind: categorical || firstOther >= 0 ? 'categorical' : 'numerical' };
}
