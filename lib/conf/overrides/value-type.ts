/**
 * Hydra's ValueType of an override (ELEMENT, CHOICE_SWEEP, ...), which its sweepers and error
 * messages name.
 * @module
 */
import type { Override } from './types.js';

/** Hydra's ValueType names. */
export type ValueType = 'ELEMENT' | 'CHOICE_SWEEP' | 'GLOB_CHOICE_SWEEP' | 'SIMPLE_CHOICE_SWEEP' | 'RANGE_SWEEP' | 'INTERVAL_SWEEP';

/** The ValueType of an override; null for a bare `~key`, which has no value. */
export function overrideValueType(override: Override): ValueType | null {
  if (!override.hasValue) return null;
  switch (override.sweep?.kind) {
    case undefined:
      return 'ELEMENT';
    case 'choice':
      return override.sweep.simpleForm ? 'SIMPLE_CHOICE_SWEEP' : 'CHOICE_SWEEP';
    case 'range':
      return 'RANGE_SWEEP';
    case 'interval':
      return 'INTERVAL_SWEEP';
    case 'glob':
      return 'GLOB_CHOICE_SWEEP';
  }
}
