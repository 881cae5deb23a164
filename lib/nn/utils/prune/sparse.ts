/**
 * Sparse storage of a pruned model: its state dict with the mostly-zero tensors as COO or CSR
 * components, and back. torch.save writes dense tensors only, so a sparse tensor is stored as
 * the dense tensors that make it, in a plain object Python's torch.load reads as it is:
 *
 *   { format: 'nodetorch.sparse_state_dict', version: 1, tensors: { key: Tensor | entry, ... } }
 *   COO entry: { layout: 'sparse_coo', size, indices (int64, [ndim, nnz]), values ([nnz]) }
 *     -> torch.sparse_coo_tensor(indices, values, size)
 *   CSR entry: { layout: 'sparse_csr', size, crow_indices, col_indices, values } of the tensor seen
 *     as a matrix (size[0] rows, the rest flattened into columns; a 1-D tensor is one row)
 *     -> torch.sparse_csr_tensor(crow_indices, col_indices, values, (rows, cols)).to_dense().reshape(size)
 *
 * The keys keep the state dict's order; a pruned tensor (name_orig, name_mask) is stored as the
 * masked tensor under `name`, as `remove` would leave it.
 * @module
 */
import type { Device } from '../../../tensor/types.js';
import { ELEMENT_BYTES } from '../../../io/pytorch-format.js';
import { bincount, sparseCooTensor } from '../../../ops/functions.generated.js';
import { noGrad } from '../../../tensor/autograd.js';
import { arange, cat, zeros } from '../../../tensor/creation.js';
import { isComplexDType, isFloatingDType } from '../../../tensor/dtypes.js';
import { Tensor } from '../../../tensor/tensor.js';
import { Module } from '../../module.js';
import { describeValue } from '../../../util/validate.js';

/** The sparse layouts toSparse writes. */
export type SparseLayout = 'coo' | 'csr';

/** A tensor stored as COO components (a type alias, so that torch.save takes it). */
export type SparseCooEntry = {
  /** torch.sparse_coo's name. */
  layout: 'sparse_coo';
  /** The dense tensor's shape. */
  size: number[];
  /** int64, [ndim, nnz]: the coordinates of the nonzero entries, in row-major order. */
  indices: Tensor;
  /** Their values (nnz of them). */
  values: Tensor;
};

/** A tensor stored as CSR components of its matrix view (size[0] rows). */
export type SparseCsrEntry = {
  /** torch.sparse_csr's name. */
  layout: 'sparse_csr';
  /** The dense tensor's shape (the matrix is size[0] x the rest). */
  size: number[];
  /** Shape (rows + 1): where each row's entries start in col_indices and values. */
  crow_indices: Tensor;
  /** The column of each nonzero entry (nnz of them). */
  col_indices: Tensor;
  /** Their values (nnz of them). */
  values: Tensor;
};

/** A state dict with some tensors stored sparse (see the module docs for the format). */
export type SparseStateDict = {
  /** Marks the object as this format. */
  format: 'nodetorch.sparse_state_dict';
  /** The format's version. */
  version: 1;
  /** The state dict's entries in order: dense tensors, or sparse entries. */
  tensors: Record<string, Tensor | SparseCooEntry | SparseCsrEntry>;
};

/** Options of toSparse. */
export interface ToSparseOptions {
  /** 'coo' or 'csr' (default). */
  layout?: SparseLayout;
  /**
   * The dtype of CSR's crow/col indices: 'int32' (default; PyTorch accepts it, and it halves the
   * index bytes) or 'int64'. COO indices are int64, as torch.sparse_coo_tensor requires.
   */
  indexDtype?: 'int32' | 'int64';
  /** Store a floating tensor sparse only when that takes fewer bytes than dense (default true); false: every floating tensor with a dimension. */
  onlyWhenSmaller?: boolean;
}

/** What storing one tensor sparse takes. */
export interface SparseStorageEntry {
  /** The state dict key. */
  key: string;
  /** The layout it is stored in. */
  layout: SparseLayout;
  /** The dense tensor's shape. */
  shape: number[];
  /** Nonzero entries stored. */
  nnz: number;
  /** Bytes of the dense tensor. */
  denseBytes: number;
  /** Bytes of its sparse components (indices and values). */
  sparseBytes: number;
}

/** Bytes of the tensors dense and as stored (entries: the tensors stored sparse). */
export interface SparseStorageReport {
  entries: SparseStorageEntry[];
  /** Every tensor's bytes, dense. */
  denseBytes: number;
  /** Every tensor's bytes as stored (sparse components for the sparse ones). */
  storedBytes: number;
  /** denseBytes - storedBytes. */
  savedBytes: number;
}

/**
 * `model`'s state dict (or a state dict) with the masks applied, as `remove` would leave it: for
 * each `name_orig` with a `name_mask`, `name = name_orig * name_mask` in `name_orig`'s place
 * (what Lightning's ModelPruning saves in checkpoints).
 */
export function permanentStateDict(source: Module | Record<string, Tensor>): Record<string, Tensor> {
  const state = stateOf(source, 'prune.permanentStateDict');
  const out: Record<string, Tensor> = {};
  for (const [key, tensor] of Object.entries(state)) {
    if (key.endsWith('_mask') && `${key.slice(0, -5)}_orig` in state) continue;
    const base = key.endsWith('_orig') ? key.slice(0, -5) : null;
    const mask = base === null ? undefined : state[`${base}_mask`];
    if (base !== null && mask) out[base] = noGrad(() => mask.to({ dtype: tensor.dtype }).mul(tensor));
    else out[key] = tensor;
  }
  return out;
}

/**
 * The permanent state dict of `source` with its mostly-zero floating tensors stored as COO or CSR
 * components, and what that saves: `torch.save(stateDict, path)` writes it; `toDense` reverses it.
 */
export function toSparse(
  source: Module | Record<string, Tensor>,
  options: ToSparseOptions = {},
): { stateDict: SparseStateDict; report: SparseStorageReport } {
  const label = 'prune.toSparse';
  const layout = options.layout ?? 'csr';
  if (layout !== 'coo' && layout !== 'csr') throw new RangeError(`${label}: layout must be 'coo' or 'csr', got ${describeValue(layout)}`);
  const indexDtype = options.indexDtype ?? 'int32';
  if (indexDtype !== 'int32' && indexDtype !== 'int64')
    throw new RangeError(`${label}: indexDtype must be 'int32' or 'int64', got ${describeValue(indexDtype)}`);
  const tensors: SparseStateDict['tensors'] = {};
  const entries: SparseStorageEntry[] = [];
  let denseBytes = 0;
  let storedBytes = 0;
  for (const [key, tensor] of Object.entries(permanentStateDict(source))) {
    const dense = bytesOf(tensor);
    denseBytes += dense;
    const sparse =
      tensor.dim() > 0 && (isFloatingDType(tensor.dtype) || isComplexDType(tensor.dtype)) ? encode(tensor, layout, indexDtype) : null;
    const sparseBytes = sparse ? componentsOf(sparse).reduce((sum, t) => sum + bytesOf(t), 0) : Infinity;
    if (sparse && (options.onlyWhenSmaller === false || sparseBytes < dense)) {
      tensors[key] = sparse;
      storedBytes += sparseBytes;
      entries.push({ key, layout, shape: [...tensor.shape], nnz: sparse.values.numel(), denseBytes: dense, sparseBytes });
    } else {
      tensors[key] = tensor;
      storedBytes += dense;
    }
  }
  return {
    stateDict: { format: 'nodetorch.sparse_state_dict', version: 1, tensors },
    report: { entries, denseBytes, storedBytes, savedBytes: denseBytes - storedBytes },
  };
}

/** The dense state dict a SparseStateDict stores (as written, or as torch.load read it back). */
export function toDense(sparse: SparseStateDict): Record<string, Tensor> {
  const label = 'prune.toDense';
  if (
    typeof sparse !== 'object' ||
    sparse === null ||
    sparse.format !== 'nodetorch.sparse_state_dict' ||
    typeof sparse.tensors !== 'object'
  )
    throw new TypeError(
      `${label}: expected what prune.toSparse returns as stateDict ({ format: 'nodetorch.sparse_state_dict', tensors }), got ${describeValue(sparse)}`,
    );
  if (Number(sparse.version) !== 1) throw new Error(`${label}: unknown version ${String(sparse.version)} (this nodetorch reads version 1)`);
  const out: Record<string, Tensor> = {};
  for (const [key, entry] of Object.entries(toRecord(sparse.tensors))) {
    if (entry instanceof Tensor) out[key] = entry;
    else if (entry?.layout === 'sparse_coo') out[key] = noGrad(() => sparseCooTensor(entry.indices, entry.values, sizeOf(entry)).toDense());
    else if (entry?.layout === 'sparse_csr') out[key] = decodeCsr(entry);
    else throw new TypeError(`${label}: '${key}' is neither a tensor nor a sparse_coo / sparse_csr entry`);
  }
  return out;
}

function encode(tensor: Tensor, layout: SparseLayout, indexDtype: 'int32' | 'int64'): SparseCooEntry | SparseCsrEntry {
  return noGrad(() => {
    const size = [...tensor.shape];
    if (layout === 'coo') {
      const coo = tensor.detach().toSparse().coalesce();
      return { layout: 'sparse_coo', size, indices: coo.indices(), values: coo.values() };
    }
    const rows = tensor.dim() === 1 ? 1 : size[0]!;
    const matrix = tensor.detach().reshape([rows, rows === 0 ? 0 : tensor.numel() / rows]);
    const coo = matrix.toSparse().coalesce();
    const [rowOf, colOf] = coo.indices().unbind(0) as [Tensor, Tensor];
    const counts = bincount(rowOf, null, rows);
    const crow = cat([zeros([1], { dtype: 'int64' }), counts.cumsum(0)]);
    return {
      layout: 'sparse_csr',
      size,
      crow_indices: crow.to({ dtype: indexDtype }),
      col_indices: colOf.to({ dtype: indexDtype }),
      values: coo.values(),
    };
  });
}

function decodeCsr(entry: SparseCsrEntry): Tensor {
  return noGrad(() => {
    const size = sizeOf(entry);
    const rows = size.length === 1 ? 1 : size[0]!;
    const cols = rows === 0 ? 0 : size.reduce((a, b) => a * b, 1) / rows;
    const crow = entry.crow_indices.to({ dtype: 'int64' });
    const perRow = crow.narrow(0, 1, rows).sub(crow.narrow(0, 0, rows));
    const rowOf = arange(rows, { dtype: 'int64' }).repeatInterleave(perRow);
    const flat = rowOf.mul(cols).add(entry.col_indices.to({ dtype: 'int64' }));
    const out = zeros([rows * cols], { dtype: entry.values.dtype, device: entry.values.device as Device });
    out.indexPut_([flat], entry.values);
    return out.reshape(size);
  });
}

function sizeOf(entry: { size: unknown }): number[] {
  const size = entry.size instanceof Tensor ? (entry.size.toArray() as number[]) : (entry.size as unknown[]).map(Number);
  return size.map(Number);
}

function componentsOf(entry: SparseCooEntry | SparseCsrEntry): Tensor[] {
  return entry.layout === 'sparse_coo' ? [entry.indices, entry.values] : [entry.crow_indices, entry.col_indices, entry.values];
}

function bytesOf(tensor: Tensor): number {
  return tensor.numel() * (ELEMENT_BYTES[tensor.dtype] ?? 1);
}

function stateOf(source: Module | Record<string, Tensor>, label: string): Record<string, Tensor> {
  if (source instanceof Module) return source.stateDict();
  if (typeof source === 'object' && source !== null) return toRecord(source);
  throw new TypeError(`${label}: expected a torch.nn.Module or a state dict, got ${describeValue(source)}`);
}

// torch.load gives Maps for dicts read from files; written objects are records.
function toRecord<T>(value: Record<string, T> | Map<string, T>): Record<string, T> {
  return value instanceof Map ? Object.fromEntries(value) : value;
}
