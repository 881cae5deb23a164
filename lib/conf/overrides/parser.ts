/**
 * The override parser: Hydra's OverrideParser.g4, written as its generated ANTLR parser runs it,
 * with ANTLR's error strategy (the same sync points, single-token deletion and insertion, and
 * adaptive prediction of `value`), so a bad override gets the message Hydra gives it.
 * @module
 */
import { ParseFailure } from './errors.js';
import type { CstArgument, CstElement, CstKey, CstOverride, CstValue } from './cst.js';
import { LexerError, OverrideLexer, type LexerMode } from './lexer.js';
import {
  DICT_KEY_PART,
  FIRST_ELEMENT,
  PRIMITIVE_PART,
  T,
  describeToken,
  describeTokenSet,
  escapeWhitespace,
  union,
  type Token,
  type TokenType,
} from './tokens.js';

// Thrown while predicting: the token at which no alternative survives.
class Speculation extends Error {
  readonly tokenIndex: number;
  constructor(tokenIndex: number) {
    super('no viable alternative');
    this.tokenIndex = tokenIndex;
  }
}

/** Tokens pulled from the lexer on demand, as ANTLR's CommonTokenStream does (a lexer error surfaces when its token is first looked at). */
class TokenStream {
  private readonly tokens: Token[] = [];
  private readonly lexer: OverrideLexer;
  index = 0;

  constructor(lexer: OverrideLexer) {
    this.lexer = lexer;
  }

  get(i: number): Token {
    while (this.tokens.length <= i) {
      const last = this.tokens.at(-1);
      if (last?.type === T.EOF) return last;
      try {
        this.tokens.push(this.lexer.next());
      } catch (error) {
        if (error instanceof LexerError) throw new ParseFailure(error.message, error.start);
        throw error;
      }
    }
    return this.tokens[i]!;
  }

  text(from: number, to: number): string {
    let out = '';
    for (let i = from; i <= to; i++) {
      const token = this.get(i);
      if (token.type === T.EOF) break;
      out += token.text;
    }
    return out;
  }
}

const KEY_START = new Set<TokenType>([T.EQUAL, T.AT, T.KEY_SPECIAL, T.DOT_PATH, T.ID]);
const VALUE_OR_END = union(FIRST_ELEMENT, [T.EOF]);
const ARGUMENT_AFTER_ID = union(PRIMITIVE_PART, [T.POPEN, T.COMMA, T.PCLOSE]);

/** A recursive-descent parser over one override string. */
export class OverrideParser {
  private readonly stream: TokenStream;
  private speculating = false;

  constructor(input: string, mode: LexerMode) {
    this.stream = new TokenStream(new OverrideLexer(input, mode));
  }

  private lt(k: number): Token {
    return this.stream.get(this.stream.index + k - 1);
  }

  private la(k: number): TokenType {
    return this.lt(k).type;
  }

  private consume(): Token {
    const token = this.lt(1);
    if (token.type !== T.EOF) this.stream.index++;
    return token;
  }

  private fail(message: () => string, tokenIndex = this.stream.index): never {
    if (this.speculating) throw new Speculation(tokenIndex);
    throw new ParseFailure(message(), this.stream.get(tokenIndex).start);
  }

  private noViableAlternative(startIndex: number, offendingIndex: number): never {
    this.fail(() => `no viable alternative at input '${escapeWhitespace(this.stream.text(startIndex, offendingIndex))}'`, offendingIndex);
  }

  private extraneous(expected: ReadonlySet<TokenType>): never {
    this.fail(() => `extraneous input ${describeToken(this.lt(1))} expecting ${describeTokenSet(expected)}`);
  }

  private mismatched(expected: ReadonlySet<TokenType>): never {
    this.fail(() => `mismatched input ${describeToken(this.lt(1))} expecting ${describeTokenSet(expected)}`);
  }

  // ANTLR's sync() at a block start or loop entry: drop one stray token if that helps, else mismatch.
  private syncBlock(next: ReadonlySet<TokenType>): void {
    if (next.has(this.la(1))) return;
    if (!this.speculating && next.has(this.la(2))) this.extraneous(next);
    this.mismatched(next);
  }

  // ANTLR's sync() at the back edge of a loop that cannot end its rule there.
  private syncLoopBack(next: ReadonlySet<TokenType>): void {
    if (!next.has(this.la(1))) this.extraneous(next);
  }

  // ANTLR's match() with recoverInline's reporting: extraneous token, missing token, or mismatch.
  private match(type: TokenType, followingTokens: ReadonlySet<TokenType>): Token {
    if (this.la(1) === type) return this.consume();
    const expected = new Set([type]);
    if (!this.speculating) {
      if (this.la(2) === type) this.extraneous(expected);
      if (followingTokens.has(this.la(1))) this.fail(() => `missing ${describeTokenSet(expected)} at ${describeToken(this.lt(1))}`);
    }
    this.mismatched(expected);
  }

  /** `override: (key EQUAL value? | TILDE key (EQUAL value?)? | PLUS PLUS? key EQUAL value?) EOF`. */
  override(): CstOverride {
    this.syncBlock(union(KEY_START, [T.TILDE, T.PLUS]));
    let prefix: CstOverride['prefix'] = '';
    let key: CstKey;
    let hasEqual = true;
    if (this.la(1) === T.TILDE) {
      this.consume();
      prefix = '~';
      key = this.key(new Set([T.EQUAL, T.EOF]));
      this.syncBlock(new Set([T.EQUAL, T.EOF]));
      hasEqual = this.la(1) === T.EQUAL;
      if (hasEqual) this.consume();
    } else {
      if (this.la(1) === T.PLUS) {
        this.consume();
        prefix = '+';
        this.syncBlock(union(KEY_START, [T.PLUS]));
        if (this.la(1) === T.PLUS) {
          this.consume();
          prefix = '++';
        }
      }
      key = this.key(new Set([T.EQUAL]));
      this.match(T.EQUAL, VALUE_OR_END);
    }
    let value: CstValue | null = null;
    const valueStart = this.lt(1).start;
    if (hasEqual) {
      this.syncBlock(VALUE_OR_END);
      if (FIRST_ELEMENT.has(this.la(1))) value = this.value();
    }
    this.match(T.EOF, new Set());
    return { prefix, ...key, hasEqual, value, valueStart };
  }

  /** `key: packageOrGroup (AT package)?`; `follow` is what may come after the key. */
  key(follow: ReadonlySet<TokenType> = new Set([T.EOF])): CstKey {
    const key = this.packageOrGroup(union(follow, [T.AT]));
    if (this.la(1) !== T.AT) return { key, package: null };
    this.consume();
    return { key, package: this.package() };
  }

  /** `packageOrGroup: package | ID (SLASH ID)+`. */
  packageOrGroup(follow: ReadonlySet<TokenType> = new Set([T.EOF])): string {
    if (this.la(1) !== T.ID || this.la(2) !== T.SLASH) return this.package();
    let text = this.consume().text;
    do {
      text += this.consume().text;
      text += this.match(T.ID, union(follow, [T.SLASH])).text;
    } while (this.la(1) === T.SLASH);
    return text;
  }

  /** `package: ( | ID | KEY_SPECIAL | DOT_PATH)`. */
  package(): string {
    switch (this.la(1)) {
      case T.EOF:
      case T.EQUAL:
      case T.AT:
        return '';
      case T.ID:
      case T.KEY_SPECIAL:
      case T.DOT_PATH:
        return this.consume().text;
      default:
        this.noViableAlternative(this.stream.index, this.stream.index);
    }
  }

  /** `value: element | simpleChoiceSweep`, predicted by reading the whole first element as ANTLR does. */
  value(): CstValue {
    this.syncBlock(FIRST_ELEMENT);
    const start = this.stream.index;
    let isSweep: boolean;
    this.speculating = true;
    try {
      this.element();
      isSweep = this.la(1) === T.COMMA;
    } catch (error) {
      if (!(error instanceof Speculation)) throw error;
      this.speculating = false;
      this.stream.index = start;
      this.noViableAlternative(start, error.tokenIndex);
    } finally {
      this.speculating = false;
      this.stream.index = start;
    }
    return isSweep ? { kind: 'sweep', elements: this.simpleChoiceSweep() } : { kind: 'element', element: this.element() };
  }

  /** `element: primitive | listContainer | dictContainer | function`. */
  element(): CstElement {
    this.syncBlock(FIRST_ELEMENT);
    switch (this.la(1)) {
      case T.BRACKET_OPEN:
        return this.listContainer();
      case T.BRACE_OPEN:
        return this.dictContainer();
      case T.ID:
        if (this.la(2) === T.POPEN) return this.function();
    }
    return this.primitive();
  }

  /** `simpleChoiceSweep: element (COMMA element)+`. */
  simpleChoiceSweep(): CstElement[] {
    const elements = [this.element()];
    this.syncBlock(new Set([T.COMMA]));
    do {
      this.consume();
      elements.push(this.element());
    } while (this.la(1) === T.COMMA);
    return elements;
  }

  /** `function: ID POPEN (argName? element (COMMA argName? element)*)? PCLOSE`. */
  function(): CstElement {
    const name = this.consume();
    this.consume();
    const args: CstArgument[] = [];
    const closers = new Set([T.COMMA, T.PCLOSE]);
    this.syncBlock(union(FIRST_ELEMENT, [T.PCLOSE]));
    if (FIRST_ELEMENT.has(this.la(1))) {
      args.push(this.argument());
      this.syncBlock(closers);
      while (this.la(1) === T.COMMA) {
        this.consume();
        this.syncBlock(FIRST_ELEMENT);
        args.push(this.argument());
        this.syncLoopBack(closers);
      }
    }
    const close = this.consume();
    return { kind: 'function', name: name.text, args, start: name.start, end: close.end };
  }

  // `argName? element`: an ID is a name only when `=` follows it (ANTLR predicts on two tokens).
  private argument(): CstArgument {
    let name: string | null = null;
    if (this.la(1) === T.ID) {
      if (this.la(2) === T.EQUAL) {
        name = this.consume().text;
        this.consume();
      } else if (!ARGUMENT_AFTER_ID.has(this.la(2))) this.noViableAlternative(this.stream.index, this.stream.index + 1);
    }
    return { name, value: this.element() };
  }

  /** `listContainer: BRACKET_OPEN (element (COMMA element)*)? BRACKET_CLOSE`. */
  listContainer(): CstElement {
    this.consume();
    const items: CstElement[] = [];
    const closers = new Set([T.COMMA, T.BRACKET_CLOSE]);
    this.syncBlock(union(FIRST_ELEMENT, [T.BRACKET_CLOSE]));
    if (FIRST_ELEMENT.has(this.la(1))) {
      items.push(this.element());
      this.syncBlock(closers);
      while (this.la(1) === T.COMMA) {
        this.consume();
        items.push(this.element());
        this.syncLoopBack(closers);
      }
    }
    this.consume();
    return { kind: 'list', items };
  }

  /** `dictContainer: BRACE_OPEN (dictKeyValuePair (COMMA dictKeyValuePair)*)? BRACE_CLOSE`. */
  dictContainer(): CstElement {
    this.consume();
    const entries: { key: Token[]; value: CstElement }[] = [];
    const closers = new Set([T.COMMA, T.BRACE_CLOSE]);
    this.syncBlock(union(DICT_KEY_PART, [T.BRACE_CLOSE]));
    if (DICT_KEY_PART.has(this.la(1))) {
      entries.push(this.dictKeyValuePair());
      this.syncBlock(closers);
      while (this.la(1) === T.COMMA) {
        this.consume();
        entries.push(this.dictKeyValuePair());
        this.syncLoopBack(closers);
      }
    }
    this.consume();
    return { kind: 'dict', entries };
  }

  /** `dictKeyValuePair: dictKey COLON element`. */
  dictKeyValuePair(): { key: Token[]; value: CstElement } {
    const key = this.dictKey();
    this.match(T.COLON, FIRST_ELEMENT);
    return { key, value: this.element() };
  }

  /** `primitive: QUOTED_VALUE | (ID | NULL | INT | FLOAT | BOOL | INTERPOLATION | UNQUOTED_CHAR | COLON | ESC | WS)+`. */
  primitive(): CstElement {
    this.syncBlock(union(PRIMITIVE_PART, [T.QUOTED_VALUE]));
    if (this.la(1) === T.QUOTED_VALUE) return { kind: 'primitive', tokens: [this.consume()] };
    const tokens: Token[] = [];
    do tokens.push(this.consume());
    while (PRIMITIVE_PART.has(this.la(1)));
    return { kind: 'primitive', tokens };
  }

  /** `dictKey: (ID | NULL | INT | FLOAT | BOOL | UNQUOTED_CHAR | ESC | WS)+`. */
  dictKey(): Token[] {
    this.syncBlock(DICT_KEY_PART);
    const tokens: Token[] = [];
    do tokens.push(this.consume());
    while (DICT_KEY_PART.has(this.la(1)));
    return tokens;
  }
}
