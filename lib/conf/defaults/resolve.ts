/**
 * Hydra's Defaults List algorithm (`create_defaults_list`, Hydra 1.3): from a primary config and
 * the command line's group overrides, the ordered list of configs to merge and the final choices.
 * @module
 */
import { DefaultElement } from './element.js';
import { ConfigCompositionError } from './errors.js';
import { flattenTree } from './flatten.js';
import { GroupOverrides } from './overrides.js';
import { buildDefaultsTree, type DefaultsTreeNode } from './tree.js';
import type { ConfigRepository, DefaultsOverride, DefaultsResult, ResolveOptions, ResultDefault } from './types.js';

/** Hydra's stand-in primary when there is no config name: an empty config, left out of the result. */
const EMPTY_PRIMARY = '_dummy_empty_config_';

/**
 * Resolves the defaults list of `configName` (null: no primary config, only `+group=option`s) in
 * `repo`, applying the group overrides among `overrides` (see `isGroupOverride`); the others are
 * returned untouched in `configOverrides`. Throws a {@link ConfigCompositionError} with Hydra's
 * message for anything Hydra rejects (a `MissingConfigError` for a config that is not there).
 *
 * @example
 * const { defaults, choices } = resolveDefaults(createFileRepository('configs'), 'config', overrides);
 * // defaults: [{ configPath: 'model/mlp', package: 'model', parent: 'config', isSelf: false, ... }, ...]
 */
export function resolveDefaults<T extends DefaultsOverride>(
  repo: ConfigRepository,
  configName: string | null,
  overrides: readonly T[] = [],
  options: ResolveOptions = {},
): DefaultsResult<T> {
  const source = configName === null ? withEmptyPrimary(repo) : repo;
  const legacyKeywords = isBefore12(options.versionBase ?? '1.3');
  const state = new GroupOverrides(source, overrides, legacyKeywords);
  const primary = DefaultElement.config(configName?.replace(/\.yaml$/, '') ?? EMPTY_PRIMARY, { primary: true, legacyKeywords });
  const root: DefaultsTreeNode = { node: primary, children: null, parent: null };
  const warnings: string[] = [];
  const skipMissing = options.skipMissing ?? false;
  buildDefaultsTree({ repo: source, overrides: state, skipMissing, legacyKeywords, warnings }, root);
  const defaults = flattenTree(root).filter((entry) => entry.configPath !== EMPTY_PRIMARY);
  ensureNoDuplicates(defaults);
  state.ensureOverridesUsed();
  state.ensureDeletionsUsed();
  return {
    defaults,
    choices: { ...state.knownChoices },
    groupOverrides: state.groupOverrides,
    configOverrides: state.configOverrides,
    warnings,
  };
}

/** The same group and package chosen twice (the tree allows it; the merge order may not). */
function ensureNoDuplicates(defaults: readonly ResultDefault[]): void {
  const seen = new Set<string>();
  for (const { overrideKey } of defaults) {
    if (overrideKey === null) continue;
    if (seen.has(overrideKey)) throw new ConfigCompositionError(`${overrideKey} appears more than once in the final defaults list`);
    seen.add(overrideKey);
  }
}

/** Whether a Hydra `version_base` ('1.1', '1.3', ...) predates 1.2. */
function isBefore12(versionBase: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(versionBase);
  if (match === null) throw new TypeError(`versionBase must look like '1.3', got '${versionBase}'`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < 1 || (major === 1 && minor < 2);
}

function withEmptyPrimary(repo: ConfigRepository): ConfigRepository {
  return {
    exists: (path) => path === EMPTY_PRIMARY || repo.exists(path),
    load: (path) => (path === EMPTY_PRIMARY ? { defaults: null, header: {}, hasBody: false, body: {} } : repo.load(path)),
    isGroup: (path) => repo.isGroup(path),
    listGroup: (group) => repo.listGroup(group),
    searchPath: () => repo.searchPath?.() ?? [],
  };
}
