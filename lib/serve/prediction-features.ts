/**
 * What the server logs about each predicted row, and what drift is computed over: the row's input
 * features and its prediction. Each input is named as the model's signature names it (`input0`,
 * `input1`, ... without one) and becomes columns by its shape per row:
 * - one value: the column `name`;
 * - an image (`[C, H, W]`, C 1 or 3, H and W at least 3): `name.brightness`, `name.contrast`,
 *   `name.sharpness` (torch.monitor.imageStatistics);
 * - up to {@link MAX_FEATURES} values: `name.0` ... `name.<k-1>`, flattened in row-major order;
 * - more: the summary `name.mean`, `name.std`, `name.min`, `name.max`.
 * A reference dataset for the server's drift checks uses the same column names.
 *
 * The prediction is the first output's: a classifier's `[rows, classes]` scores give the class
 * (named by index_to_name.json where the model has one) and its softmax probability as the
 * confidence (scores that already are probabilities are taken as they are); a `[rows]` or
 * `[rows, 1]` output gives `value`.
 * @module
 */
import { imageStatistics } from '../monitor/image-stats.js';
import type { Tensor } from '../tensor/tensor.js';

/** The name of class `index` in index_to_name.json's mapping (ImageNet's `["n01440764", "tench"]` gives the last), or the index as text. */
export function classNameOf(names: Readonly<Record<string, unknown>> | null, index: number): string {
  const name = names?.[String(index)];
  if (Array.isArray(name)) return String(name.at(-1));
  return typeof name === 'string' ? name : String(index);
}

/** Rows with more values than this are summarized (mean, std, min, max) instead of logged whole. */
export const MAX_FEATURES = 64;

/** One row's prediction as the log and the metrics record it. */
export interface RowPrediction {
  /** The predicted class (a classifier's output). */
  class?: string;
  /** The predicted class's probability. */
  confidence?: number;
  /** A single-valued output (a regression's). */
  value?: number;
}

const isImage = (sample: readonly number[]) =>
  sample.length === 3 && (sample[0] === 1 || sample[0] === 3) && sample[1]! >= 3 && sample[2]! >= 3;

function floatRows(tensor: Tensor): { values: Float64Array; rows: number; width: number } {
  const rows = tensor.dim() === 0 ? 1 : tensor.shape[0]!;
  const values = tensor.detach().to('float64').contiguous().toTypedArray() as Float64Array;
  return { values, rows, width: rows === 0 ? 0 : values.length / rows };
}

function summarize(values: Float64Array, start: number, width: number): Record<string, number> {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < start + width; i++) {
    const v = values[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / width;
  let squares = 0;
  for (let i = start; i < start + width; i++) squares += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(squares / width), min, max };
}

/** Adds one input's columns for every row to `rows` (one record per row). */
function addInputFeatures(rows: Record<string, number>[], name: string, tensor: Tensor): void {
  const sample = tensor.shape.slice(1);
  if (tensor.dtype === 'bool' || tensor.dtype.startsWith('complex')) return;
  if (isImage(sample)) {
    const stats = imageStatistics(tensor);
    rows.forEach((row, r) => {
      row[`${name}.brightness`] = stats.brightness[r]!;
      row[`${name}.contrast`] = stats.contrast[r]!;
      row[`${name}.sharpness`] = stats.sharpness[r]!;
    });
    return;
  }
  const { values, width } = floatRows(tensor);
  rows.forEach((row, r) => {
    const start = r * width;
    if (width === 1 && sample.every((size) => size === 1)) row[name] = values[start]!;
    else if (width <= MAX_FEATURES) for (let j = 0; j < width; j++) row[`${name}.${j}`] = values[start + j]!;
    else for (const [key, value] of Object.entries(summarize(values, start, width))) row[`${name}.${key}`] = value;
  });
}

/**
 * One feature record per row of a request's `inputs` (each with the rows along dimension 0),
 * named after `names` (the signature's input names) or `input<i>`.
 */
export function rowFeatures(inputs: readonly Tensor[], names: readonly string[] = []): Record<string, number>[] {
  const rows = inputs[0] && inputs[0].dim() > 0 ? inputs[0].shape[0]! : 1;
  const records: Record<string, number>[] = Array.from({ length: rows }, () => ({}));
  inputs.forEach((tensor, i) => {
    if (tensor.dim() > 0 && tensor.shape[0] === rows) addInputFeatures(records, names[i] ?? `input${i}`, tensor);
  });
  return records;
}

function looksLikeProbabilities(values: Float64Array, start: number, width: number): boolean {
  let sum = 0;
  for (let i = start; i < start + width; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

/** The top class of one row of scores and its probability (softmax unless they already are probabilities). */
function topClass(values: Float64Array, start: number, width: number): { index: number; confidence: number } {
  let index = 0;
  for (let j = 1; j < width; j++) if (values[start + j]! > values[start + index]!) index = j;
  if (looksLikeProbabilities(values, start, width)) return { index, confidence: values[start + index]! };
  const top = values[start + index]!;
  let sum = 0;
  for (let j = 0; j < width; j++) sum += Math.exp(values[start + j]! - top);
  return { index, confidence: 1 / sum };
}

/**
 * Each row's prediction from the model's first output, or an empty list when that output is not a
 * classifier's scores or a single value per row. `className` names a class index.
 */
export function rowPredictions(outputs: readonly Tensor[], className: (index: number) => string = String): RowPrediction[] {
  const output = outputs[0];
  if (!output || output.dim() === 0 || output.dim() > 2 || !output.dtype.includes('float')) return [];
  const { values, rows, width } = floatRows(output);
  if (width === 1) return Array.from({ length: rows }, (_, r) => ({ value: values[r]! }));
  return Array.from({ length: rows }, (_, r) => {
    const { index, confidence } = topClass(values, r * width, width);
    return { class: className(index), confidence };
  });
}
