/**
 * Registered models by name and version, with a default version per name (the first registered,
 * until set-default changes it), as TorchServe's ModelManager keeps them.
 * @module
 */
import { modelNotFound, ServeError, versionNotFound } from './errors.js';

interface Versions<T> {
  versions: Map<string, T>;
  defaultVersion: string;
}

/** Models by name, then version. */
export class ModelRegistry<T> {
  private readonly models = new Map<string, Versions<T>>();

  /** The entry of a model's version (its default version when none is given); 404 errors otherwise. */
  get(name: string, version?: string): T {
    const model = this.models.get(name);
    if (!model) throw modelNotFound(name);
    const entry = model.versions.get(version ?? model.defaultVersion);
    if (!entry) throw versionNotFound(name, version!);
    return entry;
  }

  /** Whether a model (or that version of it) is registered. */
  has(name: string, version?: string): boolean {
    const model = this.models.get(name);
    return model !== undefined && (version === undefined || model.versions.has(version));
  }

  /** Every version of a model, in registration order. */
  versionsOf(name: string): T[] {
    const model = this.models.get(name);
    if (!model) throw modelNotFound(name);
    return [...model.versions.values()];
  }

  /** The default version of a registered model. */
  defaultVersion(name: string): string {
    const model = this.models.get(name);
    if (!model) throw modelNotFound(name);
    return model.defaultVersion;
  }

  /** Adds a version; 409 when it is registered already. The first version becomes the default. */
  add(name: string, version: string, entry: T): void {
    const model = this.models.get(name);
    if (model?.versions.has(version))
      throw new ServeError(409, 'ConflictStatusException', `Model version ${version} is already registered for model ${name}`);
    if (model) model.versions.set(version, entry);
    else this.models.set(name, { versions: new Map([[version, entry]]), defaultVersion: version });
  }

  /** Makes `version` the default; 404 when it is not registered. */
  setDefault(name: string, version: string): void {
    const model = this.models.get(name);
    if (!model) throw modelNotFound(name);
    if (!model.versions.has(version)) throw versionNotFound(name, version);
    model.defaultVersion = version;
  }

  /**
   * Removes a version (the default when none is given) and returns it. Removing the default while
   * other versions remain is refused with 403, as TorchServe does.
   */
  remove(name: string, version?: string): T {
    const model = this.models.get(name);
    if (!model) throw modelNotFound(name);
    const target = version ?? model.defaultVersion;
    const entry = model.versions.get(target);
    if (!entry) throw versionNotFound(name, target);
    if (target === model.defaultVersion && model.versions.size > 1)
      throw new ServeError(403, 'InvalidModelVersionException', `Cannot remove default version ${target} for model ${name}`);
    model.versions.delete(target);
    if (model.versions.size === 0) this.models.delete(name);
    return entry;
  }

  /** Model names, sorted. */
  names(): string[] {
    return [...this.models.keys()].sort();
  }

  /** Every entry of every model. */
  *entries(): IterableIterator<T> {
    for (const model of this.models.values()) yield* model.versions.values();
  }
}
