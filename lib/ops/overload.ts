import { Op } from '../tensor/op.js';
import { DTYPE_ALIASES, DTYPE_NAMES, SCALAR_TYPE_CODES } from '../tensor/dtypes.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgFlag, type ArgKind, type ArgSpec, type OpSpec } from './spec.js';
import { isPlainObject } from '../util/validate.js';

const DTYPES = new Set<string>([...DTYPE_NAMES, ...Object.keys(DTYPE_ALIASES)]);
const MEMORY_FORMATS = new Set(['contiguous_format', 'preserve_format', 'channels_last', 'channels_last_3d']);

const isInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
const isScalar = (v: unknown) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
const every = (v: unknown, test: (item: unknown) => boolean) => Array.isArray(v) && v.every(test);

/** Whether `value` fits an argument of `kind`; strict mode does not let numbers stand for tensors. */
function fits(value: unknown, kind: ArgKind, n: number | undefined, strict: boolean): boolean {
  switch (kind) {
    case 'T':
      return value instanceof Tensor || (!strict && isScalar(value));
    case 'TL':
      return every(value, (t) => t instanceof Tensor);
    case 'TOL':
      return every(value, (t) => t === null || t === undefined || t instanceof Tensor);
    case 'I':
      return isInt(value);
    case 'IL':
      return every(value, isInt) || (n !== undefined && n > 0 && isInt(value));
    case 'F':
      return typeof value === 'number';
    case 'FL':
      return every(value, (v) => typeof v === 'number');
    case 'B':
      return typeof value === 'boolean';
    case 'BL':
      return every(value, (v) => typeof v === 'boolean');
    case 'S':
      return isScalar(value);
    case 'SL':
      return every(value, isScalar);
    case 'STR':
      return typeof value === 'string';
    case 'DT':
      return typeof value === 'string' && DTYPES.has(value);
    case 'DV':
      return typeof value === 'string' && /^(cpu|meta|cuda(:\d+)?)$/.test(value);
    case 'LY':
      return value === 'strided' || value === 'sparse_coo';
    case 'MF':
      return typeof value === 'string' && MEMORY_FORMATS.has(value);
    case 'GEN':
      return value === null || value === undefined;
  }
}

/** Whether `value` is a plain object: the trailing options object that holds keyword arguments. */
export function isOptions(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value);
}

/** One overload: binds JS arguments to the schema's order, calls it, and shapes the result. */
export class Overload {
  readonly op: Op;
  readonly args: readonly ArgSpec[];
  private readonly positional: number;
  private readonly byName = new Map<string, number>();
  private readonly required: number[] = [];
  private readonly gathersInts: boolean;
  // The argument specs as flat arrays: binding runs on every call.
  private readonly kinds: ArgKind[];
  private readonly flags: number[];
  private readonly lengths: (number | undefined)[];

  constructor(readonly spec: OpSpec) {
    const [name, overload, args] = spec;
    this.op = new Op(name, overload);
    this.args = args;
    this.kinds = args.map((arg) => arg[1]);
    this.flags = args.map((arg) => arg[2]);
    this.lengths = args.map((arg) => arg[3]);
    this.positional = args.filter(([, , flags]) => !(flags & ArgFlag.KeywordOnly)).length;
    args.forEach(([argName, kind, flags], i) => {
      this.byName.set(argName, i);
      if (!(flags & (ArgFlag.HasDefault | ArgFlag.Optional)) && kind !== 'GEN') this.required.push(i);
    });
    // x.view(2, 3), x.permute(0, 2, 1), x.repeat(2, 2): like Python, an int list that is the only
    // positional argument after self may be passed as separate ints.
    this.gathersInts = this.positional === 2 && args[0]![1] === 'T' && args[1]![1] === 'IL';
  }

  /** `aten::add.Tensor` */
  get qualifiedName(): string {
    return `aten::${this.spec[0]}${this.spec[1] ? '.' + this.spec[1] : ''}`;
  }

  /**
   * The arguments in schema order (undefined where the schema default applies), or null when
   * they do not fit this overload.
   */
  bind(callArgs: readonly unknown[], strict: boolean): unknown[] | null {
    let positional = callArgs as unknown[];
    let options: Record<string, unknown> | undefined;
    const count = callArgs.length;
    if (count > 0 && isOptions(callArgs[count - 1])) {
      options = callArgs[count - 1] as Record<string, unknown>;
      positional = callArgs.slice(0, -1);
    }
    if (this.gathersInts && positional.length > 2 && positional.slice(1).every(isInt)) {
      positional = [positional[0], positional.slice(1)];
    }
    if (positional.length > this.positional) return null;
    const bound: unknown[] = new Array(this.args.length);
    for (let i = 0; i < positional.length; i++) {
      if (!this.accept(bound, i, positional[i], strict)) return null;
    }
    if (options) {
      for (const key of Object.keys(options)) {
        const index = this.byName.get(key);
        if (index === undefined || index < positional.length) return null;
        if (!this.accept(bound, index, options[key], strict)) return null;
      }
    }
    for (const index of this.required) if (bound[index] === undefined) return null;
    return bound;
  }

  /** Puts `value` in `bound[index]` when it fits; undefined (and null where optional) keep the default. */
  private accept(bound: unknown[], index: number, value: unknown, strict: boolean): boolean {
    if (value === undefined || (value === null && this.flags[index]! & ArgFlag.Optional)) return true;
    if (!fits(value, this.kinds[index]!, this.lengths[index], strict)) return false;
    bound[index] = value;
    return true;
  }

  /** Calls with arguments already in schema order. */
  invoke(bound: unknown[]): unknown {
    return this.shape(this.op.call(bound), bound);
  }

  /** Calls on the libuv thread pool. */
  async invokeAsync(bound: unknown[]): Promise<unknown> {
    return this.shape(await this.op.callAsync(bound), bound);
  }

  /** Calls this exact overload, explaining a mismatch. */
  call(callArgs: readonly unknown[]): unknown {
    const bound = this.bind(callArgs, false);
    if (!bound) throw mismatch(this.qualifiedName, [this], callArgs);
    return this.invoke(bound);
  }

  private shape(result: unknown, bound: unknown[]): unknown {
    const returns = this.spec[3];
    if (returns.length === 1) return this.one(result, returns[0]![0], returns[0]![2], bound);
    if (returns.length === 0) return undefined;
    const items = (result as unknown[]).map((item, i) => this.one(item, returns[i]![0], returns[i]![2], bound));
    if (returns.every(([, name]) => name)) return Object.fromEntries(returns.map(([, name], i) => [name, items[i]]));
    return items;
  }

  private one(value: unknown, kind: string, aliased: number, bound: unknown[]): unknown {
    // In-place and out= results are the caller's own tensor object, not a second wrapper.
    if (aliased >= 0 && bound[aliased] instanceof Tensor) {
      if (value instanceof Tensor && value !== bound[aliased]) value.dispose();
      return bound[aliased];
    }
    if (kind === 'DT' && typeof value === 'number') return SCALAR_TYPE_CODES[value] ?? value;
    return value;
  }
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `Tensor(${value.dtype})`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (isOptions(value)) return `{ ${Object.keys(value).join(', ')} }`;
  return value === null ? 'null' : typeof value === 'string' ? `'${value}'` : typeof value;
}

function signature(overload: Overload): string {
  const params = overload.args.map(
    ([name, kind, flags]) => `${flags & ArgFlag.KeywordOnly ? '*' : ''}${name}: ${kind}${flags & ArgFlag.HasDefault ? '=' : ''}`,
  );
  return `${overload.qualifiedName}(${params.join(', ')})`;
}

function mismatch(what: string, overloads: readonly Overload[], callArgs: readonly unknown[]): TypeError {
  return new TypeError(
    `${what}: no overload matches (${callArgs.map(describe).join(', ')}). Overloads (T Tensor, I int, IL int[], F float, ` +
      `S Scalar, B bool, * keyword-only, = has a default):\n${overloads.map((o) => '  ' + signature(o)).join('\n')}`,
  );
}

/** Several overloads of one name: picks the first that fits (tensors exactly, then numbers as tensors). */
export class OverloadPacket {
  constructor(
    readonly displayName: string,
    readonly overloads: readonly Overload[],
  ) {}

  resolve(callArgs: readonly unknown[]): [Overload, unknown[]] {
    const found = this.find(callArgs, true) ?? this.find(callArgs, false);
    if (found) return found;
    throw mismatch(this.displayName, this.overloads, callArgs);
  }

  private find(callArgs: readonly unknown[], strict: boolean): [Overload, unknown[]] | undefined {
    const overloads = this.overloads;
    for (let i = 0; i < overloads.length; i++) {
      const bound = overloads[i]!.bind(callArgs, strict);
      if (bound) return [overloads[i]!, bound];
    }
    return undefined;
  }

  call(callArgs: readonly unknown[]): unknown {
    const overloads = this.overloads;
    for (let i = 0; i < overloads.length; i++) {
      const bound = overloads[i]!.bind(callArgs, true);
      if (bound) return overloads[i]!.invoke(bound);
    }
    const [overload, bound] = this.resolve(callArgs);
    return overload.invoke(bound);
  }

  callAsync(callArgs: readonly unknown[]): Promise<unknown> {
    const [overload, bound] = this.resolve(callArgs);
    return overload.invokeAsync(bound);
  }
}
