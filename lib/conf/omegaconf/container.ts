/**
 * OmegaConf.to_container: the config as plain data, with every interpolation resolved when asked
 * (`resolve: true`), and every `???` an error when asked (`throwOnMissing: true`).
 * @module
 */
import { MissingMandatoryValue } from './errors.js';
import { formatFullKey, type PathStep } from './keys.js';
import { rootLoc } from './location.js';
import { Resolution } from './resolve.js';
import { cloneValue } from './tree.js';
import { isDict, isList, MISSING, type Config, type ConfigDict, type ConfigList, type ConfigValue } from './types.js';

/** Options of toContainer. */
export interface ToContainerOptions {
  /** Resolve interpolations (default false: they stay as `${...}` strings). */
  resolve?: boolean;
  /** Throw MissingMandatoryValue, naming the key, for any `???` (default false: it stays `???`). */
  throwOnMissing?: boolean;
}

function checkMissing(value: ConfigValue, path: PathStep[]): void {
  if (value === MISSING) throw new MissingMandatoryValue(`Missing mandatory value: ${formatFullKey(path)}`, formatFullKey(path));
  if (isList(value)) value.forEach((item, i) => checkMissing(item, [...path, { key: i, inList: true }]));
  else if (isDict(value)) for (const key of Object.keys(value)) checkMissing(value[key]!, [...path, { key, inList: false }]);
}

/** A plain-data copy of the config (a mapping stays a mapping, a sequence a sequence). */
export function toContainer(cfg: ConfigDict, options?: ToContainerOptions): ConfigDict;
export function toContainer(cfg: ConfigList, options?: ToContainerOptions): ConfigList;
export function toContainer(cfg: Config, options?: ToContainerOptions): Config;
export function toContainer(cfg: Config, options: ToContainerOptions = {}): Config {
  const throwOnMissing = options.throwOnMissing ?? false;
  // The root is a container, never an interpolation, so it keeps its kind.
  if (options.resolve) return new Resolution().resolveNode(rootLoc(cfg), throwOnMissing) as Config;
  if (throwOnMissing) checkMissing(cfg, []);
  return cloneValue(cfg);
}
