/**
 * The options of the classification metrics, checked once when a metric is made: the task, the
 * number of classes, the threshold, the average and top-k, with torchmetrics' defaults.
 * @module
 */
import { check, describeValue, invalidOption, isPlainObject, requireOptions } from '../util/validate.js';

/** What is being classified: one probability or label per element ('binary'), or one of `numClasses` classes ('multiclass'). */
export type Task = 'binary' | 'multiclass';

/**
 * How per-class scores become one: 'micro' pools the counts of every class, 'macro' averages the
 * classes (those that occur in target or preds), 'weighted' averages them by support (their count
 * in target), 'none' gives a score per class.
 */
export type Average = 'micro' | 'macro' | 'weighted' | 'none';

/** Options shared by every classification metric. */
export interface TaskOptions {
  /** 'binary' or 'multiclass'. */
  task: Task;
  /** Number of classes: required for 'multiclass' (an integer of at least 2). */
  numClasses?: number;
  /** For 'binary' float preds: a probability above it is a positive (default 0.5). */
  threshold?: number;
}

/** Options of Accuracy, Precision, Recall and F1Score (and their functional forms). */
export interface ClassificationOptions extends TaskOptions {
  /** For 'multiclass': how the per-class scores are averaged (default 'micro'); 'binary' ignores it. */
  average?: Average;
  /** For 'multiclass' scores: a sample counts as predicting its `topK` highest-scoring classes (default 1). */
  topK?: number;
}

/** The checked options of a classification metric, defaults filled in. */
export interface TaskConfig {
  readonly task: Task;
  /** 2 for 'binary'. */
  readonly numClasses: number;
  readonly threshold: number;
}

/** The checked options of Accuracy, Precision, Recall and F1Score. */
export interface ClassificationConfig extends TaskConfig {
  readonly average: Average;
  readonly topK: number;
}

const TASKS: readonly Task[] = ['binary', 'multiclass'];
const AVERAGES: readonly Average[] = ['micro', 'macro', 'weighted', 'none'];

/** `'a', 'b' or 'c'`, for messages. */
export function listOf(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** Returns `value` (or `fallback` when it is undefined) when it is one of `allowed`, else throws naming them. */
export function oneOf<T extends string>(where: string, name: string, value: unknown, allowed: readonly T[], fallback?: T): T {
  const chosen = value ?? fallback;
  if (typeof chosen === 'string' && (allowed as readonly string[]).includes(chosen)) return chosen as T;
  throw invalidOption(where, name, allowed.length === 2 ? listOf(allowed) : `one of ${listOf(allowed)}`, chosen);
}

/** Throws when `options` is not a plain object or has a key that is not one of `known` (a snake_case typo, say). */
export function checkKeys(where: string, options: unknown, known: readonly string[], needs: string): Record<string, unknown> {
  requireOptions(where, options, needs);
  if (!isPlainObject(options)) throw new TypeError(`${where}: options must be a plain object, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown option '${key}' (options: ${known.join(', ')})`);
  }
  return options;
}

const isClassCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 2;
const isProbability = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** Checks the task, numClasses and threshold of `options` (whose other keys the caller has checked). */
export function taskConfig(where: string, options: Record<string, unknown>): TaskConfig {
  const task = oneOf(where, 'task', options.task, TASKS);
  const threshold = check(where, 'threshold', options.threshold ?? 0.5, 'a number in [0, 1]', isProbability);
  if (task === 'binary') {
    if (options.numClasses !== undefined) check(where, 'numClasses', options.numClasses, 'an integer of at least 2', isClassCount);
    return { task, numClasses: 2, threshold };
  }
  const numClasses = check(where, 'numClasses', options.numClasses, "an integer of at least 2 for task 'multiclass'", isClassCount);
  return { task, numClasses, threshold };
}

const CLASSIFICATION_KEYS = ['task', 'numClasses', 'threshold', 'average', 'topK'];

/** Checks the options of Accuracy, Precision, Recall or F1Score. */
export function classificationConfig(where: string, options: ClassificationOptions | undefined): ClassificationConfig {
  const given = checkKeys(where, options, CLASSIFICATION_KEYS, "{ task: 'binary' | 'multiclass', ... }");
  const base = taskConfig(where, given);
  const average = oneOf(where, 'average', given.average, AVERAGES, 'micro');
  const topK = check(where, 'topK', given.topK ?? 1, 'a positive integer', isCount);
  if (base.task === 'multiclass' && topK > base.numClasses)
    throw new RangeError(`${where}: topK must be at most numClasses (${base.numClasses}), got ${topK}`);
  return { ...base, average, topK: base.task === 'binary' ? 1 : topK };
}
