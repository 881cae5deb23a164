/**
 * Hydra's compose: parse the command-line overrides, resolve the defaults list (which configs, in
 * which order, under which packages), merge them, add the `hydra` node, apply the value overrides
 * with Hydra's rules (`key=v` must exist, `+key=v` must not, `++key=v` either way, `~key[=v]`
 * deletes), and resolve the interpolations.
 * @module
 */
import { createFileRepository, resolveDefaults } from './defaults/index.js';
import type { ConfigRepository } from './defaults/index.js';
import { defaultHydraConfig, overrideDirname } from './hydra-config.js';
import {
  hasKey,
  isContainer,
  isDict,
  isList,
  merge,
  registerResolver,
  hasResolver,
  select,
  splitKey,
  toContainer,
  update,
  type ConfigDict,
  type ConfigValue,
} from './omegaconf/index.js';
import { pyStr } from './defaults/py-format.js';
import { parseOverride, type Override } from './overrides/index.js';

/** Options of {@link compose}. */
export interface ComposeOptions {
  /** The folder of YAML configs (groups are subfolders). */
  configDir: string;
  /** The primary config's name, without `.yaml` (default 'config'); null composes without one, as Hydra's `config_name=None`. */
  configName?: string | null;
  /** Command-line overrides, one per string, in Hydra's grammar. */
  overrides?: readonly string[];
  /** 'RUN' (default) or 'MULTIRUN': sets `hydra.mode`; a sweep in a single run is an error either way (expand with sweepJobs first). */
  mode?: 'RUN' | 'MULTIRUN';
  /** The job's number in a multirun (`hydra.job.num`; default 0). */
  jobNum?: number;
}

/** What {@link compose} returns. */
export interface ComposeResult {
  /** The job's config, interpolations resolved (`???` values stay), without the `hydra` node. */
  config: ConfigDict;
  /** Every config group's final option (Hydra's `hydra.runtime.choices`). */
  choices: Record<string, string | null>;
  /** The overrides that changed the job (not `hydra.*`), as given. */
  taskOverrides: string[];
  /** The `hydra` node, resolved. */
  hydra: ConfigDict;
  /** The job's config before resolution, as Hydra writes .hydra/config.yaml. */
  unresolved: ConfigDict;
  /** Hydra's warnings (a primary config with content and no `_self_`). */
  warnings: string[];
}

/** A composition Hydra rejects (an override on a key that is not there, a sweep in a single run...). */
export class ComposeError extends Error {
  /** A composition error with Hydra's message. */
  constructor(message: string) {
    super(message);
    this.name = 'ComposeError';
  }
}

/** Composes the config `configName` in `configDir` with `overrides`, as Hydra's compose API does. */
export function compose(options: ComposeOptions): ComposeResult {
  return composeFrom(createFileRepository(options.configDir), options);
}

/** {@link compose} over any config repository (tests use in-memory ones). */
export function composeFrom(repo: ConfigRepository, options: Omit<ComposeOptions, 'configDir'>): ComposeResult {
  registerHydraResolver();
  const texts = [...(options.overrides ?? [])];
  const parsed = texts.map((text) => parseOverride(text));
  const sweep = parsed.find((override) => override.sweep !== null);
  if (sweep)
    throw new ComposeError(
      `Ambiguous value for argument '${sweep.input}'\n` +
        '1. To use it as a list, use key=[value1,value2]\n' +
        "2. To use it as string, quote the value: key=\\'value1,value2\\'\n" +
        '3. To sweep over it, add --multirun to your command line',
    );
  const isHydra = (override: Override) =>
    override.key === 'hydra' || override.key.startsWith('hydra.') || override.key.startsWith('hydra/');
  const configName = options.configName === undefined ? 'config' : options.configName;
  const defaults = resolveDefaults(repo, configName, parsed);
  let cfg: ConfigDict = {};
  for (const entry of defaults.defaults) {
    const body = repo.load(entry.configPath)?.body;
    if (body === undefined || body === null) continue;
    if (entry.primary && !isDict(body))
      throw new ComposeError(`primary config '${entry.configPath}' must be a DictConfig, got ${isList(body) ? 'ListConfig' : typeof body}`);
    // A list config is fine under a package (`+top_level_list=file1` gives { top_level_list: [...] }).
    if (!isDict(body) && !(isList(body) && entry.package !== ''))
      throw new ComposeError(`Config '${entry.configPath}' must be a mapping, got a ${isList(body) ? 'list' : typeof body}`);
    cfg = merge(cfg, atPackage(entry.package, body));
  }
  cfg.hydra = merge(defaultHydraConfig(), isDict(cfg.hydra ?? null) ? (cfg.hydra as ConfigDict) : {});
  for (const override of defaults.configOverrides) applyValueOverride(cfg, override);
  const task = parsed.filter((override) => !isHydra(override)).map((override) => override.input);
  const hydraOverrides = parsed.filter(isHydra).map((override) => override.input);
  const hydra = cfg.hydra;
  update(cfg, 'hydra.mode', options.mode ?? 'RUN');
  update(cfg, 'hydra.overrides', { hydra: hydraOverrides, task });
  update(cfg, 'hydra.runtime.choices', defaults.choices);
  update(cfg, 'hydra.runtime.cwd', process.cwd());
  update(cfg, 'hydra.job.config_name', configName);
  update(cfg, 'hydra.job.num', options.jobNum ?? 0);
  // Hydra's basic launcher numbers a multirun's jobs 0, 1, ... in both `id` and `num`.
  update(cfg, 'hydra.job.id', options.mode === 'MULTIRUN' ? (options.jobNum ?? 0) : `run_${options.jobNum ?? 0}`);
  const dirname = select(hydra, 'job.config.override_dirname') as { kv_sep?: string; item_sep?: string; exclude_keys?: string[] } | null;
  update(
    cfg,
    'hydra.job.override_dirname',
    overrideDirname(task, { kvSep: dirname?.kv_sep, itemSep: dirname?.item_sep, excludeKeys: dirname?.exclude_keys }),
  );
  const outputDir = options.mode === 'MULTIRUN' ? '${hydra.sweep.dir}/${hydra.sweep.subdir}' : '${hydra.run.dir}';
  update(cfg, 'hydra.runtime.output_dir', outputDir);
  const resolved = toContainer(cfg, { resolve: true });
  const { hydra: resolvedHydra, ...config } = resolved;
  const unresolved = { ...cfg };
  delete unresolved.hydra;
  return {
    config,
    choices: defaults.choices,
    taskOverrides: task,
    hydra: resolvedHydra as ConfigDict,
    unresolved: unresolved,
    warnings: defaults.warnings,
  };
}

// A config merged into package `pkg` ('' is the root): { a: { b: body } } for 'a.b'.
function atPackage(pkg: string, body: ConfigValue): ConfigDict {
  if (pkg === '') return body as ConfigDict;
  return pkg
    .split('.')
    .reverse()
    .reduce<ConfigValue>((inner, key) => ({ [key]: inner }), body) as ConfigDict;
}

// Hydra's rules for `key=v`, `+key=v`, `++key=v` and `~key[=v]` on the composed config.
function applyValueOverride(cfg: ConfigDict, override: Override): void {
  const { key } = override;
  if (override.package !== null)
    throw new ComposeError(`Override '${override.input}' looks like a config group override, but config group '${key}' does not exist.`);
  const value = override.value;
  const exists = hasKey(cfg, key);
  switch (override.type) {
    case 'change': {
      // The composed config is in struct mode: neither the key nor a key of a dict merged onto it may be new.
      const unknown = exists ? newKeyIn(select(cfg, key, { throwOnResolutionFailure: false }), value, key) : key;
      if (unknown !== null)
        throw new ComposeError(
          `Could not override '${key}'.\nTo append to your config use +${override.input}\nKey '${splitKey(unknown).at(-1)}' is not in struct\n    full_key: ${unknown}\n    object_type=dict`,
        );
      update(cfg, key, value, { merge: true });
      return;
    }
    case 'add':
      // As Hydra: `+key=v` needs the key absent (or null / `???`), unless v is a dict or list, which merges.
      if (exists && select(cfg, key) !== null && !isContainer(value))
        throw new ComposeError(
          `Could not append to config. An item is already at '${key}'.\n` +
            `Either remove + prefix: '${override.input.slice(1)}'\n` +
            `Or add a second + to add or override '${key}': '+${override.input}'`,
        );
      update(cfg, key, value, { merge: true, forceAdd: true });
      return;
    case 'force_add':
      update(cfg, key, value, { merge: true, forceAdd: true });
      return;
    case 'delete':
      deleteKey(cfg, override);
      return;
    case 'extend_list': {
      const current = exists ? select(cfg, key) : null;
      if (!isList(current)) throw new ComposeError(`Could not append to config. '${key}' is not a list.`);
      update(cfg, key, [...current, ...(value as ConfigValue[])], { merge: false });
      return;
    }
  }
}

function deleteKey(cfg: ConfigDict, override: Override): void {
  const parts = splitKey(override.key);
  const last = parts.pop()!;
  const parent = parts.length === 0 ? cfg : walk(cfg, parts);
  if (!parent || !isContainer(parent) || !(last in parent))
    throw new ComposeError(`Could not delete from config. '${override.key}' does not exist.`);
  if (override.hasValue && override.value !== null) {
    // sweepJobs writes `~key` as `~key=null`, a plain delete in Hydra. Hydra compares the resolved value.
    const current = select(cfg, override.key);
    if (JSON.stringify(current) !== JSON.stringify(override.value))
      throw new ComposeError(
        `Could not delete from config. The value of '${override.key}' is ${pyStr(current)} and not ${pyStr(override.value)}.`,
      );
  }
  if (isList(parent)) parent.splice(Number(last), 1);
  else delete (parent as Record<string, ConfigValue>)[last];
}

// The first key of dict `value` (recursively) that dict `target` lacks, as a full key under `key`; null if none.
function newKeyIn(target: ConfigValue, value: ConfigValue, key: string): string | null {
  if (!isDict(target) || !isDict(value)) return null;
  for (const [name, inner] of Object.entries(value)) {
    if (!(name in target)) return `${key}.${name}`;
    const found = newKeyIn(target[name] ?? null, inner, `${key}.${name}`);
    if (found !== null) return found;
  }
  return null;
}

// The raw container at `parts` (no resolution), for in-place deletion.
function walk(cfg: ConfigDict, parts: string[]): ConfigValue | null {
  let node: ConfigValue = cfg;
  for (const part of parts) {
    if (!isContainer(node)) return null;
    node = (node as Record<string, ConfigValue>)[part] ?? null;
  }
  return node;
}

// `${hydra:runtime.choices.model}` reads the hydra node, as Hydra's resolver does.
function registerHydraResolver(): void {
  if (hasResolver('hydra')) return;
  registerResolver('hydra', (args, ctx) => ctx.select(`hydra.${typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0])}`));
}
