/**
 * The parser of OmegaConf's interpolation grammar (OmegaConfGrammarParser.g4): a config value is
 * text with interpolations in it (`configValue`), a resolver argument or an `oc.decode` input is
 * one element (`singleElement`). Parse trees are cached by source text, since a config resolves
 * the same strings many times.
 * @module
 */
import { GrammarParseError } from './errors.js';
import { tokenize, type Token, type TokenType } from './lexer.js';

/** A run of text tokens and interpolations (the `text` rule). */
export interface TextNode {
  kind: 'text';
  parts: (Token | InterpolationNode)[];
}

/** `${a.b[0]}`, `${..x}`: a reference to another node. */
export interface NodeInterpolation {
  kind: 'node';
  source: string;
  dots: number;
  keys: { key: Token | InterpolationNode; bracket: boolean }[];
}

/** `${name:arg, ...}`: a resolver call. */
export interface ResolverInterpolation {
  kind: 'resolver';
  source: string;
  name: (Token | InterpolationNode)[];
  args: ElementNode[];
}

/** Either kind of interpolation. */
export type InterpolationNode = NodeInterpolation | ResolverInterpolation;

/** An unquoted value: tokens (typed when alone) and interpolations, concatenated when several. */
export interface PrimitiveNode {
  kind: 'primitive';
  parts: (Token | InterpolationNode)[];
}

/** `'...'` or `"..."`: always a string, interpolations inside it resolved. */
export interface QuotedNode {
  kind: 'quoted';
  text: TextNode | null;
}

/** `[a, b]`. */
export interface ListNode {
  kind: 'list';
  items: ElementNode[];
}

/** `{a: 1, b: 2}`. */
export interface DictNode {
  kind: 'dict';
  entries: { key: PrimitiveNode; value: ElementNode }[];
}

/** An element; `empty` stands for a missing sequence item (`a,,b`), which OmegaConf reads as ''. */
export type ElementNode = PrimitiveNode | QuotedNode | ListNode | DictNode | { kind: 'empty' };

const TEXT_TOKENS = new Set<TokenType>(['ANY_STR', 'ESC', 'ESC_INTER', 'TOP_ESC', 'QUOTED_ESC']);
const PRIMITIVE_TOKENS = new Set<TokenType>(['ID', 'NULL', 'INT', 'FLOAT', 'BOOL', 'UNQUOTED_CHAR', 'COLON', 'ESC', 'WS']);
const DICT_KEY_TOKENS = new Set<TokenType>(['ID', 'NULL', 'INT', 'FLOAT', 'BOOL', 'UNQUOTED_CHAR', 'ESC', 'WS']);

class Parser {
  private pos = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  /** The type of the next token (a method, so that TypeScript does not narrow it across takes). */
  private peek(): TokenType {
    return this.tokens[this.pos]!.type;
  }

  private take(): Token {
    return this.tokens[this.pos++]!;
  }

  private fail(expecting: string): never {
    const token = this.tokens[this.pos]!;
    throw new GrammarParseError(`mismatched input '${token.text}' expecting ${expecting} (column ${token.start + 1} of '${this.source}')`);
  }

  private expect(type: TokenType): Token {
    if (this.peek() !== type) this.fail(type);
    return this.take();
  }

  end(): void {
    if (this.peek() !== 'EOF') this.fail('<EOF>');
  }

  text(): TextNode {
    const parts: TextNode['parts'] = [];
    for (;;) {
      if (this.peek() === 'INTER_OPEN') parts.push(this.interpolation());
      else if (TEXT_TOKENS.has(this.peek())) parts.push(this.take());
      else break;
    }
    if (parts.length === 0) this.fail('text');
    return { kind: 'text', parts };
  }

  interpolation(): InterpolationNode {
    const open = this.expect('INTER_OPEN');
    let dots = 0;
    while (this.peek() === 'DOT') {
      this.take();
      dots++;
    }
    // Read the path; whether it names a node or a resolver is known only at `}` or `:`.
    const keys: NodeInterpolation['keys'] = [];
    const separators: TokenType[] = [];
    let afterDot = false;
    for (;;) {
      // `a.b`, `a[b]`, `[a].b`; a dot is followed by a key, never by a bracket.
      const bracket = !afterDot && this.peek() === 'BRACKET_OPEN';
      if (bracket) this.take();
      keys.push({ key: this.configKey(), bracket });
      if (bracket) this.expect('BRACKET_CLOSE');
      afterDot = this.peek() === 'DOT';
      if (afterDot) separators.push(this.take().type);
      else if (this.peek() !== 'BRACKET_OPEN') break;
    }
    if (this.peek() === 'INTER_CLOSE') {
      const close = this.take();
      return { kind: 'node', source: this.slice(open, close), dots, keys };
    }
    const isName = dots === 0 && keys.every(({ key, bracket }) => !bracket && ('kind' in key || key.type === 'ID'));
    if (this.peek() !== 'COLON' || !isName || separators.length !== keys.length - 1) this.fail('INTER_CLOSE');
    this.take();
    const args = this.peek() === 'BRACE_CLOSE' ? [] : this.sequence();
    const close = this.expect('BRACE_CLOSE');
    return { kind: 'resolver', source: this.slice(open, close), name: keys.map(({ key }) => key), args };
  }

  private slice(open: Token, close: Token): string {
    return this.source.slice(open.start, close.start + close.text.length);
  }

  private configKey(): Token | InterpolationNode {
    if (this.peek() === 'INTER_OPEN') return this.interpolation();
    if (this.peek() === 'ID' || this.peek() === 'INTER_KEY') return this.take();
    return this.fail('ID');
  }

  sequence(): ElementNode[] {
    const items: ElementNode[] = [];
    let afterComma = true;
    let commas = 0;
    for (;;) {
      if (this.peek() === 'COMMA') {
        this.take();
        commas++;
        if (afterComma) items.push({ kind: 'empty' });
        afterComma = true;
      } else if (afterComma && this.startsElement()) {
        items.push(this.element());
        afterComma = false;
      } else break;
    }
    if (afterComma && commas > 0) items.push({ kind: 'empty' });
    if (items.length === 0) this.fail('an element');
    return items;
  }

  private startsElement(): boolean {
    const type = this.peek();
    return (
      PRIMITIVE_TOKENS.has(type) ||
      type === 'INTER_OPEN' ||
      type === 'QUOTE_OPEN_SINGLE' ||
      type === 'QUOTE_OPEN_DOUBLE' ||
      type === 'BRACKET_OPEN' ||
      type === 'BRACE_OPEN'
    );
  }

  element(): ElementNode {
    const type = this.peek();
    if (type === 'QUOTE_OPEN_SINGLE' || type === 'QUOTE_OPEN_DOUBLE') return this.quoted();
    if (type === 'BRACKET_OPEN') {
      this.take();
      const items = this.peek() === 'BRACKET_CLOSE' ? [] : this.sequence();
      this.expect('BRACKET_CLOSE');
      return { kind: 'list', items };
    }
    if (type === 'BRACE_OPEN') {
      this.take();
      const entries: DictNode['entries'] = [];
      if (this.peek() !== 'BRACE_CLOSE') {
        for (;;) {
          const key = this.dictKey();
          this.expect('COLON');
          entries.push({ key, value: this.element() });
          if (this.peek() !== 'COMMA') break;
          this.take();
        }
      }
      this.expect('BRACE_CLOSE');
      return { kind: 'dict', entries };
    }
    const parts: PrimitiveNode['parts'] = [];
    for (;;) {
      if (this.peek() === 'INTER_OPEN') parts.push(this.interpolation());
      else if (PRIMITIVE_TOKENS.has(this.peek())) parts.push(this.take());
      else break;
    }
    if (parts.length === 0) this.fail('an element');
    return { kind: 'primitive', parts };
  }

  private quoted(): QuotedNode {
    this.take();
    const text = this.peek() === 'MATCHING_QUOTE_CLOSE' ? null : this.text();
    this.expect('MATCHING_QUOTE_CLOSE');
    return { kind: 'quoted', text };
  }

  /** A dict key: unquoted tokens only (no quotes, colons or interpolations), as in OmegaConf. */
  private dictKey(): PrimitiveNode {
    const parts: Token[] = [];
    while (DICT_KEY_TOKENS.has(this.peek())) parts.push(this.take());
    if (parts.length === 0) this.fail('a dictionary key');
    return { kind: 'primitive', parts };
  }
}

const valueCache = new Map<string, TextNode>();
const elementCache = new Map<string, ElementNode>();
const CACHE_LIMIT = 4096;

function cached<T>(cache: Map<string, T>, text: string, parse: () => T): T {
  const hit = cache.get(text);
  if (hit) return hit;
  const tree = parse();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, tree);
  return tree;
}

/** Parses a config value (the `configValue` rule): text with `${...}` interpolations in it. */
export function parseConfigValue(text: string): TextNode {
  return cached(valueCache, text, () => {
    const parser = new Parser(text, tokenize(text, 'TOP'));
    const tree = parser.text();
    parser.end();
    return tree;
  });
}

/** Parses one element (the `singleElement` rule): `10`, `[a, b]`, `{k: v}`, `'quoted'`, `${x}`. */
export function parseElement(text: string): ElementNode {
  return cached(elementCache, text, () => {
    const parser = new Parser(text, tokenize(text, 'VALUE'));
    const tree = parser.element();
    parser.end();
    return tree;
  });
}
