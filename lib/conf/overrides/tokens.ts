/**
 * Token types of Hydra's override grammar, numbered as Hydra's generated ANTLR lexer numbers them:
 * an error message lists the tokens it expected in this order, under these names.
 * @module
 */

/** Token type numbers (hydra/grammar/OverrideLexer.g4, Hydra 1.3 vocabulary). */
export const T = {
  EOF: -1,
  EQUAL: 1,
  TILDE: 2,
  PLUS: 3,
  AT: 4,
  COLON: 5,
  SLASH: 6,
  KEY_SPECIAL: 7,
  DOT_PATH: 8,
  POPEN: 9,
  COMMA: 10,
  PCLOSE: 11,
  BRACKET_OPEN: 12,
  BRACKET_CLOSE: 13,
  BRACE_OPEN: 14,
  BRACE_CLOSE: 15,
  FLOAT: 16,
  INT: 17,
  BOOL: 18,
  NULL: 19,
  UNQUOTED_CHAR: 20,
  ID: 21,
  ESC: 22,
  WS: 23,
  QUOTED_VALUE: 24,
  INTERPOLATION: 25,
} as const;

/** One token type number. */
export type TokenType = (typeof T)[keyof typeof T];

/** A token: its type, its text and where it sits in the override (character offsets, end exclusive). */
export interface Token {
  readonly type: TokenType;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

// ANTLR names a token by its literal when the lexer rule is a single literal, else by the rule name.
const literalNames: Partial<Record<TokenType, string>> = {
  [T.TILDE]: "'~'",
  [T.PLUS]: "'+'",
  [T.AT]: "'@'",
  [T.COLON]: "':'",
  [T.SLASH]: "'/'",
};

const symbolicNames = new Map<number, string>(Object.entries(T).map(([name, type]) => [type, name]));

/** A set of token types, as ANTLR prints it in "expecting ..." (one name bare, several in braces). */
export function describeTokenSet(types: ReadonlySet<TokenType>): string {
  const names = [...types]
    .sort((a, b) => a - b)
    .map((type) => (type === T.EOF ? '<EOF>' : (literalNames[type] ?? symbolicNames.get(type))));
  return names.length === 1 ? names[0]! : `{${names.join(', ')}}`;
}

/** Escapes newlines, carriage returns and tabs the way ANTLR's error messages show them. */
export function escapeWhitespace(text: string): string {
  return text.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/** A token as ANTLR's error messages show it: its text in single quotes, `'<EOF>'` at the end. */
export function describeToken(token: Token): string {
  return token.type === T.EOF ? "'<EOF>'" : `'${escapeWhitespace(token.text)}'`;
}

/** Token sets used by the parser's decisions (the bitmasks of Hydra's generated parser). */
export const FIRST_ELEMENT: ReadonlySet<TokenType> = new Set([
  T.COLON,
  T.BRACKET_OPEN,
  T.BRACE_OPEN,
  T.FLOAT,
  T.INT,
  T.BOOL,
  T.NULL,
  T.UNQUOTED_CHAR,
  T.ID,
  T.ESC,
  T.WS,
  T.QUOTED_VALUE,
  T.INTERPOLATION,
]);

/** Tokens that may continue an unquoted primitive. */
export const PRIMITIVE_PART: ReadonlySet<TokenType> = new Set([
  T.COLON,
  T.FLOAT,
  T.INT,
  T.BOOL,
  T.NULL,
  T.UNQUOTED_CHAR,
  T.ID,
  T.ESC,
  T.WS,
  T.INTERPOLATION,
]);

/** Tokens of a dict key (a primitive without colons, interpolations or quotes). */
export const DICT_KEY_PART: ReadonlySet<TokenType> = new Set([T.FLOAT, T.INT, T.BOOL, T.NULL, T.UNQUOTED_CHAR, T.ID, T.ESC, T.WS]);

/** The union of token sets. */
export function union(...sets: Iterable<TokenType>[]): ReadonlySet<TokenType> {
  const out = new Set<TokenType>();
  for (const set of sets) for (const type of set) out.add(type);
  return out;
}
