/**
 * Loading YAML text into a config tree, with the `yaml` package (YAML 1.2 core schema, `<<` merge
 * keys on, duplicate keys an error as in OmegaConf). `???` and `${...}` stay plain strings here:
 * they mean something only when the config is resolved.
 * @module
 */
import { parseDocument } from 'yaml';
import { ConfigLoadError } from './errors.js';
import { setOwn } from './tree.js';
import { isContainer, type Config, type ConfigDict, type ConfigValue } from './types.js';

/** Options of loadYaml. */
export interface LoadYamlOptions {
  /** Where the text came from (a file path), for error messages. */
  source?: string;
}

/** Copies loaded data into plain config nodes (breaking alias sharing) and rejects what a config cannot hold. */
function toConfigValue(value: unknown, source: string, path: string): ConfigValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item, i) => toConfigValue(item, source, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: ConfigDict = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, toConfigValue(item, source, path ? `${path}.${key}` : key));
    return out;
  }
  throw new ConfigLoadError(`${source}: unsupported value of type ${typeof value} at '${path}'`);
}

/** Parses YAML text into a config; an empty document is an empty mapping. */
export function loadYaml(text: string, options: LoadYamlOptions = {}): Config {
  const source = options.source ?? '<string>';
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  const [error] = doc.errors;
  if (error) throw new ConfigLoadError(`${source}: ${error.message}`, undefined, { cause: error });
  const data = toConfigValue(doc.toJS({ maxAliasCount: 10_000 }), source, '');
  if (data === null) return {};
  if (!isContainer(data))
    throw new ConfigLoadError(`${source}: a config must be a mapping or a sequence, got the scalar ${JSON.stringify(data)}`);
  return data;
}
