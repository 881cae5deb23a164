/**
 * The errors of defaults-list resolution, as Hydra raises them: a config that cannot be composed
 * (`ConfigCompositionException`) and, its special case, a config that is not in the repository
 * (`MissingConfigException`).
 * @module
 */

/** A defaults list (or a group override) that Hydra would refuse; the message is Hydra's. */
export class ConfigCompositionError extends Error {
  override name = 'ConfigCompositionError';
}

/** A config named by the primary config name, a defaults list or an override that the repository does not hold. */
export class MissingConfigError extends ConfigCompositionError {
  override name = 'MissingConfigError';

  /**
   * The error for `missingConfig`.
   * @param message Hydra's message (it names the config, and the group's options when it has any).
   * @param missingConfig The config path that was not found.
   * @param options The options of its group, or null when it was not a group entry.
   */
  constructor(
    message: string,
    readonly missingConfig: string,
    readonly options: readonly string[] | null,
  ) {
    super(message);
  }
}
