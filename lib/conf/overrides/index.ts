/**
 * Hydra's command-line override grammar and BasicSweeper job expansion.
 * @module
 */
export { parseOverride } from './override.js';
export type { ParseOverrideOptions } from './override.js';
export { sweepJobs } from './sweeper.js';
export type { SweepJobsOptions } from './sweeper.js';
export { overrideKeyText, overrideValueText, sweepValueTexts } from './override-text.js';
export type { SweepTextOptions } from './override-text.js';
export { elementToText, escapeSpecialCharacters, withQuotes } from './text.js';
export type { ValueTextOptions } from './text.js';
export { overrideValueType } from './value-type.js';
export type { ValueType } from './value-type.js';
export { validateSweepOverrides } from './sweep-validation.js';
export type { SweepValidationOptions } from './sweep-validation.js';
export { OverrideParseError, SweepError } from './errors.js';
export { QuotedString, PyDict } from './py-values.js';
export type {
  ChoiceSweep,
  GlobSweep,
  IntervalSweep,
  Override,
  OverrideType,
  OverrideValue,
  ParsedElement,
  RangeSweep,
  Sweep,
} from './types.js';
