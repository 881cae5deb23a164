/**
 * The contract of defaults-list resolution: what it reads (a config repository, group overrides
 * parsed from the command line) and what it returns (the ordered configs to merge, the choices).
 * @module
 */

/** A config as a repository loads it. */
export interface LoadedConfig {
  /** The raw `defaults` list (YAML values, not yet parsed), or null when the config has none. */
  defaults: unknown[] | null;
  /** The `# @package` header, when the file has one. */
  header: { package?: string };
  /** Whether the config has content besides `defaults` (a key whose value is not `???`). */
  hasBody: boolean;
  /** The config's body without its `defaults` key, for the composer to merge (the file repository fills it). */
  body?: unknown;
}

/**
 * Where configs come from. Paths have no extension and use `/`: `config`, `model/cnn`,
 * `db/engine/innodb`; a group is a folder of options (`model`, `db/engine`, '' for the root).
 */
export interface ConfigRepository {
  /** The config at `path`, or null when there is none. Called more than once per path: cache. */
  load(path: string): LoadedConfig | null;
  /** The options (configs, not subgroups) of `group`, sorted; [] when it is not a group. */
  listGroup(group: string): string[];
  /** Whether `path` is a config group. */
  isGroup(path: string): boolean;
  /** Whether a config exists at `path`. */
  exists(path: string): boolean;
  /** Lines describing where configs are searched, printed under "Config search path:" in missing-config errors. */
  searchPath?(): string[];
}

/** The kind of a command-line override: `key=v`, `+key=v`, `++key=v`, `~key[=v]`. */
export type OverrideType = 'change' | 'add' | 'force_add' | 'delete' | 'extend_list';

/**
 * A command-line override as the override parser returns it. Only the fields read here are
 * required; a group override's value is an option name, a list of them, or null (`~group`).
 */
export interface DefaultsOverride {
  type: OverrideType;
  /** The key or group path, without the `+`/`~` prefix and without `@package`: `model`, `db/engine`. */
  key: string;
  /** The package after `@`, or null without one. */
  package: string | null;
  value: unknown;
  /** A sweep (`a,b`, `choice(...)`): not null means the override is skipped here, as Hydra does. */
  sweep?: unknown;
}

/** One config to merge, in order: Hydra's `ResultDefault`. */
export interface ResultDefault {
  /** The config's path in the repository (`model/cnn`); for `isSelf`, the config whose own body this is. */
  configPath: string;
  /** The absolute package it merges into (`model`, `foo.bar`), '' for the root (`_global_`). */
  package: string;
  /** The config whose defaults list named it; '' for the primary config. */
  parent: string;
  /** True for a config's own body (`_self_`); false for a config merged whole (it has no defaults list). */
  isSelf: boolean;
  /** True for the primary config's entry. */
  primary: boolean;
  /** The key a `group=option` override uses for this entry (`db`, `db@backup`), null for a config entry. */
  overrideKey: string | null;
}

/** What `resolveDefaults` returns. */
export interface DefaultsResult<T extends DefaultsOverride = DefaultsOverride> {
  /** The configs to merge, in order (deleted entries and `null` placeholders left out). */
  defaults: ResultDefault[];
  /** Every group's final choice, keyed as Hydra keys `hydra.runtime.choices` (`db`, `db@backup`); null for a placeholder. */
  choices: Record<string, string | null>;
  /** The overrides consumed here (those `isGroupOverride` accepts), in input order. */
  groupOverrides: T[];
  /** The overrides left for the config itself (`key=value`), in input order; sweeps are in neither list. */
  configOverrides: T[];
  /** Hydra's warnings (a primary config with content and no `_self_`). */
  warnings: string[];
}

/** Options of `resolveDefaults`. */
export interface ResolveOptions {
  /** Leave `???` group options unresolved instead of failing (Hydra does so to read a sweep's base config). Default false. */
  skipMissing?: boolean;
  /**
   * Hydra's `version_base`. Below '1.2', the Hydra 1.0 package keywords keep their meaning (with
   * a deprecation warning): `_name_` in a package is the option name, and a `# @package _group_`
   * header means the group's package. From '1.2' on both are plain words. Default '1.3'.
   */
  versionBase?: string;
}
