/**
 * Writes PyTorch's zip file format (what Python's torch.save writes) in TypeScript. The pickle uses
 * only the globals Python's own torch.save emits (torch._utils._rebuild_tensor_v2, torch.*Storage,
 * collections.OrderedDict), so `torch.load(path)` with PyTorch 2.6's default `weights_only=True`
 * accepts the files. (LibTorch's C++ pickler tags containers with torch.jit._pickle globals,
 * which that loader rejects.)
 */
import { zipSync } from 'fflate';
import { aten } from '../ops/surface.js';
import { tidy } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';
import { quantizationParams } from '../tensor/quantized.js';
import { ELEMENT_BYTES, QUANTIZED_STORAGE, STORAGE_CLASS } from './pytorch-format.js';

// Integer dtypes of each element width, to read any tensor's raw bytes.
const RAW_VIEW: Record<number, 'uint8' | 'int16' | 'int32' | 'int64'> = { 1: 'uint8', 2: 'int16', 4: 'int32', 8: 'int64' };

/** Pickle protocol 2 opcodes used here. */
const OP = {
  PROTO: 0x80,
  STOP: 0x2e,
  MARK: 0x28,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a,
  LONG1: 0x8a,
  BINFLOAT: 0x47,
  BINUNICODE: 0x58,
  EMPTY_LIST: 0x5d,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  SETITEMS: 0x75,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  GLOBAL: 0x63,
  REDUCE: 0x52,
  BINPERSID: 0x51,
} as const;

class PickleWriter {
  private chunks: Uint8Array[] = [];
  private readonly encoder = new TextEncoder();

  byte(...values: number[]): void {
    this.chunks.push(Uint8Array.from(values));
  }
  bytes(data: Uint8Array): void {
    this.chunks.push(data);
  }
  int32(value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, value, true);
    this.bytes(b);
  }
  int(value: number | bigint): void {
    if (typeof value === 'number' && value >= -(2 ** 31) && value < 2 ** 31) {
      this.byte(OP.BININT);
      this.int32(value);
      return;
    }
    // LONG1: little-endian two's complement, 8 bytes are enough for int64.
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(value), true);
    this.byte(OP.LONG1, 8);
    this.bytes(b);
  }
  float(value: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, false); // BINFLOAT is big-endian
    this.byte(OP.BINFLOAT);
    this.bytes(b);
  }
  string(value: string): void {
    const encoded = this.encoder.encode(value);
    this.byte(OP.BINUNICODE);
    this.int32(encoded.length);
    this.bytes(encoded);
  }
  global(module: string, name: string): void {
    this.byte(OP.GLOBAL);
    this.bytes(this.encoder.encode(`${module}\n${name}\n`));
  }
  tuple(items: (() => void)[]): void {
    if (items.length === 0) return this.byte(OP.EMPTY_TUPLE);
    this.byte(OP.MARK);
    for (const item of items) item();
    this.byte(OP.TUPLE);
  }
  result(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** The raw little-endian bytes of a tensor's elements, in row-major order. */
function rawBytes(tensor: Tensor): Uint8Array {
  const width = ELEMENT_BYTES[tensor.dtype];
  if (!width) throw new TypeError(`torch.save: tensors of dtype ${tensor.dtype} cannot be saved`);
  return tidy(() => {
    const cpu = tensor.detach().to({ device: 'cpu' }).contiguous();
    if (cpu.numel() === 0) return new Uint8Array(0);
    const view = width === 16 ? aten.view_as_real.default(cpu).contiguous() : cpu;
    const raw = aten.view.dtype(view, RAW_VIEW[width === 16 ? 8 : width]!).toTypedArray();
    return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  });
}

/** A tensor's whole storage as a 1-D tensor of its dtype (what Python's torch.save writes). */
function storageOf(tensor: Tensor): { whole: Tensor; numel: number } {
  const numel = Math.floor(tensor._storageBytes / ELEMENT_BYTES[tensor.dtype]!);
  return { whole: aten.as_strided.default(tensor.detach(), [numel], [1], 0), numel };
}

/**
 * The bytes of a torch.save file holding `value`. As in Python, a storage is written once however
 * many saved tensors view it (tied weights stay tied when loaded), with each tensor's offset and
 * strides; tensors viewing one storage as different dtypes get copies of their own.
 */
export function writePyTorchFile(value: unknown, archiveName = 'archive'): Uint8Array {
  const pickle = new PickleWriter();
  const records: Record<string, Uint8Array> = {};
  const seen = new Set<unknown>();

  const write = (item: unknown, path: string): void => {
    if (item === null || item === undefined) return pickle.byte(OP.NONE);
    if (item === true) return pickle.byte(OP.NEWTRUE);
    if (item === false) return pickle.byte(OP.NEWFALSE);
    if (typeof item === 'bigint') return pickle.int(item);
    if (typeof item === 'number') return Number.isInteger(item) && Math.abs(item) < 2 ** 63 ? pickle.int(item) : pickle.float(item);
    if (typeof item === 'string') return pickle.string(item);
    if (typeof item !== 'object' || typeof (item as { then?: unknown }).then === 'function') {
      throw new TypeError(
        `cannot save ${path}: a ${typeof item} (tensors, numbers, strings, booleans, null, arrays and plain objects can be saved)`,
      );
    }
    if (seen.has(item)) throw new TypeError(`cannot save ${path}: it refers back to itself (a cycle)`);
    seen.add(item);
    if (item instanceof Tensor) writeTensor(item);
    else if (Array.isArray(item)) {
      pickle.byte(OP.EMPTY_LIST, OP.MARK);
      item.forEach((element, i) => write(element, `${path}[${i}]`));
      pickle.byte(OP.APPENDS);
    } else {
      const entries = item instanceof Map ? [...item] : Object.entries(item);
      pickle.byte(OP.EMPTY_DICT, OP.MARK);
      for (const [key, element] of entries) {
        write(key, `${path} key`);
        write(element, `${path}.${String(key)}`);
      }
      pickle.byte(OP.SETITEMS);
    }
    seen.delete(item);
  };

  // The persistent id of a storage record: ('storage', torch.<Class>Storage, key, 'cpu', numel).
  const storageReference = (storageClass: string, key: string, numel: number): void => {
    pickle.tuple([
      () => pickle.string('storage'),
      () => pickle.global('torch', storageClass),
      () => pickle.string(key),
      () => pickle.string('cpu'),
      () => pickle.int(numel),
    ]);
    pickle.byte(OP.BINPERSID);
  };
  // backward_hooks: an empty collections.OrderedDict().
  const emptyBackwardHooks = (): void => {
    pickle.global('collections', 'OrderedDict');
    pickle.byte(OP.EMPTY_TUPLE, OP.REDUCE);
  };

  const storages = new Map<string, { key: string; numel: number }>();
  const writeTensor = (tensor: Tensor): void => {
    if (QUANTIZED_STORAGE[tensor.dtype]) return writeQuantized(tensor);
    const storageClass = STORAGE_CLASS[tensor.dtype];
    if (!storageClass) throw new TypeError(`torch.save: tensors of dtype ${tensor.dtype} cannot be saved`);
    const storageId = tensor._storageId;
    const shareKey = storageId === null ? undefined : `${storageId}:${tensor.dtype}`;
    let storage = shareKey === undefined ? undefined : storages.get(shareKey);
    let offset = 0;
    let strides = contiguousStrides(tensor.shape);
    if (shareKey !== undefined) {
      if (!storage) {
        const key = String(Object.keys(records).length);
        const { whole, numel } = storageOf(tensor);
        records[`${archiveName}/data/${key}`] = rawBytes(whole);
        whole.dispose();
        storages.set(shareKey, (storage = { key, numel }));
      }
      offset = tensor._storageOffset;
      strides = tensor._strides;
    } else {
      storage = { key: String(Object.keys(records).length), numel: tensor.numel() };
      records[`${archiveName}/data/${storage.key}`] = rawBytes(tensor);
    }
    const { key, numel } = storage;
    // torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks)
    pickle.global('torch._utils', '_rebuild_tensor_v2');
    pickle.tuple([
      () => storageReference(storageClass, key, numel),
      () => pickle.int(offset),
      () => pickle.tuple(tensor.shape.map((n) => () => pickle.int(n))),
      () => pickle.tuple(strides.map((n) => () => pickle.int(n))),
      () => pickle.byte(tensor.requiresGrad ? OP.NEWTRUE : OP.NEWFALSE),
      emptyBackwardHooks,
    ]);
    pickle.byte(OP.REDUCE);
  };

  // As Python's Tensor.__reduce_ex__ for quantized tensors: torch._utils._rebuild_qtensor(storage of
  // the integer values, offset, size, stride, quantizer params, requires_grad, backward_hooks).
  const writeQuantized = (tensor: Tensor): void => {
    const { storage: storageClass } = QUANTIZED_STORAGE[tensor.dtype]!;
    const key = String(Object.keys(records).length);
    records[`${archiveName}/data/${key}`] = rawBytes(tensor.intRepr());
    const params = quantizationParams(tensor);
    pickle.global('torch._utils', '_rebuild_qtensor');
    pickle.tuple([
      () => storageReference(storageClass, key, tensor.numel()),
      () => pickle.int(0),
      () => pickle.tuple(tensor.shape.map((n) => () => pickle.int(n))),
      () => pickle.tuple(contiguousStrides(tensor.shape).map((n) => () => pickle.int(n))),
      () =>
        pickle.tuple([
          () => pickle.global('torch', params.scheme),
          ...(params.perChannel
            ? [() => writeTensor(params.scales), () => writeTensor(params.zeroPoints), () => pickle.int(params.axis)]
            : [() => pickle.float(params.scale), () => pickle.int(params.zeroPoint)]),
        ]),
      () => pickle.byte(OP.NEWFALSE),
      emptyBackwardHooks,
    ]);
    pickle.byte(OP.REDUCE);
  };

  pickle.byte(OP.PROTO, 2);
  write(value, 'value');
  pickle.byte(OP.STOP);
  return zipSync(
    {
      [`${archiveName}/data.pkl`]: pickle.result(),
      [`${archiveName}/byteorder`]: new TextEncoder().encode('little'),
      ...records,
      [`${archiveName}/version`]: new TextEncoder().encode('3\n'),
    },
    { level: 0 },
  );
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= Math.max(shape[i]!, 1);
  }
  return strides;
}
