/**
 * The search space as a flat list of leaf parameters, each with its path into the nested run
 * config. The order is W&B's: names sorted at every level, a nested group's leaves where its name
 * sorts (HyperParameterSet.from_config walks `sorted(parameters.items())`), so a grid enumerates
 * combinations in the order W&B does.
 * @module
 */
import type { Distribution, Parameter } from './types.js';
import { isPlainObject } from '../util/validate.js';

/** A searched (or constant) parameter and where its value goes. */
export interface Leaf {
  /** Keys from the top of the run config down to this parameter. */
  path: string[];
  /** The path joined with dots, as Hydra overrides and result tables name it. */
  key: string;
  distribution: Distribution;
}

/** A run's parameter values, nested as W&B's `wandb.config` nests them. */
export type Params = Record<string, unknown>;

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The leaves of `parameters` in W&B's order. */
export function leavesOf(parameters: Record<string, Parameter>, prefix: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const name of Object.keys(parameters).sort(byCodePoint)) {
    const parameter = parameters[name]!;
    const path = [...prefix, name];
    if ('parameters' in parameter) out.push(...leavesOf(parameter.parameters, path));
    else out.push({ path, key: path.join('.'), distribution: parameter });
  }
  return out;
}

/** The value at `path` in `params`, or undefined when a key on the way is missing. */
export function getPath(params: Params, path: readonly string[]): unknown {
  let node: unknown = params;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets `value` at `path`, creating the nested objects on the way. */
export function setPath(params: Params, path: readonly string[], value: unknown): void {
  let node = params;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Params;
  }
  node[path[path.length - 1]!] = value;
}

/** The nested params holding `values[i]` at `leaves[i].path`. */
export function buildParams(leaves: readonly Leaf[], values: readonly unknown[]): Params {
  const params: Params = {};
  leaves.forEach((leaf, i) => setPath(params, leaf.path, values[i]));
  return params;
}
