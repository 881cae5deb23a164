/**
 * Parsing text as any one rule of the grammar (Hydra's OverridesParser.parse_rule), which Hydra's
 * own tests use to check rules on their own; nodetorch's tests replay those cases through it.
 * @module
 */
import { OverrideParseError, ParseFailure } from './errors.js';
import type { RandomSource } from './grammar-functions.js';
import { OverrideParser } from './parser.js';
import type { PyValue } from './py-values.js';
import { visitElement, visitOverride, visitValue, createPrimitive, type EvaluatedOverride } from './visitor.js';

/** Rules parse_rule accepts. */
export type RuleName =
  | 'override'
  | 'key'
  | 'package'
  | 'packageOrGroup'
  | 'value'
  | 'element'
  | 'simpleChoiceSweep'
  | 'function'
  | 'listContainer'
  | 'dictContainer'
  | 'primitive';

/** What a rule evaluates to: an override, a key, a package text, or a value. */
export type RuleResult = EvaluatedOverride | { key: string; package: string | null } | string | PyValue;

/** Parses `text` as grammar rule `rule` (no end-of-input check, as ANTLR's rule methods) and evaluates it. */
export function parseRule(text: string, rule: RuleName, random: RandomSource = Math.random): RuleResult {
  const keyMode = rule === 'override' || rule === 'key' || rule === 'package' || rule === 'packageOrGroup';
  const parser = new OverrideParser(text, keyMode ? 'key' : 'value');
  const context = { source: text, random };
  try {
    switch (rule) {
      case 'override':
        return visitOverride(parser.override(), context);
      case 'key':
        return parser.key();
      case 'package':
        return parser.package();
      case 'packageOrGroup':
        return parser.packageOrGroup();
      case 'value':
        return visitValue(parser.value(), context);
      case 'simpleChoiceSweep':
        return visitValue({ kind: 'sweep', elements: parser.simpleChoiceSweep() }, context);
      case 'primitive': {
        const node = parser.primitive();
        return node.kind === 'primitive' ? createPrimitive(node.tokens) : visitElement(node, context);
      }
      default:
        return visitElement(
          {
            element: () => parser.element(),
            function: () => parser.function(),
            listContainer: () => parser.listContainer(),
            dictContainer: () => parser.dictContainer(),
          }[rule](),
          context,
        );
    }
  } catch (error) {
    if (error instanceof ParseFailure) throw new OverrideParseError(text, error.offset, error.message);
    throw error;
  }
}
