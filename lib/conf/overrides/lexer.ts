/**
 * The override lexer: Hydra's OverrideLexer.g4 rule for rule, with ANTLR's longest-match choice
 * (the earlier rule wins a tie) and its two modes (a key until the first `=`, then a value).
 * @module
 */
import { T, escapeWhitespace, type Token, type TokenType } from './tokens.js';

/** The lexer's mode: the key part of an override, or the value part after `=`. */
export type LexerMode = 'key' | 'value';

/** No lexer rule matches at `start`; `text` runs from there to the character where the lexer gave up. */
export class LexerError extends Error {
  /** Offset of the first character of the text no rule matches. */
  readonly start: number;
  constructor(text: string, start: number) {
    super(`token recognition error at: '${escapeWhitespace(text)}'`);
    this.name = 'LexerError';
    this.start = start;
  }
}

type Matcher = (input: string, at: number) => number; // length matched, or -1

function sticky(source: string): Matcher {
  const re = new RegExp(source, 'y');
  return (input, at) => {
    re.lastIndex = at;
    return re.exec(input)?.[0].length ?? -1;
  };
}

const WS = '[ \\t]*';
const INT_UNSIGNED = '(?:0|[1-9](?:_?[0-9])*)';
const DIGITS = '[0-9](?:_?[0-9])*';
const POINT_FLOAT = `(?:(?:${INT_UNSIGNED})?\\.${DIGITS}|${INT_UNSIGNED}\\.)`;
const EXPONENT_FLOAT = `(?:${POINT_FLOAT}|${INT_UNSIGNED})[eE][+-]?${DIGITS}`;
const ID = '[a-zA-Z_][a-zA-Z0-9_\\-]*';
const KEY_SPECIAL = '[a-zA-Z_$][a-zA-Z0-9_\\-$]*';

// A quoted value closes at the first quote preceded by an even number of backslashes.
function quotedValue(input: string, at: number): number {
  const quote = input[at];
  if (quote !== "'" && quote !== '"') return -1;
  for (let i = at + 1; i < input.length; i++) {
    if (input[i] !== quote) continue;
    let backslashes = 0;
    while (input[i - 1 - backslashes] === '\\' && i - 1 - backslashes > at) backslashes++;
    if (backslashes % 2 === 0) return i + 1 - at;
  }
  return -1;
}

interface Rule {
  readonly type: TokenType;
  readonly match: Matcher;
  readonly toValueMode?: boolean;
}

const keyRules: Rule[] = [
  { type: T.EQUAL, match: sticky(`=${WS}`), toValueMode: true },
  { type: T.TILDE, match: sticky('~') },
  { type: T.PLUS, match: sticky('\\+') },
  { type: T.AT, match: sticky('@') },
  { type: T.COLON, match: sticky(':') },
  { type: T.SLASH, match: sticky('/') },
  { type: T.ID, match: sticky(ID) },
  { type: T.KEY_SPECIAL, match: sticky(KEY_SPECIAL) },
  { type: T.DOT_PATH, match: sticky(`(?:${KEY_SPECIAL}|${INT_UNSIGNED})(?:\\.(?:${KEY_SPECIAL}|${INT_UNSIGNED}))+`) },
];

const valueRules: Rule[] = [
  { type: T.POPEN, match: sticky(`${WS}\\(${WS}`) },
  { type: T.COMMA, match: sticky(`${WS},${WS}`) },
  { type: T.PCLOSE, match: sticky(`${WS}\\)`) },
  { type: T.BRACKET_OPEN, match: sticky(`\\[${WS}`) },
  { type: T.BRACKET_CLOSE, match: sticky(`${WS}\\]`) },
  { type: T.BRACE_OPEN, match: sticky(`\\{${WS}`) },
  { type: T.BRACE_CLOSE, match: sticky(`${WS}\\}`) },
  { type: T.COLON, match: sticky(`${WS}:${WS}`) },
  { type: T.EQUAL, match: sticky(`${WS}=${WS}`) },
  { type: T.FLOAT, match: sticky(`[+-]?(?:${EXPONENT_FLOAT}|${POINT_FLOAT}|[Ii][Nn][Ff]|[Nn][Aa][Nn])`) },
  { type: T.INT, match: sticky(`[+-]?${INT_UNSIGNED}`) },
  { type: T.BOOL, match: sticky('(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])') },
  { type: T.NULL, match: sticky('[Nn][Uu][Ll][Ll]') },
  { type: T.UNQUOTED_CHAR, match: sticky('[/\\-\\\\+.$%*@?|]') },
  { type: T.ID, match: sticky(ID) },
  { type: T.ESC, match: sticky('(?:\\\\[\\\\()\\[\\]{}:=, \\t])+') },
  { type: T.WS, match: sticky('[ \\t]+') },
  { type: T.QUOTED_VALUE, match: quotedValue },
  { type: T.INTERPOLATION, match: sticky('\\$\\{[^}]+\\}') },
];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isKeyStart = (c: string | undefined): boolean => c !== undefined && /[a-zA-Z_$]/.test(c);
const isKeyPart = (c: string | undefined): boolean => c !== undefined && /[a-zA-Z0-9_\-$]/.test(c);

// How far a dot path that starts with a digit gets before the lexer gives up (the only key-mode
// rule that can consume characters without matching, as in `0=1`).
function dotPathReach(input: string, at: number): number {
  let i = at;
  for (;;) {
    if (isDigit(input[i])) {
      if (input[i++] !== '0') {
        for (;;) {
          if (input[i] === '_') {
            if (!isDigit(input[i + 1])) return i + 1 - at;
            i += 2;
          } else if (isDigit(input[i])) i++;
          else break;
        }
      }
    } else if (isKeyStart(input[i])) {
      i++;
      while (isKeyPart(input[i])) i++;
    } else return i - at;
    if (input[i] !== '.') return i - at;
    i++;
  }
}

/** Tokens of one override, produced on demand (the parser pulls them one lookahead at a time). */
export class OverrideLexer {
  private position = 0;
  private mode: LexerMode;
  private readonly input: string;

  constructor(input: string, mode: LexerMode) {
    this.input = input;
    this.mode = mode;
  }

  /** The next token; the end-of-input token once the input is used up. */
  next(): Token {
    const { input, position: start } = this;
    if (start >= input.length) return { type: T.EOF, text: '<EOF>', start: input.length, end: input.length };
    let best: Rule | undefined;
    let bestLength = 0;
    for (const rule of this.mode === 'key' ? keyRules : valueRules) {
      const length = rule.match(input, start);
      if (length > bestLength) {
        best = rule;
        bestLength = length;
      }
    }
    if (best === undefined) {
      // The lexer reports everything it read, up to and including the character it failed on.
      const reach =
        this.mode === 'key'
          ? isDigit(input[start])
            ? dotPathReach(input, start)
            : 0
          : quotedValue(input, start) < 0 && /['"]/.test(input[start]!)
            ? input.length - start
            : 0;
      throw new LexerError(input.slice(start, start + reach + 1), start);
    }
    if (best.toValueMode) this.mode = 'value';
    this.position = start + bestLength;
    return { type: best.type, text: input.slice(start, this.position), start, end: this.position };
  }
}
