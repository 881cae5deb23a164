/**
 * The safetensors header: an 8-byte little-endian length, then that many bytes of JSON naming
 * each tensor's dtype, shape and byte range in the data section that follows (plus optional
 * string metadata under "__metadata__"). Pure byte/JSON work: encoding as the reference writer
 * (huggingface/safetensors) lays it out, and decoding with every check an untrusted file needs.
 * @module
 */
import type { DTypeName } from '../native.js';

/** The safetensors dtype codes nodetorch reads and writes. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

interface DtypeInfo {
  dtype: DTypeName;
  size: number;
  // Position in the reference's `Dtype` enum, whose order the writer sorts by (descending).
  rank: number;
}

// Ranks follow the reference enum (BOOL, U8, I8, F8_*, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64).
const CODES: Readonly<Record<SafetensorsDtype, DtypeInfo>> = {
  BOOL: { dtype: 'bool', size: 1, rank: 0 },
  U8: { dtype: 'uint8', size: 1, rank: 1 },
  I8: { dtype: 'int8', size: 1, rank: 2 },
  I16: { dtype: 'int16', size: 2, rank: 5 },
  F16: { dtype: 'float16', size: 2, rank: 7 },
  BF16: { dtype: 'bfloat16', size: 2, rank: 8 },
  I32: { dtype: 'int32', size: 4, rank: 9 },
  F32: { dtype: 'float32', size: 4, rank: 11 },
  F64: { dtype: 'float64', size: 8, rank: 12 },
  I64: { dtype: 'int64', size: 8, rank: 13 },
};

// Valid safetensors dtypes that have no nodetorch dtype, so a file using them gets a precise message.
const FOREIGN_CODES = new Set(['U16', 'U32', 'U64', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64']);

const BY_DTYPE = new Map<DTypeName, SafetensorsDtype>(Object.entries(CODES).map(([code, info]) => [info.dtype, code as SafetensorsDtype]));

/** The key under which a header keeps its string metadata. */
export const METADATA_KEY = '__metadata__';

/** Headers larger than this are refused, as the reference reader refuses them (100 MB). */
export const MAX_HEADER_SIZE = 100_000_000;

/** The safetensors code for a nodetorch dtype, or undefined when the format has none (complex). */
export function safetensorsDtypeOf(dtype: DTypeName): SafetensorsDtype | undefined {
  return BY_DTYPE.get(dtype);
}

/** The nodetorch dtype and element size in bytes of a safetensors code. */
export function dtypeInfo(code: SafetensorsDtype): { dtype: DTypeName; size: number } {
  return CODES[code];
}

/** One tensor's entry in a header. */
export interface SafetensorsTensorInfo {
  /** nodetorch dtype. */
  dtype: DTypeName;
  /** The code as the file spells it. */
  code: SafetensorsDtype;
  shape: number[];
  /** Byte range [begin, end) within the data section. */
  dataOffsets: [number, number];
}

/** A decoded header. */
export interface SafetensorsHeader {
  /** The "__metadata__" strings, or undefined when the header has none. */
  metadata: Record<string, string> | undefined;
  /** Tensors in the order of their data (by offset); a null-prototype record, so any name is safe. */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** Bytes of JSON (padding included) after the 8-byte length. */
  headerSize: number;
  /** Bytes in the data section: 8 + headerSize + dataSize is the whole file. */
  dataSize: number;
}

/** A malformed or unsupported safetensors file; the message names the file and the problem. */
export class SafetensorsError extends Error {
  /** The error for `source`, with the message `safetensors <source>: <problem>`. */
  constructor(
    /** The file (or 'buffer') that was being read. */
    readonly source: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`safetensors ${source}: ${problem}`);
    this.name = 'SafetensorsError';
  }
}

// ---- encoding -------------------------------------------------------------------------------

/** What the encoder needs to know of one tensor. */
export interface TensorLayout {
  name: string;
  code: SafetensorsDtype;
  shape: readonly number[];
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

// Rust compares Strings by UTF-8 bytes (= code points, as Python does); JS `<` compares UTF-16
// units, which orders U+E000..U+FFFF after astral characters, so compare the bytes.
function compareNames(a: string, b: string): number {
  return Buffer.compare(utf8(a), utf8(b));
}

/**
 * The tensors in the order the reference writer lays out their data: by dtype (its enum order,
 * descending, which puts the widest elements first so every tensor starts aligned), then by name.
 */
export function referenceOrder<T extends TensorLayout>(tensors: readonly T[]): T[] {
  return [...tensors].sort((a, b) => CODES[b.code].rank - CODES[a.code].rank || compareNames(a.name, b.name));
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, size) => n * size, 1);
}

/**
 * The header bytes (8-byte length + JSON padded with spaces to a multiple of 8) for tensors
 * already in layout order, and the data section's size. JSON is compact with keys in the
 * reference's order: "__metadata__" first (its keys sorted: the reference keeps them in a hash
 * map, so any order is valid and sorting makes files reproducible), then each tensor with
 * "dtype", "shape", "data_offsets". JSON.stringify escapes strings as serde_json does.
 */
export function encodeHeader(
  tensors: readonly TensorLayout[],
  metadata?: Readonly<Record<string, string>>,
): { header: Buffer; dataSize: number } {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareNames);
    for (const key of keys) {
      if (typeof metadata[key] !== 'string')
        throw new TypeError(`safetensors metadata values must be strings, got ${typeof metadata[key]} for '${key}'`);
    }
    parts.push(
      `${JSON.stringify(METADATA_KEY)}:{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(metadata[key])}`).join(',')}}`,
    );
  }
  let offset = 0;
  for (const { name, code, shape } of tensors) {
    if (name === METADATA_KEY) throw new TypeError(`safetensors: '${METADATA_KEY}' is reserved and cannot name a tensor`);
    const end = offset + elementCount(shape) * CODES[code].size;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${code}","shape":[${shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = utf8(`{${parts.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  const header = Buffer.alloc(8 + padded, 0x20);
  header.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(header, 8);
  return { header, dataSize: offset };
}

// ---- decoding -------------------------------------------------------------------------------

/**
 * The JSON length from the first 8 bytes, checked against the file size. `fileSize` is the
 * whole file's length in bytes.
 */
export function decodeHeaderSize(prefix: Uint8Array, fileSize: number, source: string): number {
  if (fileSize < 8 || prefix.byteLength < 8)
    throw new SafetensorsError(source, `file is ${fileSize} bytes, too short for the 8-byte header size`);
  const size = Buffer.from(prefix.buffer, prefix.byteOffset, 8).readBigUInt64LE(0);
  if (size > BigInt(fileSize - 8))
    throw new SafetensorsError(
      source,
      `header size ${size} is larger than the file (${fileSize} bytes, ${fileSize - 8} after the size field)`,
    );
  if (size > BigInt(MAX_HEADER_SIZE)) throw new SafetensorsError(source, `header size ${size} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  return Number(size);
}

const isNonNegativeInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseEntry(name: string, raw: unknown, source: string): SafetensorsTensorInfo {
  const fail = (problem: string): never => {
    throw new SafetensorsError(source, `tensor '${name}': ${problem}`);
  };
  if (!isPlainObject(raw)) return fail(`entry must be an object with dtype, shape and data_offsets, got ${JSON.stringify(raw)}`);
  const { dtype: code, shape, data_offsets: offsets } = raw;
  if (typeof code !== 'string') return fail(`dtype must be a string, got ${JSON.stringify(code)}`);
  if (!Object.hasOwn(CODES, code)) {
    return fail(
      FOREIGN_CODES.has(code)
        ? `dtype ${code} is a safetensors dtype that nodetorch has no tensor type for`
        : `unknown dtype ${JSON.stringify(code)} (expected one of ${Object.keys(CODES).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger))
    return fail(`shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger))
    return fail(`data_offsets must be two non-negative integers [begin, end], got ${JSON.stringify(offsets)}`);
  const [begin, end] = offsets as [number, number];
  if (end < begin) return fail(`data_offsets [${begin}, ${end}] end before they begin`);
  const info = CODES[code as SafetensorsDtype];
  const bytes = elementCount(shape) * info.size;
  if (!Number.isSafeInteger(bytes)) return fail(`shape ${JSON.stringify(shape)} is too large`);
  if (bytes !== end - begin)
    return fail(`shape ${JSON.stringify(shape)} of ${code} needs ${bytes} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
  return { dtype: info.dtype, code: code as SafetensorsDtype, shape: shape, dataOffsets: [begin, end] };
}

function parseMetadata(raw: unknown, source: string): Record<string, string> {
  if (!isPlainObject(raw)) throw new SafetensorsError(source, `${METADATA_KEY} must be an object of strings, got ${JSON.stringify(raw)}`);
  const metadata = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string')
      throw new SafetensorsError(source, `${METADATA_KEY} values must be strings, got ${JSON.stringify(value)} for '${key}'`);
    metadata[key] = value;
  }
  return metadata;
}

/**
 * Decodes and validates the JSON header. `dataSize` is the number of bytes after the header in
 * the file (or buffer). Checks, as the reference reader does and a little more: valid UTF-8 and
 * JSON object; string metadata; for every tensor a known dtype, non-negative integer shape and
 * offsets whose span matches shape x element size; and tensors that tile the data section
 * exactly, from 0 to its end, with no overlap, gap, truncation or trailing bytes.
 */
export function decodeHeader(json: Uint8Array, dataSize: number, source: string): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new SafetensorsError(source, 'header is not valid UTF-8');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SafetensorsError(source, `header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(raw)) throw new SafetensorsError(source, `header must be a JSON object, got ${text.trim().slice(0, 40)}`);

  let metadata: Record<string, string> | undefined;
  const entries: [string, SafetensorsTensorInfo][] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value, source);
    else entries.push([name, parseEntry(name, value, source)]);
  }

  // The tensors must tile [0, dataSize): sort by range and walk it (empty tensors sort before a neighbour at the same offset).
  entries.sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let position = 0;
  let previous: string | undefined;
  for (const [name, { dataOffsets }] of entries) {
    const [begin, end] = dataOffsets;
    if (begin < position)
      throw new SafetensorsError(
        source,
        `tensor '${name}' data_offsets [${begin}, ${end}] overlap tensor '${previous}' (which ends at ${position})`,
      );
    if (begin > position)
      throw new SafetensorsError(
        source,
        `${begin - position} unused bytes before tensor '${name}' (data_offsets [${begin}, ${end}]; the previous tensor ends at ${position})`,
      );
    if (end > dataSize)
      throw new SafetensorsError(
        source,
        `file is truncated: tensor '${name}' needs data bytes [${begin}, ${end}) but the data section has ${dataSize}`,
      );
    position = end;
    previous = name;
  }
  if (position !== dataSize)
    throw new SafetensorsError(
      source,
      `${dataSize - position} trailing bytes after the last tensor (data section is ${dataSize} bytes, tensors end at ${position})`,
    );

  const tensors = Object.create(null) as Record<string, SafetensorsTensorInfo>;
  for (const [name, info] of entries) tensors[name] = info;
  return { metadata, tensors, headerSize: json.byteLength, dataSize };
}
