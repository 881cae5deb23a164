/**
 * Reads PyTorch's zip file format (what Python's torch.save writes since 1.6) in TypeScript:
 * fflate opens the archive, pickleparser runs the pickle, and tensors are rebuilt over the stored
 * bytes. LibTorch's own C++ unpickler rejects ordinary state dicts (OrderedDict with _metadata), so
 * reading does not go through it.
 *
 * Like PyTorch's `weights_only` loading, only the globals that tensors and plain containers need
 * are resolved; any other (a pickled module, a numpy array, `os.system`) is refused with an error
 * naming it. Compressed entries are inflated only up to a bound checked before inflating.
 */
import { unzipSync } from 'fflate';
import { Parser } from 'pickleparser';
import { aten } from '../ops/surface.js';
import { fromTypedArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/types.js';
import { makeQuantized, QSCHEMES, type QSchemeName } from '../tensor/quantized.js';
import { ELEMENT_BYTES, QUANTIZED_STORAGE, STORAGE_CLASS, STORAGE_DTYPE } from './pytorch-format.js';
import { checkEntryCount } from './zip-directory.js';

/** Options of {@link readPyTorchFile}. */
export interface ReadOptions {
  /**
   * The most bytes the archive's compressed entries may inflate to, all together (default 1 GiB).
   * torch.save stores entries uncompressed, which this does not count.
   */
  maxInflatedBytes?: number;
}

const DEFAULT_MAX_INFLATED = 2 ** 30;
// Deflate cannot compress better than about 1032:1; an entry claiming more is corrupt or a bomb.
const DEFLATE_MAX_RATIO = 1032;

/** A refusal raised while reading the archive's directory, passed through unchanged. */
class ArchiveRefused extends Error {}

/** What a torch.save file may reference by global name, besides the storage classes. */
type Builder = (...args: never[]) => unknown;

/** collections.OrderedDict(): a plain object; its pickled state (the state dict's _metadata) is dropped. */
function orderedDict(): object {
  return Object.defineProperty({}, '__setstate__', { value: () => {}, enumerable: false });
}

/** Hints for globals users commonly pickle by mistake. */
function refusalHint(module: string, name: string): string {
  if (module.startsWith('numpy')) return 'numpy arrays cannot be loaded: save them as torch tensors (torch.from_numpy)';
  if (name.includes('sparse') || name.includes('qtensor'))
    return 'sparse and quantized tensors cannot be loaded: save t.to_dense() or t.dequantize()';
  if (module.startsWith('torch.nn') || module === '__main__')
    return 'a whole pickled model cannot be loaded: save its state dict instead (torch.save(model.state_dict(), path))';
  return 'only tensors, numbers, strings, lists, tuples, dicts and sets can be loaded: save a state dict instead (torch.save(model.state_dict(), path))';
}

function describePid(pid: unknown, storageTypes: Map<unknown, DType>): string {
  if (!Array.isArray(pid)) return typeof pid === 'string' ? `'${pid}'` : typeof pid;
  const items = pid.map((item: unknown) => {
    if (typeof item === 'function') {
      const dtype = storageTypes.get(item);
      return dtype ? `torch.${STORAGE_CLASS[dtype]}` : 'a global';
    }
    return typeof item === 'string' ? `'${item}'` : typeof item === 'number' ? String(item) : typeof item;
  });
  return `(${items.join(', ')})`;
}

/** A 1-D tensor over one storage record (views are built from it with as_strided). */
function storageTensor(bytes: Uint8Array, dtype: DType, numel: number, file: string): Tensor {
  const width = ELEMENT_BYTES[dtype]!;
  if (!Number.isSafeInteger(numel) || numel < 0)
    throw new Error(`${file}: storage reference with an invalid element count ${String(numel)}`);
  if (bytes.byteLength < numel * width)
    throw new Error(`${file}: storage holds ${bytes.byteLength} bytes, ${numel} x ${dtype} need ${numel * width}`);
  // Reinterpret the bytes as uint8 and view them as the dtype: works for every dtype, copies nothing.
  const raw = fromTypedArray(bytes.subarray(0, numel * width), undefined, { dtype: 'uint8', copy: bytes.byteOffset % 16 !== 0 });
  return aten.view.dtype(raw, dtype);
}

/** The entries torch.load needs (the pickle and the storage records), with the inflating bound checked first. */
function readArchive(bytes: Uint8Array, file: string, maxInflated: number): Record<string, Uint8Array> {
  checkEntryCount(bytes, file);
  let inflated = 0;
  try {
    return unzipSync(bytes, {
      filter(entry) {
        if (!entry.name.endsWith('data.pkl') && !/(^|\/)data\/[^/]+$/.test(entry.name)) return false;
        if (entry.compression === 0) return true;
        if (entry.originalSize > entry.size * DEFLATE_MAX_RATIO + 1024)
          throw new ArchiveRefused(
            `${file}: entry ${entry.name} claims to inflate ${entry.size} bytes to ${entry.originalSize}, which deflate cannot do`,
          );
        inflated += entry.originalSize;
        if (inflated > maxInflated) {
          throw new ArchiveRefused(
            `${file}: its compressed entries inflate to more than ${maxInflated} bytes (maxInflatedBytes); refusing a possible zip bomb`,
          );
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ArchiveRefused) throw new Error(error.message, { cause: error });
    throw new Error(
      `${file} is not a PyTorch file in the zip format torch.save has written since PyTorch 1.6: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Parses the bytes of a torch.save file. */
export function readPyTorchFile(bytes: Uint8Array, file: string, options: ReadOptions = {}): unknown {
  const entries = readArchive(bytes, file, options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED);
  const pickleName = Object.keys(entries).find((name) => name.endsWith('/data.pkl') || name === 'data.pkl');
  if (!pickleName) throw new Error(`${file}: no data.pkl in the archive (a TorchScript archive? use torch.jit.load)`);
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  const storages = new Map<string, Tensor>();

  const globals = new Map<string, Builder>();
  const allow = (module: string, name: string, build: Builder) => globals.set(`${module}.${name}`, build);
  allow('collections', 'OrderedDict', orderedDict);
  allow(
    'torch._utils',
    '_rebuild_tensor_v2',
    (storage: Tensor, offset: number, size: number[], stride: number[], requiresGrad: boolean) => {
      // A view of the storage, as in Python: tensors saved as views of one storage still share it.
      const view = aten.as_strided.default(storage, size, stride, offset);
      if (requiresGrad) view.requiresGrad = true;
      return view;
    },
  );
  // Quantized tensors: the storage holds the integers; the params name the scheme (a torch.* global).
  for (const scheme of QSCHEMES) globals.set(`torch.${scheme}`, scheme as unknown as Builder);
  allow(
    'torch._utils',
    '_rebuild_qtensor',
    (storage: Tensor, offset: number, size: number[], stride: number[], params: unknown[], requiresGrad: boolean) => {
      const [scheme, ...rest] = params as [QSchemeName, ...unknown[]];
      if (requiresGrad) throw new Error(`${file}: a quantized tensor cannot require grad`);
      const values = aten.as_strided.default(storage, size, stride, offset).contiguous();
      if (scheme === 'per_tensor_affine' || scheme === 'per_tensor_symmetric')
        return makeQuantized(values, { scheme, perChannel: false, scale: rest[0] as number, zeroPoint: rest[1] as number });
      if (scheme === 'per_channel_affine' || scheme === 'per_channel_symmetric')
        return makeQuantized(values, {
          scheme,
          perChannel: true,
          scales: rest[0] as Tensor,
          zeroPoints: rest[1] as Tensor,
          axis: rest[2] as number,
        });
      throw new Error(`${file}: quantized tensors with the scheme ${String(scheme)} are not supported`);
    },
  );
  allow('torch._utils', '_rebuild_parameter', (data: Tensor, requiresGrad: boolean) => {
    data.requiresGrad = requiresGrad;
    return data;
  });
  allow('torch', 'device', (name: string) => name);
  allow('torch', 'Size', (dims: number[]) => [...dims]);
  // torch.float64 & co. are pickled as bare globals (no call): the global is the value.
  // (quantized dtypes too: PyTorch's quantized Linear state dicts hold `torch.qint8`).
  for (const dtype of [...Object.keys(ELEMENT_BYTES), ...Object.keys(QUANTIZED_STORAGE)])
    globals.set(`torch.${dtype}`, dtype as unknown as Builder);
  for (const module of ['builtins', '__builtin__']) {
    allow(module, 'set', (items: unknown[] = []) => new Set(items));
    allow(module, 'frozenset', (items: unknown[] = []) => new Set(items));
  }
  // LibTorch's pickler tags containers with their TorchScript types.
  allow('torch.jit._pickle', 'restore_type_tag', (value: unknown) => value);
  for (const list of ['build_intlist', 'build_doublelist', 'build_boollist', 'build_tensorlist'])
    allow('torch.jit._pickle', list, (items: unknown[]) => items);
  // torch.FloatStorage & co. appear only as names inside storage references; each stands for its dtype.
  const storageTypes = new Map<unknown, DType>();
  const storageEntries: [string, DType][] = [
    ...Object.entries(STORAGE_DTYPE),
    ...Object.values(QUANTIZED_STORAGE).map(({ storage, values }) => [storage, values] as [string, DType]),
  ];
  for (const [name, dtype] of storageEntries) {
    const marker = () => dtype;
    storageTypes.set(marker, dtype);
    allow('torch', name, marker);
  }

  const parser = new Parser({
    nameResolver: {
      resolve(module: string, name: string) {
        const found = globals.get(`${module}.${name}`);
        if (found) return found;
        throw new Error(`${file}: refusing to load the pickled global ${module}.${name}: ${refusalHint(module, name)}`);
      },
    },
    unpicklingTypeOfDictionary: 'object',
    unpicklingTypeOfSet: 'Set',
    persistentResolver: {
      resolve(pid: unknown) {
        const [kind, storageType, key, , numel] = Array.isArray(pid) ? (pid as [unknown, unknown, unknown, unknown, unknown]) : [];
        const dtype = storageTypes.get(storageType);
        if (kind !== 'storage' || !dtype || typeof key !== 'string')
          throw new Error(`${file}: unsupported storage reference ${describePid(pid, storageTypes)}`);
        let storage = storages.get(key);
        if (!storage) {
          const record = entries[`${prefix}data/${key}`];
          if (!record) throw new Error(`${file}: storage record data/${key} is missing (truncated file?)`);
          storage = storageTensor(record, dtype, numel as number, file);
          storages.set(key, storage);
        }
        return storage;
      },
    },
  });
  try {
    return normalize(parser.parse(entries[pickleName]!));
  } finally {
    // The handles only: the views built over each storage keep its memory alive.
    for (const storage of storages.values()) storage.dispose();
  }
}

// Plain objects for dicts (OrderedDict instances included); arrays stay arrays, sets Sets.
function normalize(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || 'dispose' in value) return value;
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, normalize(v)]));
  if (value instanceof Set) return new Set([...value].map(normalize));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
}
