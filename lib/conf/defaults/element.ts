/**
 * One entry of a defaults list, with Hydra's path and package arithmetic: a group entry
 * (`group@pkg: option`, Hydra's `GroupDefault`) or a config entry (`some/config@pkg`, `_self_`,
 * Hydra's `ConfigDefault`). Paths resolve against the folder of the config holding the entry unless
 * they start with `/`; packages resolve against that config's package unless they hold `_global_`.
 * @module
 */
import { ConfigCompositionError } from './errors.js';

/** Flags of an entry, as the defaults-list syntax spells them. */
export interface ElementFlags {
  /** The package after `@` (`_here_` means the parent's own package). */
  package?: string | null;
  /** `optional group: option`: a missing option is skipped. */
  optional?: boolean;
  /** `override group: option`: changes an earlier entry's choice instead of adding one. */
  override?: boolean;
  /** Added by `+group=option`: the group path is absolute and the package starts at the root. */
  externalAppend?: boolean;
  /** The primary config. */
  primary?: boolean;
  /**
   * Hydra's `version_base` below 1.2: `_name_` in a package is the option name, and a `_group_`
   * header the group's package. From 1.2 on both are plain words.
   */
  legacyKeywords?: boolean;
}

const GLOBAL = '_global_';

/** A defaults-list entry; mutable, as resolution sets its parent, header, choice and deletion. */
export class DefaultElement {
  /** Hydra's `_here_` is the parent's package, i.e. the empty relative package. */
  package: string | null;
  readonly optional: boolean;
  readonly override: boolean;
  readonly externalAppend: boolean;
  readonly primary: boolean;
  readonly legacyKeywords: boolean;
  /** Skipped in the result: deleted by `~group` or an optional config that is missing. */
  deleted = false;
  /** The group path of the config holding this entry (set before any path is computed). */
  parentBaseDir: string | null = null;
  /** The final package of the config holding this entry. */
  parentPackage: string | null = null;
  /** The absolute package from the config's own `# @package` header (always `_global_`-rooted). */
  packageHeader: string | null = null;

  private constructor(
    readonly kind: 'group' | 'config',
    /** The group as written (`db`, `/db`) for a group entry, the path as written for a config entry. */
    public target: string,
    /** The chosen option(s) of a group entry; null for a placeholder (and for config entries). */
    public value: string | string[] | null,
    flags: ElementFlags,
  ) {
    this.package = flags.package === '_here_' ? '' : (flags.package ?? null);
    this.optional = flags.optional ?? false;
    this.override = flags.override ?? false;
    this.externalAppend = flags.externalAppend ?? false;
    this.primary = flags.primary ?? false;
    this.legacyKeywords = flags.legacyKeywords ?? false;
  }

  /** A `group: option` entry (`value` a name, a list of names, or null for a placeholder). */
  static group(group: string, value: string | string[] | null, flags: ElementFlags = {}): DefaultElement {
    return new DefaultElement('group', group, value, flags);
  }

  /** A config entry (`some/config`, `/abs/config`, `_self_`). */
  static config(path: string, flags: ElementFlags = {}): DefaultElement {
    if (path === '_self_' && flags.package !== undefined && flags.package !== null) {
      throw new ConfigCompositionError('_self_@PACKAGE is not supported');
    }
    return new DefaultElement('config', path, null, flags);
  }

  /** The `_self_` marker: where the holding config's own body merges. */
  isSelf(): boolean {
    return this.kind === 'group' ? this.value === '_self_' : this.target === '_self_';
  }

  /** A group entry choosing a list of options (`group: [a, b]`). */
  isOptions(): boolean {
    return Array.isArray(this.value);
  }

  /** The option name (the config's file name for a config entry); null for a placeholder or a list. */
  name(): string | null {
    if (this.kind === 'group') return typeof this.value === 'string' ? this.value : null;
    return this.target.slice(this.target.lastIndexOf('/') + 1);
  }

  /** `???`: the option must come from the command line. */
  isMissing(): boolean {
    return this.name() === '???';
  }

  /** The choice (or config path) holds `${...}`, resolved once the other choices are known. */
  isInterpolation(): boolean {
    return this.kind === 'group' ? typeof this.value === 'string' && this.value.includes('${') : this.target.includes('${');
  }

  /** The absolute group path of the entry (`db/engine`; '' for a config at the root). */
  groupPath(): string {
    const baseDir = this.requireBaseDir();
    const absolute = this.target.startsWith('/');
    if (this.kind === 'group') {
      const group = absolute ? this.target.slice(1) : this.target;
      return baseDir === '' || absolute || this.externalAppend ? group : `${baseDir}/${group}`;
    }
    const group = this.relativeGroupPath();
    if (absolute || baseDir === '') return group;
    return group === '' ? baseDir : `${baseDir}/${group}`;
  }

  /** The absolute path of the config the entry loads (`db/engine/innodb`). */
  configPath(): string {
    if (this.kind === 'group') return `${this.groupPath()}/${this.value === null ? 'null' : String(this.value)}`;
    const baseDir = this.requireBaseDir();
    if (this.target.startsWith('/')) return this.target.slice(1);
    return baseDir === '' ? this.target : `${baseDir}/${this.target}`;
  }

  /** The package a group path maps to by default (`db/engine` -> `db.engine`). */
  defaultPackage(): string {
    return this.groupPath().replaceAll('/', '.');
  }

  /**
   * The absolute package the config merges into ('' for the root). `useHeader` false ignores the
   * config's own `# @package` header, as override keys do (they are known before the file is read).
   */
  finalPackage(useHeader = true): string {
    const parentPackage = this.kind === 'group' && this.externalAppend ? '' : this.parentPackage;
    if (parentPackage === null) throw new Error(`internal: '${this.target}' has no parent package yet`);
    let pkg = (useHeader && this.package === null ? this.packageHeader : this.package) ?? this.relativeGroupPath().replaceAll('/', '.');
    const name = this.name();
    if (this.legacyKeywords && name !== null) pkg = pkg.replaceAll('_name_', name);
    const joined = parentPackage === '' ? pkg : pkg === '' ? parentPackage : `${parentPackage}.${pkg}`;
    const lastGlobal = joined.lastIndexOf(GLOBAL);
    return lastGlobal === -1 ? joined : joined.slice(lastGlobal + GLOBAL.length + 1);
  }

  /** The key `group=option` overrides and `choices` use: the group path, plus `@package` when it is not the default. */
  overrideKey(): string {
    const finalPackage = this.finalPackage(false);
    const key = this.groupPath();
    if (finalPackage === this.defaultPackage()) return key;
    return `${key}@${finalPackage === '' ? GLOBAL : finalPackage}`;
  }

  /** Records the config holding this entry; `_group_` in the entry's package becomes its default package. */
  setParent(baseDir: string, parentPackage: string): void {
    this.parentBaseDir = baseDir;
    this.parentPackage = parentPackage;
    if (this.package?.includes('_group_')) {
      this.package = `${GLOBAL}.${this.package.replaceAll('_group_', this.defaultPackage())}`;
    }
  }

  /** Applies the config's `# @package` header, which is always absolute (`foo` means `_global_.foo`). */
  setPackageHeader(header: string | null): void {
    // With legacy keywords a bare `_group_` is what a group option gets without a header anyway.
    if (header === null || (this.legacyKeywords && header === '_group_')) return;
    let pkg = header;
    if (pkg !== GLOBAL && !pkg.startsWith(`${GLOBAL}.`)) pkg = pkg === '' ? GLOBAL : `${GLOBAL}.${pkg}`;
    this.packageHeader = this.legacyKeywords ? pkg.replaceAll('_group_', this.defaultPackage()) : pkg;
  }

  /** The group part of the target, relative as written (`a/b` of `a/b/c` for a config entry). */
  private relativeGroupPath(): string {
    const path = this.target.startsWith('/') ? this.target.slice(1) : this.target;
    if (this.kind === 'group') return path;
    const slash = path.lastIndexOf('/');
    return slash === -1 ? '' : path.slice(0, slash);
  }

  private requireBaseDir(): string {
    if (this.parentBaseDir === null) throw new Error(`internal: '${this.target}' has no parent yet`);
    return this.parentBaseDir;
  }
}
