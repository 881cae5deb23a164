/**
 * The parse tree of one override, before its functions are evaluated (Hydra parses the whole line
 * first, so a syntax error anywhere wins over a bad function call).
 * @module
 */
import type { Token } from './tokens.js';

/** An element: a primitive (its tokens), a list, a dict or a function call. */
export type CstElement =
  | { readonly kind: 'primitive'; readonly tokens: readonly Token[] }
  | { readonly kind: 'list'; readonly items: readonly CstElement[] }
  | { readonly kind: 'dict'; readonly entries: readonly { readonly key: readonly Token[]; readonly value: CstElement }[] }
  | {
      readonly kind: 'function';
      readonly name: string;
      readonly args: readonly CstArgument[];
      readonly start: number;
      readonly end: number;
    };

/** One argument of a function call, named (`step=2`) or positional. */
export interface CstArgument {
  readonly name: string | null;
  readonly value: CstElement;
}

/** The part after `=`: one element, or a comma-separated sweep `a,b,c`. */
export type CstValue =
  { readonly kind: 'element'; readonly element: CstElement } | { readonly kind: 'sweep'; readonly elements: readonly CstElement[] };

/** A key with its optional package (`db@backup`). */
export interface CstKey {
  readonly key: string;
  readonly package: string | null;
}

/** A whole override: prefix, key, whether `=` was given, and the value (null when absent or empty). */
export interface CstOverride extends CstKey {
  readonly prefix: '' | '+' | '++' | '~';
  readonly hasEqual: boolean;
  readonly value: CstValue | null;
  readonly valueStart: number;
}
