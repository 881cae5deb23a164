/**
 * Tensors to and from the safetensors format (https://github.com/huggingface/safetensors): the
 * files Hugging Face models ship as, written and read byte-compatibly with the reference.
 *
 * Reading is one read of the header and one read of the whole data section into a single
 * buffer; each tensor is then a zero-copy view over that buffer (when its offset is aligned for
 * its dtype, which the reference writer's layout guarantees; otherwise it is copied). Node has
 * no mmap, so this is the closest equivalent: no per-tensor copies, but the file's data is in
 * memory, and stays there while any tensor loaded from it is alive.
 * @module
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { fromTypedArray, type TypedArray } from '../tensor/creation.js';
import { Op } from '../tensor/op.js';
import { Tensor } from '../tensor/tensor.js';
import type { Device } from '../tensor/types.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic.js';
import { openRegularFile, openRegularFileSync } from './regular-file.js';
import { withCallerStack } from '../util/caller-stack.js';
import {
  SafetensorsError,
  decodeHeader,
  decodeHeaderSize,
  dtypeInfo,
  encodeHeader,
  referenceOrder,
  safetensorsDtypeOf,
  type SafetensorsDtype,
  type SafetensorsHeader,
  type TensorLayout,
} from './safetensors-header.js';

/** Options for saving. */
export interface SaveSafetensorsOptions {
  /** String metadata stored in the header's "__metadata__" (e.g. `{ format: 'pt' }`). */
  metadata?: Record<string, string>;
}

/** Options for loading. */
export interface LoadSafetensorsOptions {
  /** Where the loaded tensors go; default 'cpu' (where they share the file's buffer). */
  device?: Device;
}

const viewAs = new Op('view', 'dtype');

// Typed arrays are host-endian and the format is little-endian; every platform Node ships for
// but s390x is little-endian, so refuse rather than byte-swap.
function requireLittleEndian(): void {
  if (os.endianness() !== 'LE') throw new Error('safetensors: reading and writing needs a little-endian host');
}

// ---- writing --------------------------------------------------------------------------------

interface Entry extends TensorLayout {
  tensor: Tensor;
}

function entriesOf(tensors: Readonly<Record<string, Tensor>>): Entry[] {
  if (typeof tensors !== 'object' || tensors === null)
    throw new TypeError(`safetensors: tensors must be an object of name -> Tensor, got ${tensors === null ? 'null' : typeof tensors}`);
  return Object.entries(tensors).map(([name, tensor]) => {
    if (!(tensor instanceof Tensor))
      throw new TypeError(`safetensors: '${name}' must be a Tensor, got ${tensor === null ? 'null' : typeof tensor}`);
    const code = safetensorsDtypeOf(tensor.dtype);
    if (!code) throw new TypeError(`safetensors: '${name}' has dtype ${tensor.dtype}, which the format cannot store`);
    return { name, code, shape: tensor.shape, tensor };
  });
}

/** The entry's elements as little-endian bytes, row-major (copied off any device). */
function tensorBytes({ name, code, shape, tensor }: Entry): Uint8Array {
  // The header is already written: a tensor resized since (during an async save) must not produce a corrupt file.
  if (tensor.shape.join() !== shape.join()) throw new Error(`safetensors: '${name}' changed shape while being saved`);
  const detached = tensor.detach();
  try {
    // toTypedArray converts half types to float32; reinterpret them as int16 to keep the raw bits.
    const half = detached.dtype === 'float16' || detached.dtype === 'bfloat16';
    const source = half ? (viewAs.call([detached, 'int16']) as Tensor) : detached;
    try {
      const array = source.toTypedArray();
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      const expected = detached.numel() * dtypeInfo(code).size;
      if (bytes.byteLength !== expected) throw new Error(`safetensors: '${name}' gave ${bytes.byteLength} bytes, expected ${expected}`);
      return bytes;
    } finally {
      if (source !== detached) source.dispose();
    }
  } finally {
    detached.dispose();
  }
}

function prepare(
  tensors: Readonly<Record<string, Tensor>>,
  options: SaveSafetensorsOptions,
): { header: Buffer; dataSize: number; order: Entry[] } {
  requireLittleEndian();
  const order = referenceOrder(entriesOf(tensors));
  return { ...encodeHeader(order, options.metadata), order };
}

// Chunks for the atomic writer, made one tensor at a time so only one tensor's bytes are copied at once.
function* chunks(header: Buffer, order: readonly Entry[]): Generator<Uint8Array> {
  yield header;
  for (const entry of order) yield tensorBytes(entry);
}

/**
 * The safetensors bytes for `tensors`, identical to what the reference writer
 * (`safetensors.torch.save`) produces for the same tensors and at most one metadata key (with
 * more, the reference's key order is a hash map's; ours is sorted). Tensors are laid out by
 * dtype (widest first), then by name; any device, layout or requiresGrad is accepted.
 */
export function serializeSafetensors(tensors: Readonly<Record<string, Tensor>>, options: SaveSafetensorsOptions = {}): Uint8Array {
  const { header, dataSize, order } = prepare(tensors, options);
  const out = Buffer.allocUnsafe(header.length + dataSize);
  let offset = header.copy(out, 0);
  for (const entry of order) {
    const bytes = tensorBytes(entry);
    out.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return out;
}

/**
 * Writes `tensors` to `path` as safetensors (the bytes of {@link serializeSafetensors}),
 * atomically: an existing file is replaced only once the new one is complete and fsynced.
 * Tensors are copied out one at a time as the file is written, so leave them unchanged (and
 * undisposed) until the promise settles.
 */
export async function saveSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  path: string,
  options: SaveSafetensorsOptions = {},
): Promise<void> {
  return withCallerStack(async () => {
    const { header, order } = prepare(tensors, options);
    await writeFileAtomic(path, chunks(header, order));
  });
}

/** The synchronous form of {@link saveSafetensors}. */
export function saveSafetensorsSync(tensors: Readonly<Record<string, Tensor>>, path: string, options: SaveSafetensorsOptions = {}): void {
  const { header, order } = prepare(tensors, options);
  writeFileAtomicSync(path, chunks(header, order));
}

// ---- reading --------------------------------------------------------------------------------

type ArrayMaker = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray; readonly BYTES_PER_ELEMENT: number };

// The typed array a tensor is viewed through; half types as raw bits, bool as bytes (viewed as bool after).
const ARRAYS: Readonly<Record<SafetensorsDtype, ArrayMaker>> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

/**
 * Builds the tensors of a decoded header over `data`, the data section (zero-copy where aligned).
 * On failure, the tensors already made are disposed.
 */
function buildTensors(header: SafetensorsHeader, data: Uint8Array, source: string, device: Device | undefined): Record<string, Tensor> {
  const out = Object.create(null) as Record<string, Tensor>;
  const made: Tensor[] = [];
  try {
    for (const [name, { code, dtype, shape, dataOffsets }] of Object.entries(header.tensors)) {
      const [begin, end] = dataOffsets;
      let bytes = data.subarray(begin, end);
      const View = ARRAYS[code];
      // A misaligned range cannot back a typed array (nor an aligned tensor): copy it into a fresh
      // buffer (with the Uint8Array constructor; Buffer#slice would not copy).
      if (bytes.byteOffset % View.BYTES_PER_ELEMENT !== 0) bytes = new Uint8Array(bytes);
      if (code === 'BOOL') {
        const bad = bytes.findIndex((byte) => byte > 1);
        if (bad >= 0) throw new SafetensorsError(source, `tensor '${name}': bool element ${bad} is byte ${bytes[bad]}, not 0 or 1`);
      }
      const array = new View(bytes.buffer, bytes.byteOffset, bytes.byteLength / View.BYTES_PER_ELEMENT);
      let tensor = fromTypedArray(array, shape, { dtype: code === 'BOOL' ? 'uint8' : dtype });
      made.push(tensor);
      // uint8 -> bool is a same-size reinterpretation, so it stays zero-copy (fromTypedArray would convert).
      if (code === 'BOOL') made.push((tensor = viewAs.call([tensor, 'bool']) as Tensor));
      if (device && device !== 'cpu') made.push((tensor = tensor.to({ device })));
      out[name] = tensor;
    }
  } catch (error) {
    for (const tensor of made) tensor.dispose();
    throw error;
  }
  // Intermediates (the uint8 under a bool view, CPU tensors moved to a device) are not returned.
  const kept = new Set(Object.values(out));
  for (const tensor of made) if (!kept.has(tensor)) tensor.dispose();
  return out;
}

/**
 * Decodes safetensors bytes (a whole file in memory). Where aligned, the CPU tensors share
 * memory with `buffer`, as `torch.frombuffer` does: later writes to the buffer show in them.
 * Throws {@link SafetensorsError} naming the problem for a malformed buffer.
 */
export function parseSafetensors(buffer: Uint8Array, options: LoadSafetensorsOptions & { source?: string } = {}): Record<string, Tensor> {
  const source = options.source ?? 'buffer';
  const header = parseSafetensorsHeader(buffer, source);
  const data = buffer.subarray(8 + header.headerSize);
  return buildTensors(header, data, source, options.device);
}

/** The decoded header of safetensors bytes: metadata, and each tensor's dtype, shape and offsets. */
export function parseSafetensorsHeader(buffer: Uint8Array, source = 'buffer'): SafetensorsHeader {
  requireLittleEndian();
  if (!(buffer instanceof Uint8Array)) throw new TypeError('parseSafetensors(): buffer must be a Buffer or Uint8Array');
  const size = decodeHeaderSize(buffer, buffer.byteLength, source);
  return decodeHeader(buffer.subarray(8, 8 + size), buffer.byteLength - 8 - size, source);
}

// Reads this much at most per call: one read(2) moves at most ~2 GiB.
const MAX_READ = 1 << 30;

/** A read the loader needs: fill `into` from file position `position`. */
type ReadRequest = [into: Uint8Array, position: number];

interface Loaded {
  header: SafetensorsHeader;
  /** The data section, in its own ArrayBuffer; absent when only the header was asked for. */
  data?: Uint8Array;
}

// Loading, written once as a generator that yields the reads it needs; the async and the sync
// loader each perform them their own way. Everything is validated before the data is read.
function* loadSteps(size: number, source: string, withData: boolean): Generator<ReadRequest, Loaded> {
  requireLittleEndian();
  const prefix = new Uint8Array(8);
  if (size >= 8) yield [prefix, 0];
  const headerSize = decodeHeaderSize(prefix, size, source);
  const json = new Uint8Array(headerSize);
  yield [json, 8];
  const header = decodeHeader(json, size - 8 - headerSize, source);
  if (!withData) return { header };
  // A fresh ArrayBuffer is 8-aligned, so offsets aligned in the file are aligned in memory.
  const data = new Uint8Array(new ArrayBuffer(header.dataSize));
  yield [data, 8 + headerSize];
  return { header, data };
}

const truncated = (source: string, at: number) => new SafetensorsError(source, `file is truncated: it ended at byte ${at} while reading`);

async function loadAsync(path: string, withData: boolean): Promise<Loaded> {
  const handle = await openRegularFile(path, 'loadSafetensors');
  try {
    const steps = loadSteps((await handle.stat()).size, path, withData);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      const [into, position] = step.value;
      for (let done = 0; done < into.byteLength;) {
        const { bytesRead } = await handle.read(into, done, Math.min(into.byteLength - done, MAX_READ), position + done);
        // A short read means the file shrank after we measured it.
        if (bytesRead === 0) throw truncated(path, position + done);
        done += bytesRead;
      }
    }
  } finally {
    await handle.close();
  }
}

function loadSync(path: string, withData: boolean): Loaded {
  const fd = openRegularFileSync(path, 'loadSafetensors');
  try {
    const steps = loadSteps(fs.fstatSync(fd).size, path, withData);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      const [into, position] = step.value;
      for (let done = 0; done < into.byteLength;) {
        const bytesRead = fs.readSync(fd, into, done, Math.min(into.byteLength - done, MAX_READ), position + done);
        if (bytesRead === 0) throw truncated(path, position + done);
        done += bytesRead;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Loads every tensor of a safetensors file. The header is validated before any data is read
 * (a {@link SafetensorsError} names the file and the problem); the data section is then read
 * once and the CPU tensors are views over that one buffer (see the module note). With
 * `device`, each tensor is copied there and the buffer is released when they are.
 */
export function loadSafetensors(path: string, options: LoadSafetensorsOptions = {}): Promise<Record<string, Tensor>> {
  return withCallerStack(async () => {
    const { header, data } = await loadAsync(path, true);
    return buildTensors(header, data!, path, options.device);
  });
}

/** The synchronous form of {@link loadSafetensors}. */
export function loadSafetensorsSync(path: string, options: LoadSafetensorsOptions = {}): Record<string, Tensor> {
  const { header, data } = loadSync(path, true);
  return buildTensors(header, data!, path, options.device);
}

/**
 * A safetensors file's header, reading only its first 8 + header-size bytes: the "__metadata__"
 * strings and each tensor's dtype, shape and data offsets (validated against the file's size).
 */
export function safetensorsMetadata(path: string): Promise<SafetensorsHeader> {
  return withCallerStack(async () => (await loadAsync(path, false)).header);
}

/** The synchronous form of {@link safetensorsMetadata}. */
export function safetensorsMetadataSync(path: string): SafetensorsHeader {
  return loadSync(path, false).header;
}
