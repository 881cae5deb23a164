/**
 * Errors of the override grammar: an override that does not parse or does not evaluate, and a
 * sweep the basic sweeper cannot expand.
 * @module
 */
import { pyStrRepr } from './py-format.js';

/** Internal: a failure with the offset in the override it points at (becomes an OverrideParseError). */
export class ParseFailure extends Error {
  /** Offset in the override of what the message is about. */
  readonly offset: number;
  /** The error, with Hydra's message and where it applies. */
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'ParseFailure';
    this.offset = offset;
  }
}

/** Where an override sits among several, for the message Hydra gives when it parses a list of them. */
export interface OverrideListPosition {
  /** Index of the override in the list. */
  index: number;
  /** The whole list. */
  overrides: readonly string[];
}

function caretLine(override: string, column: number): string {
  // Tabs stay tabs so that the caret lines up under the offending character.
  return `${override.slice(0, column).replace(/[^\t]/g, ' ')}^`;
}

/**
 * An override that does not parse (a syntax error, as ANTLR words it for Hydra) or does not evaluate
 * (a bad function call). The message names the override, gives the reason, and points a caret at the
 * column; `reason` alone is the text Hydra's HydraException carries.
 */
export class OverrideParseError extends Error {
  /** The override text. */
  readonly override: string;
  /** 0-based column of the offending character. */
  readonly column: number;
  /** Hydra's message for the failure, e.g. "mismatched input '/' expecting EQUAL". */
  readonly reason: string;
  /** Index of the override when it was parsed as part of a list (sweepJobs), else null. */
  readonly index: number | null;

  /** The error, with Hydra's message and where it applies. */
  constructor(override: string, column: number, reason: string, position?: OverrideListPosition) {
    const detail = `Error parsing override '${override}'\n${reason}\n${override}\n${caretLine(override, column)}`;
    super(
      position === undefined
        ? detail
        : `Error when parsing index: ${position.index}, string: ${override} out of [${position.overrides.map(pyStrRepr).join(', ')}].\n${detail}\n` +
            'See https://hydra.cc/docs/1.2/advanced/override_grammar/basic for details',
    );
    this.name = 'OverrideParseError';
    this.override = override;
    this.column = column;
    this.reason = reason;
    this.index = position?.index ?? null;
  }
}

/** A parsed override the sweeper cannot expand (an interval for the basic sweeper, a glob with no options). */
export class SweepError extends Error {
  /** The error, with Hydra's message and where it applies. */
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}
