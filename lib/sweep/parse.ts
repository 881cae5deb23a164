/**
 * parseSweepConfig: a W&B sweep configuration (YAML text or an object), validated key by key,
 * with W&B's defaults filled in and every parameter's distribution named.
 * @module
 */
import { parse as parseYaml } from 'yaml';
import { parseEarlyTerminate } from './early-terminate.js';
import { SweepConfigError } from './errors.js';
import { gridAxes } from './grid.js';
import { parseParameters } from './parameters.js';
import {
  plain,
  rejectUnknownKeys,
  requireChoice,
  requireInteger,
  requireNumber,
  requireObject,
  requireString,
  type RawContext,
} from './raw.js';
import { leavesOf } from './space.js';
import type { SweepConfig, SweepMethod, SweepMetric } from './types.js';
import { describeValue } from '../util/validate.js';

/** The search methods. */
export const METHODS: readonly SweepMethod[] = ['grid', 'random', 'bayes'];

const KEYS = [
  'method',
  'parameters',
  'metric',
  'early_terminate',
  'run_cap',
  'name',
  'description',
  'program',
  'command',
  'entity',
  'project',
];
/** Keys W&B's schema has that mean nothing to a local sweep; accepted so that W&B's files load unchanged. */
const IGNORED_KEYS = ['apiVersion', 'kind', 'controller', 'job', 'image_uri'];

function parseMetric(raw: unknown): SweepMetric {
  const object = requireObject(raw, 'metric');
  rejectUnknownKeys(object, ['name', 'goal', 'target', 'impute', 'impute_while_running'], 'metric', 'in metric');
  const metric: SweepMetric = {
    name: requireString(object.name, 'metric.name'),
    goal: object.goal === undefined ? 'minimize' : requireChoice(object.goal, ['minimize', 'maximize'], 'metric.goal', 'goal'),
  };
  if (object.target !== undefined) metric.target = requireNumber(object.target, 'metric.target');
  return metric;
}

/** Parses and validates a sweep configuration; a SweepConfigError names the key at fault. */
export function parseSweepConfig(input: string | Record<string, unknown>): SweepConfig {
  let raw: unknown = input;
  const context: RawContext = { bigintInts: typeof input === 'string' };
  if (typeof input === 'string') {
    try {
      raw = parseYaml(input, { intAsBigInt: true });
    } catch (error) {
      throw new SweepConfigError('', `not valid YAML: ${(error as Error).message}`);
    }
  }
  const object = requireObject(raw, '');
  rejectUnknownKeys(object, [...KEYS, ...IGNORED_KEYS], '', 'at the top level');
  if (object.method === undefined) throw new SweepConfigError('method', `required; expected one of: ${METHODS.join(', ')}`);
  const method = requireChoice(object.method, METHODS, 'method', 'method');
  if (object.parameters === undefined) throw new SweepConfigError('parameters', 'required');
  const config: SweepConfig = { method, parameters: parseParameters(object.parameters, 'parameters', context) };
  if (object.metric !== undefined) config.metric = parseMetric(object.metric);
  if (object.early_terminate !== undefined)
    config.early_terminate = parseEarlyTerminate(object.early_terminate, 'early_terminate', context);
  if (object.run_cap !== undefined) config.run_cap = requireInteger(object.run_cap, 'run_cap', context, 1);
  for (const key of ['name', 'description', 'program', 'entity', 'project'] as const)
    if (object[key] !== undefined) config[key] = requireString(object[key], key);
  if (object.command !== undefined) {
    if (!Array.isArray(object.command))
      throw new SweepConfigError('command', `expected a list, got ${describeValue(plain(object.command))}`);
    config.command = object.command.map(plain);
  }
  if (method === 'bayes' && !config.metric) throw new SweepConfigError('metric', 'required for method bayes (the metric to optimize)');
  if (config.early_terminate && !config.metric)
    throw new SweepConfigError('metric', 'required with early_terminate (the metric to compare)');
  if (method === 'grid') gridAxes(leavesOf(config.parameters));
  return config;
}
