/**
 * torch.nn.utils.prune: PyTorch's pruning (the `weight_orig` / `weight_mask` reparametrization,
 * the built-in methods, composition when a tensor is pruned again, global pruning, `remove`), plus
 * a sparsity report, Zhu & Gupta's gradual schedule and sparse (COO/CSR) storage of a pruned model.
 * @module
 */
export type { PruningAmount, CheckedAmount } from './amount.js';
export { BasePruningMethod, PruningContainer } from './base.js';
export type { PruningType, PruningMethodClass, ImportanceScoresOption } from './base.js';
export { Identity, RandomUnstructured, L1Unstructured } from './unstructured.js';
export type { UnstructuredOptions } from './unstructured.js';
export { RandomStructured, LnStructured } from './structured.js';
export type { RandomStructuredOptions, LnStructuredOptions, StructuredNorm } from './structured.js';
export { CustomFromMask } from './custom-from-mask.js';
export type { CustomFromMaskOptions } from './custom-from-mask.js';
export {
  identity,
  randomUnstructured,
  l1Unstructured,
  randomStructured,
  lnStructured,
  customFromMask,
  remove,
  isPruned,
} from './functional.js';
export { globalUnstructured } from './global.js';
export type { GlobalUnstructuredOptions } from './global.js';
export { sparsityReport, formatSparsityReport } from './report.js';
export type { SparsityReport, SparsityRow, SparsityReportOptions } from './report.js';
export { gradualSchedule } from './schedule.js';
export type { GradualSchedule, GradualScheduleOptions } from './schedule.js';
export { permanentStateDict, toSparse, toDense } from './sparse.js';
export type {
  SparseLayout,
  SparseCooEntry,
  SparseCsrEntry,
  SparseStateDict,
  ToSparseOptions,
  SparseStorageEntry,
  SparseStorageReport,
} from './sparse.js';
