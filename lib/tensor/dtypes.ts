/**
 * The one home of dtype and device facts: canonical dtype names and PyTorch's aliases for them,
 * which dtypes are floating point, and how a device string is recognized.
 * @module
 */
import type { DTypeName } from '../native.js';
import type { Device, DType } from './types.js';

/** Every dtype the addon reports, by its canonical name. */
export const DTYPE_NAMES: readonly DTypeName[] = [
  'float16',
  'bfloat16',
  'float32',
  'float64',
  'int8',
  'uint8',
  'int16',
  'int32',
  'int64',
  'bool',
  'complex64',
  'complex128',
  'qint8',
  'quint8',
  'qint32',
];

/**
 * c10::ScalarType's numbering (what a TorchScript graph or an op returning a dtype holds as an
 * int): the dtype name of each code. complex32 has no nodetorch dtype but keeps its place.
 */
export const SCALAR_TYPE_CODES: readonly string[] = [
  'uint8',
  'int8',
  'int16',
  'int32',
  'int64',
  'float16',
  'float32',
  'float64',
  'complex32',
  'complex64',
  'complex128',
  'bool',
  'qint8',
  'quint8',
  'qint32',
  'bfloat16',
];

/** PyTorch's other spellings of dtypes (`torch.float` is float32, `torch.long` int64, ...). */
export const DTYPE_ALIASES: Readonly<Record<string, DTypeName>> = {
  float: 'float32',
  double: 'float64',
  half: 'float16',
  long: 'int64',
  int: 'int32',
  short: 'int16',
  cfloat: 'complex64',
  cdouble: 'complex128',
};

const CANONICAL: ReadonlySet<string> = new Set(DTYPE_NAMES);
const FLOATING: ReadonlySet<string> = new Set(['float16', 'bfloat16', 'float32', 'float64']);

/** Whether `name` is a dtype or one of its aliases. */
export function isDType(name: string): name is DType {
  return CANONICAL.has(name) || name in DTYPE_ALIASES;
}

/** The canonical name of a dtype or alias ('double' -> 'float64'); undefined for anything else. */
export function canonicalDType(name: string): DTypeName | undefined {
  return CANONICAL.has(name) ? (name as DTypeName) : DTYPE_ALIASES[name];
}

/** Whether the dtype (or alias) is a real floating-point one (float16, bfloat16, float32, float64). */
export function isFloatingDType(name: string): boolean {
  const canonical = canonicalDType(name);
  return canonical !== undefined && FLOATING.has(canonical);
}

/** Whether the dtype (or alias) is complex. */
export function isComplexDType(name: string): boolean {
  return canonicalDType(name)?.startsWith('complex') === true;
}

/**
 * Whether `value` names a device ('cpu', 'meta', 'cuda', 'cuda:N') rather than a dtype; a
 * malformed 'cuda:...' counts as one, so that LibTorch's error says what is wrong with it.
 */
export function isDevice(value: string): value is Device {
  return value === 'cpu' || value === 'meta' || value.startsWith('cuda');
}
