/**
 * Tensor pretty-printing that reproduces PyTorch 1.13's `repr(tensor)` with the
 * default print options (see torch/_tensor_str.py).
 *
 * @module
 */
import { isFloatingDType } from './dtypes.js';

/** Everything the formatter needs about one tensor. */
export interface FormatInput {
  /**
   * Flat, row-major, `numel` entries. float16/bfloat16 arrive as Float32Array,
   * int64 as BigInt64Array, bool as Uint8Array (0/1).
   */
  values: ArrayLike<number | bigint>;
  /** Sizes of each dimension; `[]` for a 0-dim tensor. */
  shape: readonly number[];
  /** Dtype name such as `'float32'`, `'int64'` or `'bool'`. */
  dtype: string;
  /** Device string such as `'cpu'` or `'cuda:0'`. */
  device: string;
  /** Whether the tensor requires grad. */
  requiresGrad: boolean;
  /** Autograd node name such as `'MulBackward0'` (any `::` namespace is stripped), or null. */
  gradFn: string | null;
  /**
   * For a quantized tensor (`values` then hold the dequantized floats): its scheme and parameters,
   * printed as PyTorch's suffixes (`quantization_scheme=torch.per_tensor_affine, scale=0.1, zero_point=0`).
   */
  quantization?: { scheme: string; scale: number | string; zeroPoint: number | string; axis?: number };
}

/** PyTorch's default print options. */
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

const PREFIX = 'tensor(';
/** Dtypes whose name is not printed for non-empty tensors. */
const DEFAULT_DTYPES: ReadonlySet<string> = new Set(['float32', 'int64', 'bool']);
const DEFAULT_FLOAT_DTYPE = 'float32';

/** Formats one element, padded to the common width. */
interface ElementFormatter {
  readonly width: number;
  format(value: number | bigint): string;
}

/**
 * Formats a tensor exactly like PyTorch 1.13's `repr(tensor)` / `str(tensor)`
 * with default print options.
 *
 * @param input - The tensor's data and metadata.
 * @returns The textual representation, e.g. `tensor([1., 2.], requires_grad=True)`.
 */
export function formatTensor(input: FormatInput): string {
  const indent = PREFIX.length;
  const numel = input.shape.reduce((n, size) => n * size, 1);
  const suffixes: string[] = [];
  if (input.device !== 'cpu') suffixes.push(`device='${input.device}'`);

  let body: string;
  if (numel === 0) {
    body = '[]';
    // An empty tensor has no elements to hint at its shape or dtype, so both are spelled out.
    if (input.shape.length !== 1) suffixes.push(`size=${formatSize(input.shape)}`);
    if (input.dtype !== DEFAULT_FLOAT_DTYPE) suffixes.push(`dtype=torch.${input.dtype}`);
  } else if (input.quantization) {
    // PyTorch prints a quantized tensor's dequantized values with its size, dtype and parameters.
    const q = input.quantization;
    suffixes.push(`size=${formatSize(input.shape)}`, `dtype=torch.${input.dtype}`, `quantization_scheme=torch.${q.scheme}`);
    suffixes.push(`scale=${q.scale}`, `zero_point=${q.zeroPoint}`);
    if (q.axis !== undefined) suffixes.push(`axis=${q.axis}`);
    body = formatBody({ ...input, dtype: DEFAULT_FLOAT_DTYPE }, numel, indent);
  } else {
    if (!DEFAULT_DTYPES.has(input.dtype)) suffixes.push(`dtype=torch.${input.dtype}`);
    body = formatBody(input, numel, indent);
  }

  if (input.gradFn !== null) {
    suffixes.push(`grad_fn=<${stripNamespace(input.gradFn)}>`);
  } else if (input.requiresGrad) {
    suffixes.push('requires_grad=True');
  }
  return addSuffixes(PREFIX + body, suffixes, indent);
}

/** Formats a shape like Python's `str(tuple(shape))`. */
function formatSize(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function stripNamespace(name: string): string {
  const separator = name.lastIndexOf('::');
  return separator === -1 ? name : name.slice(separator + 2);
}

/** Appends `, suffix` items, wrapping onto a new line when one would pass the line width. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  const parts = [text];
  // Mirrors Python's `len(s) - s.rfind("\n") + 1`, including its off-by-two when there is no newline.
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLength = indent + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLineLength += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** Row-major strides for `shape`. */
function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  return strides;
}

/** Indices kept along a dimension of `size`; `null` marks the elided middle. */
function keptIndices(size: number, summarize: boolean): (number | null)[] {
  const all = Array.from({ length: size }, (_, i) => i);
  if (!summarize || size <= 2 * EDGE_ITEMS) return all;
  return [...all.slice(0, EDGE_ITEMS), null, ...all.slice(size - EDGE_ITEMS)];
}

/** A tensor's elements together with its layout. */
interface Layout {
  readonly values: ArrayLike<number | bigint>;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly summarize: boolean;
}

function formatBody(input: FormatInput, numel: number, indent: number): string {
  const layout: Layout = {
    values: input.values,
    shape: input.shape,
    strides: stridesOf(input.shape),
    summarize: numel > THRESHOLD,
  };
  const formatter = createFormatter(input.dtype, visibleValues(layout));
  return formatSubtensor(layout, formatter, 0, 0, indent);
}

/** The elements that will actually be printed (all of them unless summarizing). */
function visibleValues(layout: Layout): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  const visit = (dim: number, offset: number): void => {
    if (dim === layout.shape.length) {
      out.push(layout.values[offset]!);
      return;
    }
    for (const i of keptIndices(layout.shape[dim]!, layout.summarize)) {
      if (i !== null) visit(dim + 1, offset + i * layout.strides[dim]!);
    }
  };
  visit(0, 0);
  return out;
}

/** Renders the subtensor that starts at `dim` / `offset`, nested brackets included. */
function formatSubtensor(layout: Layout, formatter: ElementFormatter, dim: number, offset: number, indent: number): string {
  const remainingDims = layout.shape.length - dim;
  if (remainingDims === 0) return formatter.format(layout.values[offset]!);
  if (remainingDims === 1) return formatVector(layout, formatter, dim, offset, indent);

  const slices = keptIndices(layout.shape[dim]!, layout.summarize).map((i) =>
    i === null ? '...' : formatSubtensor(layout, formatter, dim + 1, offset + i * layout.strides[dim]!, indent + 1),
  );
  const separator = ',' + '\n'.repeat(remainingDims - 1) + ' '.repeat(indent + 1);
  return '[' + slices.join(separator) + ']';
}

/** Renders the innermost dimension, wrapping elements to fit the line width. */
function formatVector(layout: Layout, formatter: ElementFormatter, dim: number, offset: number, indent: number): string {
  const elementLength = formatter.width + 2; // element plus ", "
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / elementLength));
  const items = keptIndices(layout.shape[dim]!, layout.summarize).map((i) =>
    i === null ? ' ...' : formatter.format(layout.values[offset + i * layout.strides[dim]!]!),
  );
  const lines: string[] = [];
  for (let start = 0; start < items.length; start += perLine) {
    lines.push(items.slice(start, start + perLine).join(', '));
  }
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function createFormatter(dtype: string, values: readonly (number | bigint)[]): ElementFormatter {
  if (isFloatingDType(dtype)) return createFloatFormatter(values.map(Number));
  const toText = dtype === 'bool' ? formatBool : (v: number | bigint): string => String(v);
  const width = values.reduce<number>((w, v) => Math.max(w, toText(v).length), 1);
  return { width, format: (v) => padStart(toText(v), width) };
}

function formatBool(value: number | bigint): string {
  return Number(value) !== 0 ? 'True' : 'False';
}

function padStart(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

type FloatMode = 'int' | 'fixed' | 'sci';

/** Picks int / fixed / scientific notation and the common width, like `_Formatter.__init__`. */
function createFloatFormatter(values: readonly number[]): ElementFormatter {
  const nonzeroFinite = values.filter((v) => Number.isFinite(v) && v !== 0);
  let mode: FloatMode = 'int';
  let width = 1;
  if (nonzeroFinite.length > 0) {
    const magnitudes = nonzeroFinite.map(Math.abs);
    const min = magnitudes.reduce((a, b) => Math.min(a, b));
    const max = magnitudes.reduce((a, b) => Math.max(a, b));
    const allIntegers = nonzeroFinite.every((v) => v === Math.ceil(v));
    const wideRange = max / min > 1000 || max > 1e8;
    if (allIntegers) {
      mode = wideRange ? 'sci' : 'int';
    } else {
      mode = wideRange || min < 1e-4 ? 'sci' : 'fixed';
    }
    // Int mode reserves one column for the trailing '.' that marks a float dtype.
    const extra = mode === 'int' ? 1 : 0;
    width = nonzeroFinite.reduce((w, v) => Math.max(w, formatFloat(v, mode).length + extra), 1);
  }
  return {
    width,
    format: (v) => {
      const value = Number(v);
      let text = formatFloat(value, mode);
      if (mode === 'int' && Number.isFinite(value)) text += '.';
      return padStart(text, width);
    },
  };
}

/** Formats like Python's `{:.0f}`, `{:.4f}` or `{:.4e}` for the given mode. */
function formatFloat(value: number, mode: FloatMode): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const magnitude = Math.abs(value);
  switch (mode) {
    case 'int':
      return sign + toFixedDigits(magnitude, 0);
    case 'fixed':
      return sign + toFixedDigits(magnitude, PRECISION);
    case 'sci':
      return sign + toExponentialDigits(magnitude, PRECISION);
  }
}

/** An exact non-negative rational `num / den`. */
interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const float64Scratch = new Float64Array(1);
const bitsScratch = new BigUint64Array(float64Scratch.buffer);

/** The exact value of a non-negative finite double as a rational. */
function toRational(value: number): Rational {
  float64Scratch[0] = value;
  const bits = bitsScratch[0]!;
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent = biasedExponent === 0 ? -1074 : biasedExponent - 1075;
  return exponent >= 0 ? { num: mantissa << BigInt(exponent), den: 1n } : { num: mantissa, den: 1n << BigInt(-exponent) };
}

/** Integer nearest to `num / den`, ties to even (Python's rounding; JS's toFixed rounds ties up). */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const quotient = num / den;
  const twiceRemainder = 2n * (num - quotient * den);
  if (twiceRemainder > den) return quotient + 1n;
  if (twiceRemainder === den) return quotient + (quotient & 1n);
  return quotient;
}

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** `x * 10^exponent` rounded half-to-even, exactly. */
function scaleAndRound(x: Rational, exponent: number): bigint {
  return exponent >= 0 ? roundHalfEven(x.num * pow10(exponent), x.den) : roundHalfEven(x.num, x.den * pow10(-exponent));
}

/** Whether `x >= 10^exponent`, exactly. */
function atLeastPow10(x: Rational, exponent: number): boolean {
  return exponent >= 0 ? x.num >= x.den * pow10(exponent) : x.num * pow10(-exponent) >= x.den;
}

/** Python's `{:.Nf}` for a non-negative finite double. */
function toFixedDigits(magnitude: number, digits: number): string {
  const scaled = scaleAndRound(toRational(magnitude), digits)
    .toString()
    .padStart(digits + 1, '0');
  if (digits === 0) return scaled;
  return scaled.slice(0, -digits) + '.' + scaled.slice(-digits);
}

/** Python's `{:.Ne}` for a non-negative finite double (exponent has at least two digits). */
function toExponentialDigits(magnitude: number, digits: number): string {
  let exponent = 0;
  let significand = 0n;
  if (magnitude !== 0) {
    const x = toRational(magnitude);
    exponent = Math.floor(Math.log10(magnitude));
    // log10 can be off by one near powers of ten; settle it exactly.
    while (!atLeastPow10(x, exponent)) exponent--;
    while (atLeastPow10(x, exponent + 1)) exponent++;
    significand = scaleAndRound(x, digits - exponent);
    if (significand === pow10(digits + 1)) {
      significand = pow10(digits);
      exponent++;
    }
  }
  const text = significand.toString().padStart(digits + 1, '0');
  const mantissa = digits === 0 ? text : text[0] + '.' + text.slice(1);
  const exponentSign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
