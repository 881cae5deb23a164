/**
 * Argument values for fuzzing the generated op surface: plausible ones (small tensors of every
 * dtype and shape, including empty, 0-dim and non-contiguous) and bad ones (wrong types, negative
 * and huge integers, NaN, empty lists, disposed tensors). Each value is data that can be both built
 * and printed, so a failing case prints a reproducer.
 */
import * as torch from '../../lib/index.ts';
import type { ArgKind } from '../../lib/ops/spec.ts';
import type { Random } from './random.ts';

/** A value to build: a tensor recipe, a list, or a literal. */
export type ValueSpec =
  | { tensor: 'randn' | 'zeros' | 'ones' | 'randint' | 'empty'; shape: number[]; dtype: string; transpose?: boolean; disposed?: boolean }
  | { list: ValueSpec[] }
  | { literal: unknown };

const DTYPES = ['float32', 'float64', 'int64', 'int32', 'uint8', 'int8', 'bool', 'float16', 'bfloat16', 'complex64'];
const FLOATS = ['float32', 'float64'];
/** Dimension sizes: small, with the edge ones. */
const SIZES = [0, 1, 1, 2, 2, 3, 4, 5];
/** Integers an op may get: ordinary, edge and hostile (allocations this large fail rather than succeed). */
const INTS = [0, 1, 2, 3, -1, -2, 7, 2 ** 31, -(2 ** 31), 2 ** 40, -(2 ** 40), 2 ** 53, -(2 ** 62)];
const NUMBERS = [0, 1, -1, 0.5, -2.5, 1e-12, 1e30, NaN, Infinity, -Infinity];
const BAD = [undefined, null, 'x', {}, [], true, 1.5, -1, NaN, 2 ** 40];

function shape(random: Random): number[] {
  const rank = random.pick([0, 1, 1, 2, 2, 3, 4, 5]);
  return Array.from({ length: rank }, () => random.pick(SIZES));
}

function tensorSpec(random: Random): ValueSpec {
  const dims = shape(random);
  const dtype = random.chance(0.6) ? random.pick(FLOATS) : random.pick(DTYPES);
  const integral = !dtype.startsWith('float') && !dtype.startsWith('bfloat') && !dtype.startsWith('complex');
  const kind = random.pick(['randn', 'zeros', 'ones', 'empty'] as const);
  return {
    tensor: integral && kind === 'randn' ? 'randint' : kind,
    shape: dims,
    dtype,
    transpose: dims.length >= 2 && random.chance(0.2),
    disposed: random.chance(0.03),
  };
}

function good(kind: ArgKind, n: number | undefined, random: Random): ValueSpec {
  const literal = (value: unknown): ValueSpec => ({ literal: value });
  const ints = (length: number) => ({
    list: Array.from({ length }, () => literal(random.chance(0.8) ? random.pick(SIZES) : random.pick(INTS))),
  });
  switch (kind) {
    case 'T':
      return tensorSpec(random);
    case 'TL':
    case 'TOL':
      return { list: Array.from({ length: random.pick([0, 1, 2, 3]) }, () => tensorSpec(random)) };
    case 'I':
      return literal(random.chance(0.7) ? random.pick(SIZES) : random.pick(INTS));
    case 'IL':
      return ints(n ?? random.pick([0, 1, 2, 3, 4]));
    case 'F':
      return literal(random.pick(NUMBERS));
    case 'FL':
      return { list: Array.from({ length: n ?? random.pick([0, 1, 2]) }, () => literal(random.pick(NUMBERS))) };
    case 'B':
      return literal(random.chance(0.5));
    case 'BL':
      return { list: Array.from({ length: n ?? random.pick([0, 1, 2, 3]) }, () => literal(random.chance(0.5))) };
    case 'S':
      return literal(random.chance(0.8) ? random.pick(NUMBERS) : random.pick([true, 3n, 2 ** 62]));
    case 'SL':
      return { list: Array.from({ length: random.pick([0, 1, 2]) }, () => literal(random.pick(NUMBERS))) };
    case 'STR':
      return literal(random.pick(['', 'none', 'mean', 'sum', 'reflect', 'tanh', 'ortho', 'forward', 'backward', 'floor', 'trunc', 'xyz']));
    case 'DT':
      return literal(random.pick([...DTYPES, 'complex128', 'nonsense']));
    case 'DV':
      return literal(random.pick(['cpu', 'cpu', 'meta', 'cuda', 'cuda:7', 'tpu']));
    case 'LY':
      return literal(random.pick(['strided', 'sparse_coo', 'sparse_csr', '_mkldnn']));
    case 'MF':
      return literal(random.pick(['contiguous_format', 'preserve_format', 'channels_last', 'channels_last_3d']));
    case 'GEN':
      return literal(null);
  }
}

/** A value for an argument of `kind`: mostly plausible, sometimes plainly wrong. */
export function argument(kind: ArgKind, n: number | undefined, optional: boolean, random: Random): ValueSpec {
  if (optional && random.chance(0.3)) return { literal: null };
  if (random.chance(0.08)) return { literal: random.pick(BAD) };
  return good(kind, n, random);
}

/** Builds the value a spec describes (fresh tensors each time). */
export function build(spec: ValueSpec): unknown {
  if ('literal' in spec) return spec.literal;
  if ('list' in spec) return spec.list.map(build);
  const options = { dtype: spec.dtype as torch.DType };
  let t: torch.Tensor;
  if (spec.tensor === 'randint') t = torch.randint(0, 5, spec.shape, options);
  else t = torch[spec.tensor](spec.shape, options);
  if (spec.transpose) t = t.transpose(0, 1);
  if (spec.disposed) t.dispose();
  return t;
}

function literalCode(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

/** The JavaScript expression that builds the same value. */
export function code(spec: ValueSpec): string {
  if ('literal' in spec) return literalCode(spec.literal);
  if ('list' in spec) return `[${spec.list.map(code).join(', ')}]`;
  const make =
    spec.tensor === 'randint'
      ? `torch.randint(0, 5, ${JSON.stringify(spec.shape)}, { dtype: '${spec.dtype}' })`
      : `torch.${spec.tensor}(${JSON.stringify(spec.shape)}, { dtype: '${spec.dtype}' })`;
  const transposed = spec.transpose ? `${make}.transpose(0, 1)` : make;
  return spec.disposed ? `disposed(${transposed})` : transposed;
}
