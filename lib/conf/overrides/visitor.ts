/**
 * Evaluation of a parse tree (Hydra's HydraOverrideVisitor): primitives get their types, quoted
 * strings are unescaped, functions are called, and the override's kind is settled.
 * @module
 */
import type { CstElement, CstOverride, CstValue } from './cst.js';
import { ParseFailure } from './errors.js';
import { callFunction } from './functions.js';
import type { RandomSource } from './grammar-functions.js';
import { pyEquals } from './py-compare.js';
import { PyDict, PyError, QuotedString, type PyValue } from './py-values.js';
import { PyChoiceSweep, PyListExtension } from './sweeps.js';
import { T, type Token } from './tokens.js';

/** Hydra's kinds of override. */
export type OverrideType = 'change' | 'add' | 'force_add' | 'delete' | 'extend_list';

/** An evaluated override; `value` is undefined for a bare `~key`. */
export interface EvaluatedOverride {
  readonly type: OverrideType;
  readonly key: string;
  readonly package: string | null;
  readonly value: PyValue | undefined;
}

/** What evaluation needs besides the tree: the override text (for messages) and a random source (for shuffle). */
export interface EvaluationContext {
  readonly source: string;
  readonly random: RandomSource;
}

// Hydra's _unescape_quoted_string: only backslashes before a quote are escapes.
function unescapeQuoted(text: string): QuotedString {
  const quote = text[0] as "'" | '"';
  const body = text.slice(1);
  const runs = new RegExp(`\\\\+${quote}`, 'g');
  const unescaped = body.replace(runs, (run) => [...run].filter((_, i) => i % 2 === 1).join(''));
  return new QuotedString(body.at(-2) === '\\' ? unescaped : unescaped.slice(0, -1), quote);
}

const unescape = (text: string): string => [...text].filter((_, i) => i % 2 === 1).join('');

function parseFloatToken(text: string): number {
  const clean = text.replace(/_/g, '').toLowerCase();
  if (/nan$/.test(clean)) return NaN;
  if (/inf$/.test(clean)) return clean.startsWith('-') ? -Infinity : Infinity;
  return Number(clean);
}

/** A primitive's value from its tokens (Hydra's _createPrimitive): outer whitespace dropped, one token typed, several joined as text. */
export function createPrimitive(tokens: readonly Token[]): PyValue {
  let [first, last] = [0, tokens.length];
  if (tokens[0]!.type === T.WS) {
    if (tokens.length === 1) throw new ParseFailure('Trying to parse a primitive that is all whitespaces', tokens[0]!.start);
    first = 1;
  }
  if (tokens.at(-1)!.type === T.WS) last--;
  if (last - first > 1)
    return tokens
      .slice(first, last)
      .map((token) => (token.type === T.ESC ? unescape(token.text) : token.text))
      .join('');
  const token = tokens[first]!;
  switch (token.type) {
    case T.QUOTED_VALUE:
      return unescapeQuoted(token.text);
    case T.INT:
      return BigInt(token.text.replace(/_/g, '').replace(/^\+/, ''));
    case T.FLOAT:
      return parseFloatToken(token.text);
    case T.NULL:
      return null;
    case T.BOOL:
      return token.text.toLowerCase() === 'true';
    case T.ESC:
      return unescape(token.text);
    default:
      return token.text;
  }
}

// Python's dict(pairs): a repeated key keeps its first place and takes the later value.
function makeDict(pairs: (readonly [PyValue, PyValue])[]): PyDict {
  const entries: [PyValue, PyValue][] = [];
  for (const [key, value] of pairs) {
    const existing = entries.find(([k]) => pyEquals(k, key));
    if (existing) existing[1] = value;
    else entries.push([key, value]);
  }
  return new PyDict(entries);
}

/** Evaluates one element. */
export function visitElement(node: CstElement, context: EvaluationContext): PyValue {
  switch (node.kind) {
    case 'primitive':
      return createPrimitive(node.tokens);
    case 'list':
      return node.items.map((item) => visitElement(item, context));
    case 'dict':
      return makeDict(node.entries.map(({ key, value }) => [createPrimitive(key), visitElement(value, context)] as const));
    case 'function': {
      const args: PyValue[] = [];
      const kwargs = new Map<string, PyValue>();
      for (const arg of node.args) {
        if (arg.name !== null) kwargs.set(arg.name, visitElement(arg.value, context));
        else if (kwargs.size > 0) throw new ParseFailure('positional argument follows keyword argument', node.start);
        else args.push(visitElement(arg.value, context));
      }
      try {
        return callFunction(node.name, args, kwargs, context.random);
      } catch (error) {
        if (!(error instanceof PyError)) throw error;
        throw new ParseFailure(
          `${error.pyType} while evaluating '${context.source.slice(node.start, node.end)}': ${error.message}`,
          node.start,
        );
      }
    }
  }
}

/** Evaluates the part after `=`: an element, or a simple choice sweep `a,b,c`. */
export function visitValue(node: CstValue, context: EvaluationContext): PyValue {
  if (node.kind === 'element') return visitElement(node.element, context);
  return new PyChoiceSweep(
    node.elements.map((element) => visitElement(element, context)),
    true,
  );
}

const prefixTypes = { '': 'change', '+': 'add', '++': 'force_add', '~': 'delete' } as const;

/** Evaluates a whole override; extend_list(...) turns a plain `key=` override into a list extension. */
export function visitOverride(node: CstOverride, context: EvaluationContext): EvaluatedOverride {
  let type: OverrideType = prefixTypes[node.prefix];
  let value: PyValue | undefined;
  if (!node.hasEqual) value = undefined;
  else if (node.value === null) value = '';
  else {
    value = visitValue(node.value, context);
    if (value instanceof PyListExtension) {
      if (type !== 'change') throw new ParseFailure('Trying to use override symbols when extending a list', 0);
      type = 'extend_list';
      value = value.values;
    }
  }
  return { type, key: node.key, package: node.package, value };
}
