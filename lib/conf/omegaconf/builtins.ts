/**
 * The built-in resolvers: OmegaConf's oc.env, oc.select, oc.create, oc.decode, oc.dict.keys and
 * oc.dict.values, and Hydra's now. Their errors read like the Python originals (`KeyError raised
 * while resolving interpolation: Environment variable 'X' not found`).
 * @module
 */
import { pyRepr, pyStr, pyTypeName } from './pystr.js';
import type { ResolverContext, ResolverFunction, ResolverOptions } from './resolvers.js';
import { strftime } from './strftime.js';
import { cloneValue } from './tree.js';
import { isContainer, isDict, type ConfigValue } from './types.js';
import { loadYaml } from './yaml.js';

/** An error named like the Python exception OmegaConf would raise. */
function pyError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function checkArity(name: string, args: ConfigValue[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    const wanted = min === max ? `${min}` : `${min} to ${max}`;
    throw new TypeError(`${name} takes ${wanted} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

const env: ResolverFunction = (args) => {
  checkArity('oc.env', args, 1, 2);
  const [key, ...rest] = args;
  if (typeof key !== 'string') throw new TypeError(`oc.env: the variable name must be a string, got ${pyRepr(key!)}`);
  const value = process.env[key];
  if (value !== undefined) return value;
  if (rest.length === 0) throw pyError('KeyError', `Environment variable '${key}' not found`);
  // The default is parsed by the grammar (`${oc.env:N,10}`), then returned as a string, as OmegaConf does; null stays null.
  const fallback = rest[0]!;
  return fallback === null ? null : pyStr(fallback);
};

const select: ResolverFunction = (args, context) => {
  checkArity('oc.select', args, 1, 2);
  const [key, ...rest] = args;
  if (typeof key !== 'string') throw new TypeError(`oc.select: the key must be a string, got ${pyRepr(key!)}`);
  return rest.length === 0 ? context.select(key) : context.select(key, { default: rest[0]! });
};

const create: ResolverFunction = (args) => {
  checkArity('oc.create', args, 1, 1);
  const [input] = args as [ConfigValue];
  if (input === null) return null;
  if (typeof input === 'string') return loadYaml(input, { source: 'oc.create' });
  if (isContainer(input)) return cloneValue(input);
  throw pyError('ValueError', `oc.create: input must be a dict, a list or YAML text, got ${pyRepr(input)} of type ${pyTypeName(input)}`);
};

const decode: ResolverFunction = (args, context) => {
  checkArity('oc.decode', args, 1, 1);
  const [expr] = args as [ConfigValue];
  if (expr === null) return null;
  if (typeof expr !== 'string') {
    throw new TypeError(`\`oc.decode\` can only take strings or None as input, but \`${pyStr(expr)}\` is of type ${pyTypeName(expr)}`);
  }
  return context.decode(expr);
};

/** The dict a oc.dict.* resolver reads, checked as OmegaConf checks it. */
function dictInput(name: string, args: ConfigValue[], context: ResolverContext): { key: string; keys: string[] } {
  checkArity(name, args, 1, 1);
  const [key] = args as [ConfigValue];
  if (typeof key !== 'string') {
    throw new TypeError(`\`${name}\` requires a string as input, but obtained \`${pyStr(key)}\` of type: ${pyTypeName(key)}`);
  }
  const absent = {};
  const value = context.select(key, { default: absent });
  if (value === absent) throw pyError('ConfigKeyError', `Key not found: '${key}'`);
  if (!isDict(value)) throw new TypeError(`\`${name}\` cannot be applied to objects of type: ${pyTypeName(value)}`);
  return { key, keys: Object.keys(value) };
}

const dictKeys: ResolverFunction = (args, context) => dictInput('oc.dict.keys', args, context).keys;

const dictValues: ResolverFunction = (args, context) => {
  const { key, keys } = dictInput('oc.dict.values', args, context);
  // Interpolations, so the values stay live; one more dot since they sit one level deeper, in the list.
  const base = key.startsWith('.') ? `.${key}` : key;
  return keys.map((k) => `\${${base}.${k}}`);
};

const now: ResolverFunction = (args) => {
  checkArity('now', args, 1, 1);
  const [pattern] = args as [ConfigValue];
  if (typeof pattern !== 'string') throw new TypeError(`now: the format must be a string, got ${pyRepr(pattern)}`);
  return strftime(new Date(), pattern);
};

/** Registers the built-in resolvers through `register`. */
export function registerBuiltins(register: (name: string, fn: ResolverFunction, options?: ResolverOptions) => void): void {
  register('oc.env', env);
  register('oc.select', select);
  register('oc.create', create);
  register('oc.decode', decode);
  register('oc.dict.keys', dictKeys);
  register('oc.dict.values', dictValues);
  // Hydra caches it, so every `${now:...}` of one config reads the same instant.
  register('now', now, { useCache: true });
}
