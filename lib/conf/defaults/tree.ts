/**
 * The defaults tree (Hydra's `_create_defaults_tree`): a config's defaults list expanded into the
 * configs it names, recursively. Each list is walked last entry first, so that an `override` in a
 * later config (an experiment appended with `+experiment=...`) is registered before the entry it
 * changes; the children are put back in list order at the end.
 * @module
 */
import { DefaultElement } from './element.js';
import { ConfigCompositionError, MissingConfigError } from './errors.js';
import { interpolateChoice } from './interpolation.js';
import type { GroupOverrides } from './overrides.js';
import { parseDefaultsList } from './parse.js';
import { pyStr } from './py-format.js';
import type { ConfigRepository, DefaultsOverride } from './types.js';

/** A config whose defaults list was expanded; `children` is null for a config merged whole. */
export interface DefaultsTreeNode {
  node: DefaultElement;
  children: (DefaultElement | DefaultsTreeNode)[] | null;
  parent: DefaultsTreeNode | null;
}

/** What the walk shares. */
export interface TreeContext<T extends DefaultsOverride> {
  repo: ConfigRepository;
  overrides: GroupOverrides<T>;
  /** Leave `???` choices unexpanded instead of failing. */
  skipMissing: boolean;
  /** Hydra's `version_base` below 1.2 (see `ElementFlags.legacyKeywords`). */
  legacyKeywords: boolean;
  /** Collects Hydra's warnings. */
  warnings: string[];
}

/** Expands the tree under `root`, the primary config (its `node` has `primary` set). */
export function buildDefaultsTree<T extends DefaultsOverride>(context: TreeContext<T>, root: DefaultsTreeNode): void {
  root.node.setParent('', '');
  if (!context.repo.exists(root.node.configPath())) missingConfig(context.repo, root);
  expand(context, root, true, false, []);
}

/**
 * Expands one config. `interpolated` marks the subtree of an interpolated choice (it may not hold
 * overrides: every choice is already fixed); `chain` is the configs above, to report cycles.
 */
function expand<T extends DefaultsOverride>(
  context: TreeContext<T>,
  tree: DefaultsTreeNode,
  isRoot: boolean,
  interpolated: boolean,
  chain: readonly string[],
): void {
  const { repo, overrides } = context;
  const parent = tree.node;
  if (!parent.isMissing()) applyHeader(context, parent);
  if (overrides.takeDeletion(parent)) return;
  overrides.recordChoice(parent);
  if (parent.name() === null) return;
  if (checkMissing(context, parent)) return;

  const path = parent.configPath();
  if (chain.includes(path)) {
    const cycle = [...chain.slice(chain.indexOf(path)), path].join(' -> ');
    throw new ConfigCompositionError(`In '${chain.at(-1)}': cycle in the defaults list: ${cycle}`);
  }
  const loaded = repo.load(path);
  if (loaded === null) {
    if (!parent.optional) missingConfig(repo, tree);
    parent.deleted = true;
    return;
  }
  const defaults = parseDefaultsList(path, loaded.defaults ?? [], {
    legacyKeywords: context.legacyKeywords,
    warn: (message) => context.warnings.push(message),
  });
  if (defaults.length > 0 || (isRoot && overrides.appended.length > 0)) placeSelf(context, parent, defaults, loaded.hasBody);
  if (isRoot) defaults.push(...overrides.appended);
  registerOverrides(overrides, parent, defaults, interpolated);

  const below = [...chain, path];
  const expandChild = (element: DefaultElement, inInterpolation: boolean): DefaultElement | DefaultsTreeNode => {
    const subtree: DefaultsTreeNode = { node: element, children: null, parent: tree };
    expand(context, subtree, false, inInterpolation, below);
    return subtree.children === null ? element : subtree;
  };
  const children: (DefaultElement | DefaultsTreeNode)[] = [];
  for (const entry of [...defaults].reverse()) {
    if (entry.isSelf()) {
      children.push(entry);
      continue;
    }
    if (entry.override) continue;
    entry.setParent(parent.groupPath(), parent.finalPackage());
    overrides.applyOverride(entry);
    if (Array.isArray(entry.value)) {
      for (const option of [...entry.value].reverse()) {
        if (option.includes('${')) {
          throw new ConfigCompositionError(`In '${path}': Defaults List interpolation is not supported in options list items`);
        }
        const config = DefaultElement.config(`${entry.target}/${option}`, {
          package: entry.package,
          optional: entry.optional,
          legacyKeywords: entry.legacyKeywords,
        });
        config.setParent(parent.groupPath(), parent.finalPackage());
        children.push(expandChild(config, interpolated));
      }
    } else if (entry.isInterpolation()) {
      children.push(entry);
    } else {
      children.push(expandChild(entry, interpolated));
    }
  }

  // Interpolated choices see every other choice of this list (walked above) and of the configs walked before.
  const knownChoices = { ...overrides.knownChoices };
  children.forEach((child, index) => {
    if (!(child instanceof DefaultElement) || !child.isInterpolation()) return;
    interpolate(child, knownChoices);
    child.setParent(parent.groupPath(), parent.finalPackage());
    children[index] = expandChild(child, true);
  });
  if (children.length > 0) tree.children = children.reverse();
}

/** Reads the config's `# @package` header into its entry (Hydra's `update_package_header`). */
function applyHeader<T extends DefaultsOverride>(context: TreeContext<T>, entry: DefaultElement): void {
  const header = context.repo.load(entry.configPath())?.header.package ?? null;
  if (header !== null && context.legacyKeywords && (header.includes('_group_') || header.includes('_name_'))) {
    context.warnings.push(
      `In '${entry.configPath()}': Usage of deprecated keyword in package header '# @package ${header}'.\n` +
        'See https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/changes_to_package_header for more information',
    );
  }
  entry.setPackageHeader(header);
}

/** Handles a `???` choice: skipped with `skipMissing`, else Hydra's "You must specify" error. */
function checkMissing<T extends DefaultsOverride>(context: TreeContext<T>, entry: DefaultElement): boolean {
  if (!entry.configPath().endsWith('???')) return false;
  if (context.skipMissing) return true;
  if (entry.kind === 'config') throw new ConfigCompositionError(`Missing ConfigDefault is not supported : ${entry.configPath()}`);
  const key = entry.overrideKey();
  const options = context.repo.listGroup(entry.groupPath()).map((option) => `\t${option}`);
  throw new ConfigCompositionError(`You must specify '${key}', e.g, ${key}=<OPTION>\nAvailable options:\n${options.join('\n')}`);
}

/**
 * Adds `_self_` where Hydra 1.1+ puts it when a list lacks it: last. A list holding only
 * `override` entries gets none, and the config then merges whole, as a leaf.
 */
function placeSelf<T extends DefaultsOverride>(
  context: TreeContext<T>,
  parent: DefaultElement,
  defaults: DefaultElement[],
  hasBody: boolean,
): void {
  let hasSelf = false;
  let hasNonOverride = false;
  for (const entry of defaults) {
    if (!entry.override) hasNonOverride = true;
    if (!entry.isSelf()) continue;
    if (hasSelf) throw new ConfigCompositionError(`Duplicate _self_ defined in ${parent.configPath()}`);
    hasSelf = true;
  }
  const needsSelf = (!hasSelf && hasNonOverride) || defaults.length === 0;
  if (!needsSelf) return;
  if (parent.primary && hasBody && hasNonOverride) {
    context.warnings.push(
      `In '${parent.configPath()}': Defaults list is missing \`_self_\`. ` +
        'See https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/default_composition_order for more information',
    );
  }
  defaults.push(DefaultElement.config('_self_'));
}

/** Registers the list's `override` entries, which must come after its other entries (`_self_` and `+group` aside). */
function registerOverrides<T extends DefaultsOverride>(
  overrides: GroupOverrides<T>,
  parent: DefaultElement,
  defaults: readonly DefaultElement[],
  interpolated: boolean,
): void {
  let lastOverride: DefaultElement | null = null;
  for (const entry of defaults) {
    if (entry.isSelf()) continue;
    entry.setParent(parent.groupPath(), parent.finalPackage());
    if (lastOverride !== null && !entry.override && !entry.externalAppend) {
      throw new ConfigCompositionError(
        `In ${parent.configPath()}: Override '${lastOverride.overrideKey()} : ${shownChoice(lastOverride)}' is defined before ` +
          `'${entry.overrideKey()}: ${shownChoice(entry)}'.\nOverrides must be at the end of the defaults list`,
      );
    }
    if (entry.kind !== 'group' || !entry.override) continue;
    lastOverride = entry;
    if (interpolated) {
      throw new ConfigCompositionError(
        `${parent.configPath()}: Default List Overrides are not allowed in the subtree\n` +
          `of an in interpolated config group (override ${entry.overrideKey()}=${shownChoice(entry)}).\n`,
      );
    }
    overrides.addDefaultsListOverride(parent.configPath(), entry);
  }
}

function shownChoice(entry: DefaultElement): string {
  return entry.kind === 'group' ? pyStr(entry.value) : (entry.name() ?? '');
}

function interpolate(entry: DefaultElement, knownChoices: Readonly<Record<string, string | null>>): void {
  if (entry.kind === 'group') {
    entry.value = interpolateChoice(entry.value as string, knownChoices);
    return;
  }
  const absolute = entry.target.startsWith('/');
  const resolved = interpolateChoice(absolute ? entry.target.slice(1) : entry.target, knownChoices);
  entry.target = absolute ? `/${resolved.replace(/^\/+/, '')}` : resolved;
}

/** Hydra's `config_not_found_error`: names the config, its group's options, and where configs were searched. */
function missingConfig(repo: ConfigRepository, tree: DefaultsTreeNode): never {
  const element = tree.node;
  const path = element.configPath();
  const group = element.kind === 'group' ? element.groupPath() : null;
  const options = group === null ? null : repo.listGroup(group);
  let message: string;
  if (element.primary) {
    message = `Cannot find primary config '${path}'. Check that it's in your config search path.\n`;
  } else {
    if (group !== null && options !== null) {
      message = `Could not find '${path}'\n`;
      if (options.length > 0) message += `\nAvailable options in '${group}':\n${options.map((option) => `\t${option}`).join('\n')}`;
    } else {
      message = `Could not load '${path}'.\n`;
    }
    if (tree.parent !== null) message = `In '${tree.parent.node.configPath()}': ${message}`;
  }
  const sources = repo.searchPath?.() ?? [];
  message = sources.length > 0 ? `${message}\nConfig search path:\n${sources.map((s) => `\t${s}`).join('\n')}` : message.trimEnd();
  throw new MissingConfigError(message, path, options);
}
