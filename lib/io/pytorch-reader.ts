/**
 * Reads PyTorch's zip file format (what Python's torch.save writes since 1.6) in TypeScript:
 * fflate opens the archive, pickleparser runs the pickle, and tensors are rebuilt over the stored
 * bytes. LibTorch's own C++ unpickler rejects ordinary state dicts (OrderedDict with _metadata), so
 * reading does not go through it; writing does (lib/io/serialization.ts).
 */
import { unzipSync } from 'fflate';
import { NameRegistry, Parser } from 'pickleparser';
import { native } from '../native.js';
import { aten } from '../ops/surface.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/types.js';
import { ELEMENT_BYTES, STORAGE_DTYPE } from './pytorch-format.js';

/** torch.FloatStorage & co. appear only as names inside storage references; each stands for its dtype. */
const storageTypes = new Map<unknown, DType>();

/** collections.OrderedDict(): a plain object; its pickled state (the state dict's _metadata) is dropped. */
function orderedDict(): object {
  return Object.defineProperty({}, '__setstate__', { value: () => {}, enumerable: false });
}

type Builder = (...args: never[]) => unknown;

/** A 1-D tensor over one storage record (views are built from it with as_strided). */
function storageTensor(bytes: Uint8Array, dtype: DType, numel: number, file: string): Tensor {
  const width = ELEMENT_BYTES[dtype]!;
  if (bytes.byteLength < numel * width)
    throw new Error(`${file}: storage holds ${bytes.byteLength} bytes, ${numel} x ${dtype} need ${numel * width}`);
  // Reinterpret the bytes as uint8 and view them as the dtype: works for every dtype, copies nothing.
  const raw = native.fromTypedArray(bytes.subarray(0, numel * width), [numel * width], 'uint8', bytes.byteOffset % 16 !== 0) as Tensor;
  return aten.view.dtype(raw, dtype);
}

/** Parses the bytes of a torch.save file. */
export function readPyTorchFile(bytes: Uint8Array, file: string): unknown {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new Error(
      `${file} is not a PyTorch file in the zip format torch.save has written since PyTorch 1.6: ${(error as Error).message}`,
    );
  }
  const pickleName = Object.keys(entries).find((name) => name.endsWith('/data.pkl') || name === 'data.pkl');
  if (!pickleName) throw new Error(`${file}: no data.pkl in the archive (a TorchScript archive? use torch.jit.load)`);
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  const storages = new Map<string, Tensor>();

  const registry = new NameRegistry()
    .register('collections', 'OrderedDict', orderedDict)
    .register('torch._utils', '_rebuild_tensor_v2', ((
      storage: Tensor,
      offset: number,
      size: number[],
      stride: number[],
      requiresGrad: boolean,
    ) => {
      // A view of the storage, as in Python: tensors saved as views of one storage still share it.
      const view = aten.as_strided.default(storage, size, stride, offset);
      if (requiresGrad) view.requiresGrad = true;
      return view;
    }) as Builder)
    .register('torch._utils', '_rebuild_parameter', ((data: Tensor, requiresGrad: boolean) => {
      data.requiresGrad = requiresGrad;
      return data;
    }) as Builder)
    .register('torch', 'device', ((name: string) => name) as Builder)
    // LibTorch's pickler (our own save) tags containers with their TorchScript types.
    .register('torch.jit._pickle', 'restore_type_tag', ((value: unknown) => value) as Builder);
  for (const list of ['build_intlist', 'build_doublelist', 'build_boollist', 'build_tensorlist'])
    registry.register('torch.jit._pickle', list, ((items: unknown[]) => items) as Builder);
  for (const [name, dtype] of Object.entries(STORAGE_DTYPE)) {
    const marker = () => dtype;
    storageTypes.set(marker, dtype);
    registry.register('torch', name, marker);
  }
  const baseResolve = registry.resolve.bind(registry);
  registry.resolve = (module: string, name: string) => {
    const found = baseResolve(module, name);
    if (found) return found;
    throw new Error(`${file}: cannot load ${module}.${name} (tensors, numbers, strings, lists and dicts can be loaded)`);
  };

  const parser = new Parser({
    nameResolver: registry,
    unpicklingTypeOfDictionary: 'object',
    persistentResolver: {
      resolve(pid: unknown) {
        const [kind, storageType, key, , numel] = pid as [string, unknown, string, string, number];
        const dtype = storageTypes.get(storageType);
        if (kind !== 'storage' || !dtype) throw new Error(`${file}: unsupported storage reference ${String(pid)}`);
        let storage = storages.get(key);
        if (!storage) {
          const record = entries[`${prefix}data/${key}`];
          if (!record) throw new Error(`${file}: storage record data/${key} is missing (truncated file?)`);
          storage = storageTensor(record, dtype, numel, file);
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

// Plain objects for dicts (OrderedDict instances included); arrays stay arrays.
function normalize(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || 'dispose' in value) return value;
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, normalize(v)]));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
}
