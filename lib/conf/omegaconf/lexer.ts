/**
 * The tokenizer of OmegaConf's interpolation grammar (OmegaConfGrammarLexer.g4), with its five
 * modes: top-level text, interpolation keys, resolver arguments (values) and the two quoted
 * strings. As in ANTLR, the longest match wins and a tie goes to the rule listed first; a rule
 * may push, pop or replace the current mode.
 * @module
 */
import { GrammarParseError } from './errors.js';

/** Token kinds, named as in the ANTLR grammar. */
export type TokenType =
  | 'INTER_OPEN'
  | 'INTER_CLOSE'
  | 'BRACE_OPEN'
  | 'BRACE_CLOSE'
  | 'QUOTE_OPEN_SINGLE'
  | 'QUOTE_OPEN_DOUBLE'
  | 'MATCHING_QUOTE_CLOSE'
  | 'COMMA'
  | 'BRACKET_OPEN'
  | 'BRACKET_CLOSE'
  | 'COLON'
  | 'DOT'
  | 'FLOAT'
  | 'INT'
  | 'BOOL'
  | 'NULL'
  | 'UNQUOTED_CHAR'
  | 'ID'
  | 'INTER_KEY'
  | 'ESC'
  | 'WS'
  | 'ANY_STR'
  | 'ESC_INTER'
  | 'TOP_ESC'
  | 'QUOTED_ESC'
  | 'EOF';

/** A token with its source offset (for error messages). */
export interface Token {
  type: TokenType;
  text: string;
  start: number;
}

/** The lexer modes: where a string starts decides which one is first. */
export type LexerMode = 'TOP' | 'VALUE' | 'INTER' | 'QSINGLE' | 'QDOUBLE';

type Action = { push: LexerMode } | { pop: true } | { set: LexerMode } | null;

interface Rule {
  type: TokenType;
  re: RegExp;
  action: Action;
}

const rule = (type: TokenType, source: string, action: Action = null): Rule => ({ type, re: new RegExp(source, 'y'), action });

const WS = '[ \\t]';
const INT_UNSIGNED = '(?:0|[1-9](?:_?[0-9])*)';
const DIGITS = '[0-9](?:_?[0-9])*';
// Alternatives ordered longest first, since a regex alternation takes the first that matches.
const POINT_FLOAT = `(?:${INT_UNSIGNED}?\\.${DIGITS}|${INT_UNSIGNED}\\.)`;
const EXPONENT_FLOAT = `(?:${POINT_FLOAT}|${INT_UNSIGNED})[eE][+-]?${DIGITS}`;
const ID = '[a-zA-Z_][a-zA-Z0-9_\\-]*';
const ESC_INTER = '(?:\\\\\\\\)*\\\\\\$\\{';
const INTER_OPEN = `\\$\\{${WS}*`;

const MODES: Record<LexerMode, Rule[]> = {
  TOP: [
    rule('INTER_OPEN', INTER_OPEN, { push: 'INTER' }),
    // Text without `$` that does not end with a backslash (which may escape what follows).
    rule('ANY_STR', '[^$]*[^\\\\$]'),
    rule('ESC_INTER', ESC_INTER),
    rule('TOP_ESC', '(?:\\\\\\\\)+'),
    rule('ANY_STR', '\\\\+'),
    rule('ANY_STR', '\\$'),
  ],
  VALUE: [
    rule('INTER_OPEN', INTER_OPEN, { push: 'INTER' }),
    rule('BRACE_OPEN', `\\{${WS}*`, { push: 'VALUE' }),
    rule('BRACE_CLOSE', `${WS}*\\}`, { pop: true }),
    rule('QUOTE_OPEN_SINGLE', "'", { push: 'QSINGLE' }),
    rule('QUOTE_OPEN_DOUBLE', '"', { push: 'QDOUBLE' }),
    rule('COMMA', `${WS}*,${WS}*`),
    rule('BRACKET_OPEN', `\\[${WS}*`),
    rule('BRACKET_CLOSE', `${WS}*\\]`),
    rule('COLON', `${WS}*:${WS}*`),
    rule('FLOAT', `[+-]?(?:${EXPONENT_FLOAT}|${POINT_FLOAT}|[Ii][Nn][Ff]|[Nn][Aa][Nn])`),
    rule('INT', `[+-]?${INT_UNSIGNED}`),
    rule('BOOL', '(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])'),
    rule('NULL', '[Nn][Uu][Ll][Ll]'),
    rule('UNQUOTED_CHAR', '[/\\-\\\\+.$%*@?|]'),
    rule('ID', ID),
    rule('ESC', '(?:\\\\\\\\|\\\\\\(|\\\\\\)|\\\\\\[|\\\\\\]|\\\\\\{|\\\\\\}|\\\\:|\\\\=|\\\\,|\\\\ |\\\\\\t)+'),
    rule('WS', `${WS}+`),
  ],
  INTER: [
    rule('INTER_OPEN', INTER_OPEN, { push: 'INTER' }),
    // A colon turns the interpolation into a resolver call whose arguments are values.
    rule('COLON', `${WS}*:${WS}*`, { set: 'VALUE' }),
    rule('INTER_CLOSE', `${WS}*\\}`, { pop: true }),
    rule('DOT', '\\.'),
    rule('BRACKET_OPEN', '\\['),
    rule('BRACKET_CLOSE', '\\]'),
    rule('ID', ID),
    rule('INTER_KEY', '[^\\\\{}()\\[\\]:. \\t\'"]+'),
  ],
  QSINGLE: quotedRules("'"),
  QDOUBLE: quotedRules('"'),
};

/** The rules of a quoted string: like top-level text, but the quote closes it and can be escaped. */
function quotedRules(quote: string): Rule[] {
  return [
    rule('INTER_OPEN', INTER_OPEN, { push: 'INTER' }),
    rule('MATCHING_QUOTE_CLOSE', quote, { pop: true }),
    rule('ANY_STR', `[^${quote}$]*[^${quote}\\\\$]`),
    rule('ESC_INTER', ESC_INTER),
    rule('ESC', `(?:\\\\\\\\)*\\\\${quote}`),
    rule('QUOTED_ESC', '(?:\\\\\\\\)+'),
    rule('ANY_STR', '\\\\+'),
    rule('ANY_STR', '\\$'),
  ];
}

/** Splits `text` into tokens, starting in `mode`; throws GrammarParseError where no rule matches. */
export function tokenize(text: string, mode: LexerMode): Token[] {
  const stack: LexerMode[] = [mode];
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    let best: { rule: Rule; length: number } | undefined;
    for (const candidate of MODES[stack[stack.length - 1]!]) {
      candidate.re.lastIndex = pos;
      const match = candidate.re.exec(text);
      if (match && match[0].length > (best?.length ?? 0)) best = { rule: candidate, length: match[0].length };
    }
    if (!best) throw new GrammarParseError(`token recognition error at: '${text[pos]}' (column ${pos + 1} of '${text}')`);
    const { rule: matched, length } = best;
    tokens.push({ type: matched.type, text: text.slice(pos, pos + length), start: pos });
    pos += length;
    const action = matched.action;
    if (action && 'push' in action) stack.push(action.push);
    else if (action && 'set' in action) stack[stack.length - 1] = action.set;
    else if (action) {
      // ANTLR fails on popping its last mode (an unmatched `}` in a value).
      if (stack.length === 1) throw new GrammarParseError(`unmatched '}' (column ${pos} of '${text}')`);
      stack.pop();
    }
  }
  tokens.push({ type: 'EOF', text: '<EOF>', start: text.length });
  return tokens;
}
