/**
 * One entry of a sweep's `parameters`, validated as W&B's schema does (each distribution takes
 * its own keys and no others) and with W&B's inference where `distribution` is left out: values
 * → categorical, value → constant, integer min and max → int_uniform, otherwise min and max →
 * uniform, parameters → a nested group.
 * @module
 */
import { SweepConfigError, joinPath } from './errors.js';
import { isRawInteger, plain, rejectUnknownKeys, requireNumber, requireObject, type RawContext } from './raw.js';
import type { Distribution, DistributionName, Parameter } from './types.js';
import { describeValue } from '../util/validate.js';

/** Every distribution W&B's sweep configuration names, in its documentation's order. */
export const DISTRIBUTIONS: readonly DistributionName[] = [
  'constant',
  'categorical',
  'int_uniform',
  'uniform',
  'q_uniform',
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'normal',
  'q_normal',
  'log_normal',
  'q_log_normal',
  'beta',
  'q_beta',
];

type NumberField = 'min' | 'max' | 'mu' | 'sigma' | 'q' | 'a' | 'b';

/** The numeric keys of each distribution: required ones (no default) and defaults (W&B's). */
const NUMERIC_FIELDS: Partial<Record<DistributionName, Partial<Record<NumberField, number | null>>>> = {
  int_uniform: { min: null, max: null },
  uniform: { min: null, max: null },
  q_uniform: { min: null, max: null, q: 1 },
  log_uniform: { min: null, max: null },
  log_uniform_values: { min: null, max: null },
  q_log_uniform: { min: null, max: null, q: 1 },
  q_log_uniform_values: { min: null, max: null, q: 1 },
  inv_log_uniform: { min: null, max: null },
  inv_log_uniform_values: { min: null, max: null },
  normal: { mu: 0, sigma: 1 },
  q_normal: { mu: 0, sigma: 1, q: 1 },
  log_normal: { mu: 0, sigma: 1 },
  q_log_normal: { mu: 0, sigma: 1, q: 1 },
  beta: { a: 1, b: 1 },
  q_beta: { a: 1, b: 1, q: 1 },
};

/** Distributions whose min and max are values and so must be positive (a log is taken). */
const POSITIVE_MIN = new Set<DistributionName>(['log_uniform_values', 'q_log_uniform_values', 'inv_log_uniform_values']);

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** W&B's distribution for a parameter that names none. */
function inferDistribution(spec: Record<string, unknown>, path: string, context: RawContext): DistributionName {
  if ('values' in spec) return 'categorical';
  if ('value' in spec) return 'constant';
  if ('min' in spec && 'max' in spec) return isRawInteger(spec.min, context) && isRawInteger(spec.max, context) ? 'int_uniform' : 'uniform';
  throw new SweepConfigError(
    path,
    `cannot tell the distribution from keys [${Object.keys(spec).join(', ')}]; give value, values, min and max, parameters, or a distribution`,
  );
}

function categorical(spec: Record<string, unknown>, path: string): Distribution {
  rejectUnknownKeys(spec, ['distribution', 'values', 'probabilities'], path, 'for distribution categorical');
  const values = spec.values;
  if (!Array.isArray(values) || values.length === 0)
    throw new SweepConfigError(joinPath(path, 'values'), `expected a non-empty list, got ${describeValue(plain(values))}`);
  if (spec.probabilities === undefined) return { distribution: 'categorical', values: values.map(plain) };
  const where = joinPath(path, 'probabilities');
  const probabilities = spec.probabilities;
  if (!Array.isArray(probabilities) || probabilities.length !== values.length)
    throw new SweepConfigError(
      where,
      `expected a list of ${values.length} probabilities (one per value), got ${describeValue(plain(probabilities))}`,
    );
  const numbers = probabilities.map((p, i) => {
    const n = requireNumber(p, `${where}[${i}]`);
    if (n < 0) throw new SweepConfigError(`${where}[${i}]`, `expected a probability >= 0, got ${n}`);
    return n;
  });
  const sum = numbers.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-5) throw new SweepConfigError(where, `expected probabilities that sum to 1, got a sum of ${sum}`);
  return { distribution: 'categorical', values: values.map(plain), probabilities: numbers };
}

function numeric(name: DistributionName, spec: Record<string, unknown>, path: string, context: RawContext): Distribution {
  const fields = NUMERIC_FIELDS[name]!;
  rejectUnknownKeys(spec, ['distribution', ...Object.keys(fields)], path, `for distribution ${name}`);
  const out: Record<string, number> = {};
  for (const [field, fallback] of Object.entries(fields)) {
    const where = joinPath(path, field);
    if (spec[field] === undefined) {
      if (fallback === null) throw new SweepConfigError(where, `required for distribution ${name}`);
      out[field] = fallback;
    } else {
      if (name === 'int_uniform' && !isRawInteger(spec[field], context))
        throw new SweepConfigError(where, `expected an integer for distribution int_uniform, got ${describeValue(plain(spec[field]))}`);
      out[field] = requireNumber(spec[field], where);
    }
  }
  const { min, max } = out;
  if (min !== undefined && max !== undefined && min >= max) throw new SweepConfigError(path, `min ${min} is not less than max ${max}`);
  if (POSITIVE_MIN.has(name) && min !== undefined && min <= 0)
    throw new SweepConfigError(joinPath(path, 'min'), `expected a value > 0 for distribution ${name}, got ${min}`);
  for (const field of ['sigma', 'q', 'a', 'b'])
    if (field in out && out[field]! <= 0)
      throw new SweepConfigError(joinPath(path, field), `expected a value > 0 for distribution ${name}, got ${out[field]}`);
  return { distribution: name, ...out } as Distribution;
}

/** The validated parameter at `path` (nested groups validated recursively). */
export function parseParameter(raw: unknown, path: string, context: RawContext): Parameter {
  const spec = requireObject(raw, path);
  if ('parameters' in spec && spec.distribution === undefined) {
    rejectUnknownKeys(spec, ['parameters'], path, 'beside a nested parameters group');
    return { parameters: parseParameters(spec.parameters, joinPath(path, 'parameters'), context) };
  }
  let name: DistributionName;
  if (spec.distribution === undefined) name = inferDistribution(spec, path, context);
  else if (spec.distribution === 'categorical_w_probabilities')
    name = 'categorical'; // W&B's schema spells it so
  else if (typeof spec.distribution === 'string' && (DISTRIBUTIONS as readonly string[]).includes(spec.distribution))
    name = spec.distribution as DistributionName;
  else
    throw new SweepConfigError(
      joinPath(path, 'distribution'),
      `unknown distribution ${describeValue(plain(spec.distribution))}; expected one of: ${DISTRIBUTIONS.join(', ')}`,
    );
  if (name === 'constant') {
    rejectUnknownKeys(spec, ['distribution', 'value'], path, 'for distribution constant');
    if (!('value' in spec)) throw new SweepConfigError(joinPath(path, 'value'), 'required for distribution constant');
    return { distribution: 'constant', value: plain(spec.value) };
  }
  if (name === 'categorical') return categorical(spec, path);
  return numeric(name, spec, path, context);
}

/** A `parameters` mapping: at least one entry, each under a W&B-valid name. */
export function parseParameters(raw: unknown, path: string, context: RawContext): Record<string, Parameter> {
  const object = requireObject(raw, path);
  const names = Object.keys(object);
  if (names.length === 0) throw new SweepConfigError(path, 'expected at least one parameter');
  const out: Record<string, Parameter> = {};
  for (const name of names) {
    if (!NAME_PATTERN.test(name))
      throw new SweepConfigError(
        joinPath(path, name),
        `invalid parameter name; expected letters, digits, '_', '.', '-', not starting with a digit`,
      );
    out[name] = parseParameter(object[name], joinPath(path, name), context);
  }
  return out;
}
