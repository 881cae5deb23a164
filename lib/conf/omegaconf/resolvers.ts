/**
 * The resolver registry: `registerResolver('add', ([a, b]) => a + b)` makes `${add:1,2}` work, like
 * OmegaConf.register_new_resolver. The built-in ones (oc.env, oc.select, oc.create, oc.decode,
 * oc.dict.keys, oc.dict.values, and Hydra's now) are always there; clearResolvers() goes back to them.
 * @module
 */
import { registerBuiltins } from './builtins.js';
import { ConfigValueError } from './errors.js';
import type { Config, ConfigValue } from './types.js';

/** What a resolver sees besides its arguments: where the interpolation being resolved sits. */
export interface ResolverContext {
  /** The root of the config. */
  readonly root: Config;
  /** The container holding the node being resolved (OmegaConf's `_parent_`). */
  readonly parent: Config;
  /** The node's key in its parent. */
  readonly key: string | number;
  /** The node's full key (`a.b[0].c`). */
  readonly fullKey: string;
  /**
   * Selects and resolves a key as oc.select does: absolute from the root, or relative to
   * `parent` with leading dots. An absent or `???` key gives `options.default`, or null.
   */
  select(key: string, options?: { default?: ConfigValue }): ConfigValue;
  /** Parses `text` as one grammar element and resolves it here, as oc.decode does. */
  decode(text: string): ConfigValue;
}

/**
 * A resolver: receives the parsed arguments (`${f:1, a, [x]}` -> [1, 'a', ['x']], interpolations
 * already resolved) and returns the node's value. A string it returns is final (never parsed
 * again); a dict or list it returns is a config subtree whose interpolations resolve in place.
 */
export type ResolverFunction = (args: ConfigValue[], context: ResolverContext) => unknown;

/** Options of registerResolver. */
export interface ResolverOptions {
  /** Replace a resolver already registered under the name (default false: that is an error). */
  replace?: boolean;
  /** Compute once per config root and argument list, then reuse (Hydra's `now` does). */
  useCache?: boolean;
}

/** A registered resolver (internal). */
export interface RegisteredResolver {
  fn: ResolverFunction;
  useCache: boolean;
}

const registry = new Map<string, RegisteredResolver>();

/** Registers a resolver under `name` (dots allowed: `my.ns.fn`). */
export function registerResolver(name: string, fn: ResolverFunction, options: ResolverOptions = {}): void {
  if (typeof name !== 'string' || name === '') throw new ConfigValueError('resolver name must be a non-empty string');
  if (typeof fn !== 'function') throw new ConfigValueError(`resolver '${name}' must be a function`);
  if (registry.has(name) && !options.replace) throw new ConfigValueError(`resolver '${name}' is already registered`);
  registry.set(name, { fn, useCache: options.useCache ?? false });
}

/** True when a resolver is registered under `name`. */
export function hasResolver(name: string): boolean {
  return registry.has(name);
}

/** Removes one resolver; returns whether it was registered. */
export function clearResolver(name: string): boolean {
  return registry.delete(name);
}

/** Removes every resolver registered by the user, keeping the built-in ones. */
export function clearResolvers(): void {
  registry.clear();
  registerBuiltins((name, fn, options) => registerResolver(name, fn, options));
}

/** The resolver registered under `name` (internal: the resolution engine calls it). */
export function getResolver(name: string): RegisteredResolver | undefined {
  return registry.get(name);
}

clearResolvers();
