/**
 * OmegaConf's exception classes, with the same names and messages, so that a Hydra user reads the
 * errors they know. Like OmegaConf's, a message ends with the full key of the node it concerns:
 *
 *     Interpolation key 'x.y' not found
 *         full_key: model.hidden
 * @module
 */

/** Base class of every config error; `fullKey` is the dotted path of the node concerned ('' for the root). */
export class ConfigError extends Error {
  /** The full key (`a.b[0].c`) of the node the error concerns, when there is one. */
  readonly fullKey: string | undefined;

  /** The error, with OmegaConf's message and the full key it concerns. */
  constructor(message: string, fullKey?: string, options?: { cause?: unknown }) {
    super(fullKey === undefined ? message : `${message}\n    full_key: ${fullKey}`, options);
    this.fullKey = fullKey;
    this.name = new.target.name;
  }
}

/** A `???` value was read where a value is required. */
export class MissingMandatoryValue extends ConfigError {}

/** A string could not be parsed by OmegaConf's interpolation grammar. */
export class GrammarParseError extends ConfigError {}

/** An interpolation could not be resolved (base class of the errors below). */
export class InterpolationResolutionError extends ConfigError {}

/** An interpolation names a key that does not exist. */
export class InterpolationKeyError extends InterpolationResolutionError {}

/** An interpolation points at a `???` value. */
export class InterpolationToMissingValueError extends InterpolationResolutionError {}

/** An interpolation calls a resolver nobody registered. */
export class UnsupportedInterpolationType extends InterpolationResolutionError {}

/** A key is absent where it must exist (struct mode) or cannot be interpreted. */
export class ConfigKeyError extends ConfigError {}

/** A node has the wrong kind for the operation (a dict merged with a list, a word used as a list index). */
export class ConfigTypeError extends ConfigError {}

/** A list index is out of range. */
export class ConfigIndexError extends ConfigError {}

/** An argument has the right type but an unusable value. */
export class ConfigValueError extends ConfigError {}

/** A YAML text could not be loaded as a config. */
export class ConfigLoadError extends ConfigError {}
