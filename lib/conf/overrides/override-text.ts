/**
 * An override's parts back to text, as Hydra prints them into job override lists and
 * overrides.yaml (get_key_element, get_value_element_as_str, sweep_string_iterator).
 * @module
 */
import { SweepError } from './errors.js';
import { pyShuffle, type RandomSource } from './grammar-functions.js';
import { filterGlob } from './glob-match.js';
import { pyFloatRepr } from './py-format.js';
import { elementToText, type ValueTextOptions } from './text.js';
import type { Override } from './types.js';
import { overrideValueType } from './value-type.js';

/** The key with its prefix and package: `+db@backup`, `~x`, `++a.b`. */
export function overrideKeyText(override: Override): string {
  const prefix = { change: '', add: '+', force_add: '++', delete: '~', extend_list: '' }[override.type];
  return `${prefix}${override.key}${override.package === null ? '' : `@${override.package}`}`;
}

/** The value as text (`[1, 2]` with spaceAfterSep); `null` for a bare `~key`; an error for a sweep. */
export function overrideValueText(override: Override, options: ValueTextOptions = {}): string {
  if (override.sweep !== null) throw new SweepError('Cannot convert sweep to str');
  return elementToText(override.element, options);
}

/** Options for enumerating a sweep's values. */
export interface SweepTextOptions {
  /** The options of each config group a glob() may select from, by key (`{ db: ['mysql', 'postgresql'] }`). */
  globChoices?: Readonly<Record<string, readonly string[]>>;
  /** Random numbers in [0, 1) for shuffled sweeps; Math.random by default. */
  random?: RandomSource;
}

/** The values of a choice, range or glob sweep as override texts, in the order Hydra enumerates them. */
export function sweepValueTexts(override: Override, options: SweepTextOptions = {}): string[] {
  const sweep = override.sweep;
  const random = options.random ?? Math.random;
  switch (sweep?.kind) {
    case 'choice': {
      const elements = [...sweep.elements];
      if (sweep.shuffle) pyShuffle(elements, random);
      return elements.map((element) => elementToText(element));
    }
    case 'range': {
      const elements = [...sweep.elements];
      if (sweep.shuffle) pyShuffle(elements, random);
      return elements.map((value) => (typeof value === 'bigint' ? value.toString() : pyFloatRepr(value)));
    }
    case 'glob': {
      const choices = options.globChoices?.[override.key];
      if (choices === undefined)
        throw new SweepError(`glob() over '${override.key}' needs the options of config group '${override.key}' (globChoices)`);
      // Hydra lists a group's options sorted and without repeats.
      return filterGlob([...new Set(choices)].sort(), sweep.include, sweep.exclude);
    }
    default:
      throw new SweepError(
        `Can only enumerate CHOICE and RANGE sweeps, type is ${overrideValueType(override) === null ? 'None' : `ValueType.${overrideValueType(override)}`}`,
      );
  }
}
