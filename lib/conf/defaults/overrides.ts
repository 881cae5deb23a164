/**
 * The group overrides in play while a defaults tree is built (Hydra's `Overrides`): command-line
 * `group=option`, `+group=option` and `~group[=option]`, the `override group: option` entries of
 * defaults lists, the choices seen so far, and the checks that every override and deletion matched.
 * @module
 */
import { DefaultElement } from './element.js';
import { ConfigCompositionError } from './errors.js';
import { isMapping } from './is-mapping.js';
import { pyStr, pyTypeName } from './py-format.js';
import type { ConfigRepository, DefaultsOverride } from './types.js';

interface OverrideSource {
  external: boolean;
  /** The config whose defaults list holds the `override` entry. */
  containingConfig: string | null;
  used: boolean;
}

interface Deletion {
  /** The option to delete, or null for any. */
  name: string | null;
  used: boolean;
}

/**
 * Whether `override` selects config group options (its key names a group of `repo`) rather than
 * setting a config value. Sweeps and dict values are never group overrides, as in Hydra.
 */
export function isGroupOverride(override: DefaultsOverride, repo: ConfigRepository): boolean {
  return (override.sweep ?? null) === null && !isMapping(override.value) && repo.isGroup(override.key);
}

/** The override's key as Hydra's `get_key_element` spells it: `key` or `key@package`. */
function keyElement(override: DefaultsOverride): string {
  return override.package === null ? override.key : `${override.key}@${override.package}`;
}

function overrideText(prefix: string, override: DefaultsOverride): string {
  const value = override.value;
  const shown = Array.isArray(value) ? `[${value.map(String).join(',')}]` : pyStr(value);
  return `${prefix}${keyElement(override)}=${shown}`;
}

/** Hydra's `Overrides`: state shared by the whole tree walk. */
export class GroupOverrides<T extends DefaultsOverride> {
  /** `+group=option` entries, appended to the primary config's defaults list. */
  readonly appended: DefaultElement[] = [];
  readonly groupOverrides: T[] = [];
  readonly configOverrides: T[] = [];
  /** The choice of every group entry seen, by override key, in the order they were seen. */
  readonly knownChoices: Record<string, string | null> = {};
  private readonly choices = new Map<string, string | string[] | null>();
  private readonly sources = new Map<string, OverrideSource>();
  private readonly deletions = new Map<string, Deletion>();
  private readonly keysPerGroup = new Map<string, Set<string>>();

  /** `legacyKeywords` is passed on to the `+group=option` entries (see `ElementFlags`). */
  constructor(
    repo: ConfigRepository,
    overrides: readonly T[],
    private readonly legacyKeywords = false,
  ) {
    for (const override of overrides) {
      if ((override.sweep ?? null) !== null) continue;
      if (!isGroupOverride(override, repo)) {
        this.configOverrides.push(override);
        continue;
      }
      this.groupOverrides.push(override);
      this.addCommandLine(override);
    }
  }

  private addCommandLine(override: T): void {
    const value = override.value;
    if (override.type === 'force_add') {
      throw new ConfigCompositionError(`force-add of config groups is not supported: '${overrideText('++', override)}'`);
    }
    if (override.type === 'delete') {
      if (value !== null && typeof value !== 'string') {
        throw new ConfigCompositionError(`Config group override deletion value must be a string : ${overrideText('~', override)}`);
      }
      this.deletions.set(keyElement(override), { name: value, used: false });
      return;
    }
    if (typeof value !== 'string' && !Array.isArray(value)) {
      throw new ConfigCompositionError(`Config group override must be a string or a list. Got ${pyTypeName(value, 'python')}`);
    }
    const choice = typeof value === 'string' ? value : value.map(String);
    if (override.type === 'add') {
      this.appended.push(
        DefaultElement.group(override.key, choice, {
          package: override.package,
          externalAppend: true,
          legacyKeywords: this.legacyKeywords,
        }),
      );
      return;
    }
    this.choices.set(keyElement(override), choice);
    this.sources.set(keyElement(override), { external: true, containingConfig: null, used: false });
  }

  /** Registers an `override group: option` entry; a choice already set (command line, or a later config) wins. */
  addDefaultsListOverride(containingConfig: string, entry: DefaultElement): void {
    const key = entry.overrideKey();
    if (this.choices.has(key)) return;
    this.choices.set(key, entry.value);
    this.sources.set(key, { external: false, containingConfig, used: false });
  }

  /** Replaces the entry's choice with the overriding one, when there is one. */
  applyOverride(entry: DefaultElement): void {
    if (entry.kind !== 'group') return;
    const key = entry.overrideKey();
    const source = this.sources.get(key);
    if (source === undefined) return;
    entry.value = this.choices.get(key) ?? null;
    source.used = true;
  }

  /** Records the entry's choice; a second, different choice for the same key is an error. */
  recordChoice(entry: DefaultElement): void {
    if (entry.kind !== 'group') return;
    const key = entry.overrideKey();
    const name = entry.name();
    if (!(key in this.knownChoices)) this.knownChoices[key] = name;
    else if (this.knownChoices[key] !== name) {
      throw new ConfigCompositionError(
        `Multiple values for ${key}. To override a value use 'override ${key}: ${pyStr(this.knownChoices[key])}'`,
      );
    }
    const group = entry.groupPath();
    const keys = this.keysPerGroup.get(group) ?? new Set<string>();
    this.keysPerGroup.set(group, keys.add(key));
  }

  /** Whether `~group[=option]` deletes the entry; marks the deletion used when it does. */
  takeDeletion(entry: DefaultElement): boolean {
    if (entry.kind !== 'group') return false;
    const deletion = this.deletions.get(entry.overrideKey());
    if (deletion === undefined || (deletion.name !== null && deletion.name !== entry.name())) return false;
    entry.deleted = true;
    deletion.used = true;
    return true;
  }

  /** Fails on the first override that matched no entry, suggesting the keys its group does have. */
  ensureOverridesUsed(): void {
    for (const [key, source] of this.sources) {
      if (source.used) continue;
      const candidates = [...(this.keysPerGroup.get(key.split('@')[0] ?? '') ?? [])].sort();
      let message =
        candidates.length > 1
          ? `Could not override '${key}'.\nDid you mean to override one of ${candidates.join(', ')}?`
          : candidates.length === 1
            ? `Could not override '${key}'.\nDid you mean to override ${candidates[0]}?`
            : `Could not override '${key}'. No match in the defaults list.`;
      if (source.containingConfig !== null) message = `In '${source.containingConfig}': ${message}`;
      if (source.external) message += `\nTo append to your default list use +${key}=${pyStr(this.choices.get(key))}`;
      throw new ConfigCompositionError(message);
    }
  }

  /** Fails on the first `~group` that deleted nothing. */
  ensureDeletionsUsed(): void {
    for (const [key, deletion] of this.deletions) {
      if (deletion.used) continue;
      const described = deletion.name === null ? key : `${key}=${deletion.name}`;
      throw new ConfigCompositionError(`Could not delete '${described}'. No match in the defaults list`);
    }
  }
}
