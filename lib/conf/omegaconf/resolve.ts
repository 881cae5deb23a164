/**
 * The resolution engine: evaluates interpolations lazily, when a select or toContainer reads
 * them, so they see the config as it is after merges and overrides. One Resolution lives for one
 * read; it remembers which nodes are being resolved, to name the chain of a cycle, and which
 * containers are being expanded, to stop a subtree that contains a reference to itself.
 * @module
 */
import {
  ConfigKeyError,
  ConfigTypeError,
  GrammarParseError,
  InterpolationKeyError,
  InterpolationResolutionError,
  InterpolationToMissingValueError,
  MissingMandatoryValue,
  UnsupportedInterpolationType,
} from './errors.js';
import {
  parseConfigValue,
  parseElement,
  type ElementNode,
  type InterpolationNode,
  type NodeInterpolation,
  type TextNode,
} from './grammar.js';
import { splitKey } from './keys.js';
import type { Token } from './lexer.js';
import { atPlaceOf, childAt, childLoc, fullKey, isAncestor, rootOf, type Loc } from './location.js';
import { pyRepr, pyStr, pyTypeName } from './pystr.js';
import { getResolver, type ResolverContext } from './resolvers.js';
import { setOwn } from './tree.js';
import {
  isContainer,
  isInterpolation,
  isList,
  MISSING,
  type Config,
  type ConfigDict,
  type ConfigScalar,
  type ConfigValue,
} from './types.js';

/** More nested interpolations than this is taken for a cycle the identity check cannot see. */
const MAX_DEPTH = 256;

/** Options of a select. */
export interface SelectSpec {
  /** Keys without leading dots start at the root (oc.select) rather than at `base` (select). */
  absolute: boolean;
  /** Whether a default was given (it may be null). */
  hasDefault: boolean;
  /** Returned for an absent or `???` key when `hasDefault`. */
  default: ConfigValue;
  /** A `???` (the key's own or one in the subtree) throws MissingMandatoryValue. */
  throwOnMissing: boolean;
  /** An interpolation error throws; false returns null instead. */
  throwOnResolutionFailure: boolean;
}

const isInterp = (part: Token | InterpolationNode): part is InterpolationNode => 'kind' in part;

/** Every second character, starting with the second: `\\` -> `\`, `\,` -> `,`. */
const unescape = (text: string): string => [...text].filter((_, i) => i % 2 === 1).join('');

function sameNode(a: Loc, b: Loc): boolean {
  return a.key === b.key && a.parent !== null && b.parent !== null && a.parent.value === b.parent.value;
}

/** The value of a FLOAT token, as Python's float() reads it. */
function parseFloatToken(text: string): number {
  const lower = text.toLowerCase();
  if (lower.endsWith('nan')) return NaN;
  if (lower.endsWith('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(text.replace(/_/g, ''));
}

/** A resolver's return value as a config node (undefined, like Python's None, is null). */
function toConfigValue(value: unknown, name: string): ConfigValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => toConfigValue(item, name));
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null)) {
    const out: ConfigDict = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, toConfigValue(item, name));
    return out;
  }
  throw new TypeError(`resolver '${name}' returned an unsupported value of type ${typeof value}`);
}

const caches = new WeakMap<object, Map<string, ConfigValue>>();

/** One read of a config: select, toContainer, or a dereference during a merge. */
export class Resolution {
  private readonly active: Loc[] = [];
  private readonly expanding: Loc[] = [];

  /** The place a node stands for once its interpolation is resolved (itself when it has none). */
  deref(loc: Loc): Loc {
    if (!isInterpolation(loc.value)) return loc;
    const key = fullKey(loc);
    const at = this.active.findIndex((other) => sameNode(other, loc));
    if (at >= 0) {
      const chain = [...this.active.slice(at), loc].map(fullKey).join(' -> ');
      throw new InterpolationResolutionError(`Recursive interpolation detected: ${chain}`, key);
    }
    if (this.active.length >= MAX_DEPTH) {
      throw new InterpolationResolutionError(`Recursive interpolation detected (over ${MAX_DEPTH} nested interpolations)`, key);
    }
    let tree: TextNode;
    try {
      tree = parseConfigValue(loc.value);
    } catch (error) {
      if (error instanceof GrammarParseError) throw new GrammarParseError(error.message, key, { cause: error });
      throw error;
    }
    this.active.push(loc);
    try {
      return this.text(tree, loc);
    } finally {
      this.active.pop();
    }
  }

  /** The fully resolved plain value of a tree node; `???` stays `???` unless `throwOnMissing`. */
  resolveNode(loc: Loc, throwOnMissing: boolean): ConfigValue {
    if (loc.value === MISSING) {
      if (throwOnMissing) throw new MissingMandatoryValue(`Missing mandatory value: ${fullKey(loc)}`, fullKey(loc));
      return MISSING;
    }
    return this.expand(this.deref(loc), throwOnMissing);
  }

  /** Resolves the children of an already dereferenced node. */
  private expand(loc: Loc, throwOnMissing: boolean): ConfigValue {
    const value = loc.value;
    if (!isContainer(value)) return value;
    const at = this.expanding.findIndex((other) => other.value === value);
    if (at >= 0) {
      const chain = [...this.expanding.slice(at), loc].map(fullKey).join(' -> ');
      throw new InterpolationResolutionError(`Recursive interpolation detected: ${chain}`, fullKey(loc));
    }
    this.expanding.push(loc);
    try {
      if (isList(value)) return value.map((_, i) => this.resolveNode(childAt(loc, i), throwOnMissing));
      const out: ConfigDict = {};
      for (const key of Object.keys(value)) setOwn(out, key, this.resolveNode(childAt(loc, key), throwOnMissing));
      return out;
    } finally {
      this.expanding.pop();
    }
  }

  /**
   * Finds `key` (no leading dots) below `start`, dereferencing interpolations on the way;
   * undefined when a component is absent or not a container. `onMissing` decides what a `???`
   * on the way means.
   */
  private find(start: Loc, key: string, onMissing: (loc: Loc) => void): Loc | undefined {
    if (key === '') return start;
    const parts = splitKey(key);
    let cur = start;
    for (const part of parts.slice(0, -1)) {
      const child = childLoc(cur, part);
      if (!child) return undefined;
      if (child.value === MISSING) {
        onMissing(child);
        return undefined;
      }
      cur = this.deref(child);
      if (!isContainer(cur.value)) return undefined;
    }
    return childLoc(cur, parts[parts.length - 1]!);
  }

  /** OmegaConf's select_value, from `base`. */
  selectValue(base: Loc, key: string, spec: SelectSpec): ConfigValue {
    const absent = (): ConfigValue => (spec.hasDefault ? spec.default : null);
    const written = !spec.absolute && !key.startsWith('.') ? `.${key}` : key;
    let start = rootOf(base);
    let rest = written;
    if (written.startsWith('.')) {
      start = base;
      rest = written.slice(1);
      while (rest.startsWith('.')) {
        if (!start.parent) {
          if (spec.hasDefault) return spec.default;
          throw new ConfigKeyError(`Error resolving key '${key}'`, fullKey(base));
        }
        start = start.parent;
        rest = rest.slice(1);
      }
    }
    try {
      const target = this.find(start, rest, (loc) => {
        if (spec.throwOnMissing) throw new MissingMandatoryValue(`Missing mandatory value: ${fullKey(loc)}`, fullKey(loc));
      });
      if (!target) return absent();
      if (target.value === MISSING) {
        if (spec.throwOnMissing) throw new MissingMandatoryValue(`Missing mandatory value: ${fullKey(target)}`, fullKey(target));
        return absent();
      }
      return this.resolveNode(target, spec.throwOnMissing);
    } catch (error) {
      if (!spec.throwOnResolutionFailure && error instanceof InterpolationResolutionError) return null;
      throw error;
    }
  }

  /** The node `key` names below `root`, unresolved (interpolations on the way are followed). */
  locate(root: Loc, key: string): Loc | undefined {
    return this.find(root, key, () => undefined);
  }

  private text(tree: TextNode, node: Loc): Loc {
    const [first] = tree.parts;
    // A value that is exactly one interpolation takes the target's value and type.
    if (tree.parts.length === 1 && isInterp(first!)) return this.interpolation(first, node);
    return atPlaceOf(node, this.concat(tree.parts, node));
  }

  /** Concatenates text tokens and interpolations (as str()), removing escapes as OmegaConf does. */
  private concat(parts: (Token | InterpolationNode)[], node: Loc): string {
    let out = '';
    parts.forEach((part, i) => {
      if (isInterp(part)) {
        out += pyStr(this.interpolation(part, node).value);
        return;
      }
      const next = parts[i + 1];
      const beforeInterpolation = next !== undefined && isInterp(next);
      if (part.type === 'ESC_INTER') {
        // `\${` -> `${`, `\\\${` -> `\${`: keep half the backslashes of the pairs, drop the escaping one.
        out += part.text.slice(-(Math.floor(part.text.length / 2) + 1));
      } else if (
        part.type === 'ESC' ||
        (part.type === 'TOP_ESC' && beforeInterpolation) ||
        (part.type === 'QUOTED_ESC' && (beforeInterpolation || next === undefined))
      ) {
        out += unescape(part.text);
      } else {
        out += part.text;
      }
    });
    return out;
  }

  private interpolation(interp: InterpolationNode, node: Loc): Loc {
    if (interp.kind === 'node') return this.nodeInterpolation(interp, node);
    return atPlaceOf(node, this.callResolver(interp, node));
  }

  /** The string an interpolation inside a key or a resolver name evaluates to. */
  private stringFrom(interp: InterpolationNode, node: Loc, role: 'key' | 'name'): string {
    const value = this.interpolation(interp, node).value;
    if (typeof value === 'string') return value;
    const shown = `\`${pyStr(value)}\``;
    throw new InterpolationResolutionError(
      role === 'key'
        ? `The following interpolation is used to denote a config key and thus should return a string, but instead returned ${shown} of type \`${pyTypeName(value)}\`: ${interp.source}`
        : `The name of a resolver must be a string, but the interpolation ${interp.source} resolved to ${shown} which is of type ${pyTypeName(value)}`,
      fullKey(node),
    );
  }

  private nodeInterpolation(interp: NodeInterpolation, node: Loc): Loc {
    const path = interp.keys
      .map(({ key, bracket }, i) => {
        const text = isInterp(key) ? this.stringFrom(key, node, 'key') : key.text;
        return bracket ? `[${text}]` : i === 0 ? text : `.${text}`;
      })
      .join('');
    const key = '.'.repeat(interp.dots) + path;
    const at = fullKey(node);
    // `${a.b}` starts at the root; `${.x}` at the container holding the node, each extra dot one level up.
    let start = rootOf(node);
    let rest = key;
    if (key.startsWith('.')) {
      start = node.parent!;
      rest = key.slice(1);
      while (rest.startsWith('.')) {
        if (!start.parent)
          throw new InterpolationKeyError(`ConfigKeyError while resolving interpolation: Error resolving key '${key}'`, at);
        start = start.parent;
        rest = rest.slice(1);
      }
    }
    let target: Loc | undefined;
    try {
      target = this.find(start, rest, (loc) => {
        throw new InterpolationToMissingValueError(
          `MissingMandatoryValue while resolving interpolation: Missing mandatory value: ${fullKey(loc)}`,
          at,
        );
      });
    } catch (error) {
      if (error instanceof ConfigTypeError) {
        throw new InterpolationResolutionError(`TypeError raised while resolving interpolation: ${error.message}`, at, { cause: error });
      }
      throw error;
    }
    if (!target) throw new InterpolationKeyError(`Interpolation key '${key}' not found`, at);
    if (target.value === MISSING) {
      throw new InterpolationToMissingValueError(
        `MissingMandatoryValue while resolving interpolation: Missing mandatory value: ${fullKey(target)}`,
        at,
      );
    }
    const result = this.deref(target);
    if (isContainer(result.value) && isAncestor(result.value, node)) {
      throw new InterpolationResolutionError('Interpolation to parent node detected', at);
    }
    return result;
  }

  private callResolver(interp: Extract<InterpolationNode, { kind: 'resolver' }>, node: Loc): ConfigValue {
    const name = interp.name.map((part) => (isInterp(part) ? this.stringFrom(part, node, 'name') : part.text)).join('.');
    // Arguments first, as OmegaConf visits them before looking the resolver up.
    const args = interp.args.map((arg) => this.element(arg, node));
    const resolver = getResolver(name);
    if (!resolver) throw new UnsupportedInterpolationType(`Unsupported interpolation type ${name}`, fullKey(node));
    const root = rootOf(node).value;
    const cacheKey = `${name}\u0000${args.map(pyRepr).join('\u0000')}`;
    const cache = resolver.useCache && isContainer(root) ? (caches.get(root) ?? new Map<string, ConfigValue>()) : undefined;
    if (cache?.has(cacheKey)) return cache.get(cacheKey)!;
    let value: ConfigValue;
    try {
      value = toConfigValue(resolver.fn(args, this.context(node)), name);
    } catch (error) {
      if (error instanceof InterpolationResolutionError) throw error;
      const cause = error instanceof Error ? error : new Error(String(error));
      throw new InterpolationResolutionError(`${cause.name} raised while resolving interpolation: ${cause.message}`, fullKey(node), {
        cause: error,
      });
    }
    if (cache && isContainer(root)) {
      cache.set(cacheKey, value);
      caches.set(root, cache);
    }
    return value;
  }

  private context(node: Loc): ResolverContext {
    const parent = node.parent!;
    return {
      root: rootOf(node).value as Config,
      parent: parent.value as Config,
      key: node.key!,
      fullKey: fullKey(node),
      select: (key, options) =>
        this.selectValue(parent, key, {
          absolute: true,
          hasDefault: options !== undefined && 'default' in options,
          default: options?.default ?? null,
          throwOnMissing: false,
          throwOnResolutionFailure: true,
        }),
      decode: (text) => this.element(parseElement(text), node),
    };
  }

  /** The plain value of a grammar element (a resolver argument, a decoded string). */
  private element(element: ElementNode, node: Loc): ConfigValue {
    switch (element.kind) {
      case 'empty':
        return '';
      case 'quoted':
        return element.text ? pyStr(this.text(element.text, node).value) : '';
      case 'list':
        return element.items.map((item) => this.element(item, node));
      case 'dict': {
        const out: ConfigDict = {};
        for (const { key, value } of element.entries) {
          // Keys are unquoted tokens only, so a scalar; JS objects key it by its text (`1.1`, `true`, `null`).
          const name = this.primitive(key.parts, node) as ConfigScalar;
          setOwn(out, typeof name === 'string' ? name : name === null ? 'null' : String(name), this.element(value, node));
        }
        return out;
      }
      case 'primitive':
        return this.primitive(element.parts, node);
    }
  }

  private primitive(parts: (Token | InterpolationNode)[], node: Loc): ConfigValue {
    if (parts.length > 1) return this.concat(parts, node);
    const part = parts[0]!;
    if (isInterp(part)) return this.expand(this.interpolation(part, node), false);
    switch (part.type) {
      case 'NULL':
        return null;
      case 'INT':
        return Number(part.text.replace(/_/g, ''));
      case 'FLOAT':
        return parseFloatToken(part.text);
      case 'BOOL':
        return part.text.toLowerCase() === 'true';
      case 'ESC':
        return unescape(part.text);
      default:
        return part.text;
    }
  }
}
