/**
 * The public shape of a parsed override: `{ type, key, package, value, sweep }` as Hydra's Override
 * carries it, with the typed element kept alongside the plain value.
 * @module
 */
import type { ParsedElement } from './py-values.js';
import type { OverrideType } from './visitor.js';

export type { OverrideType } from './visitor.js';
export type { ParsedElement } from './py-values.js';

/** A plain value as it goes into a config: ints and floats are both numbers, quoted strings plain strings. */
export type OverrideValue = string | number | boolean | null | OverrideValue[] | { [key: string]: OverrideValue };

/** `a,b,c` or `choice(a,b,c)`. */
export interface ChoiceSweep {
  readonly kind: 'choice';
  /** The choices as plain values. */
  readonly values: OverrideValue[];
  /** The choices as parsed (ints as bigint, floats as number, quoted strings as QuotedString): what sweep texts are made from. */
  readonly elements: ParsedElement[];
  /** True for the bare `a,b,c` form. */
  readonly simpleForm: boolean;
  /** True when the choices are to be shuffled each time the sweep is expanded. */
  readonly shuffle: boolean;
  /** Tags from tag(...), sorted. */
  readonly tags: string[];
}

/** `range(start, stop, step)`, with its values materialised as Hydra enumerates them. */
export interface RangeSweep {
  readonly kind: 'range';
  readonly start: number;
  readonly stop: number;
  readonly step: number;
  /** The values, after any int()/float() casts. */
  readonly values: number[];
  /** The values typed: bigint for ints, number for floats (`1` or `1.0` in sweep texts). */
  readonly elements: (bigint | number)[];
  readonly shuffle: boolean;
  readonly tags: string[];
}

/** `interval(start, end)`: a continuous range, for sweepers that sample. */
export interface IntervalSweep {
  readonly kind: 'interval';
  readonly start: number;
  readonly end: number;
  readonly tags: string[];
}

/** `glob(include, exclude)`: the options of the config group named by the key that match. */
export interface GlobSweep {
  readonly kind: 'glob';
  readonly include: string[];
  readonly exclude: string[];
}

/** A sweep over the values of one key. */
export type Sweep = ChoiceSweep | RangeSweep | IntervalSweep | GlobSweep;

/** One parsed command-line override. */
export interface Override {
  /** `key=v` change, `+key=v` add, `++key=v` force_add, `~key` delete, `key=extend_list(...)` extend_list. */
  readonly type: OverrideType;
  /** The config key or config group (`db`, `db.user`, `hydra/launcher`). */
  readonly key: string;
  /** The package after `@` (`db@backup`), `''` for `db@`, null without `@`. */
  readonly package: string | null;
  /** The value as a plain value; null for a sweep and for a bare `~key` (and for `key=null`). */
  readonly value: OverrideValue | null;
  /** The value as parsed; null for a sweep and for a bare `~key` (`key=null` gives the element null too, `~key` has no element). */
  readonly element: ParsedElement | null;
  /** The sweep, or null when the value is a single element. */
  readonly sweep: Sweep | null;
  /** Whether a value was given (false only for a bare `~key`). */
  readonly hasValue: boolean;
  /** The override text as given. */
  readonly input: string;
}
