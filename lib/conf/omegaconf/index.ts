/**
 * An OmegaConf-compatible config core: YAML loading, merging, key selection and updates, and
 * OmegaConf's interpolation grammar (`${a.b}`, `${..x}`, `lr_${lr}`, `${oc.env:HOME,/tmp}`,
 * `${now:%Y-%m-%d}`, custom resolvers) resolved lazily, with OmegaConf's errors.
 * @module
 */
export {
  MISSING,
  isContainer,
  isDict,
  isInterpolation,
  isList,
  isMissing,
  type Config,
  type ConfigDict,
  type ConfigList,
  type ConfigScalar,
  type ConfigValue,
} from './types.js';
export {
  ConfigError,
  ConfigIndexError,
  ConfigKeyError,
  ConfigLoadError,
  ConfigTypeError,
  ConfigValueError,
  GrammarParseError,
  InterpolationKeyError,
  InterpolationResolutionError,
  InterpolationToMissingValueError,
  MissingMandatoryValue,
  UnsupportedInterpolationType,
} from './errors.js';
export { loadYaml, type LoadYamlOptions } from './yaml.js';
export { merge, mergeConfigs, type ListMergeMode, type MergeOptions } from './merge.js';
export { select, hasKey, isMissingKey, type SelectOptions } from './select.js';
export { update, type UpdateOptions } from './update.js';
export { toContainer, type ToContainerOptions } from './container.js';
export {
  registerResolver,
  hasResolver,
  clearResolver,
  clearResolvers,
  type ResolverContext,
  type ResolverFunction,
  type ResolverOptions,
} from './resolvers.js';
export { splitKey } from './keys.js';
export { strftime } from './strftime.js';
export { pyStr } from './pystr.js';
