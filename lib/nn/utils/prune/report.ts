/**
 * Sparsity of a model, per layer and overall: how many entries of each tensor its forward computes
 * with are zero (for a pruned tensor, `name_orig * name_mask`), and a printable table of it.
 * @module
 */
import { noGrad } from '../../../tensor/autograd.js';
import { isComplexDType, isFloatingDType } from '../../../tensor/dtypes.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { Module } from '../../module.js';
import { describeValue } from '../../../util/validate.js';
import { pruningHooks } from './reparametrization.js';

/** One tensor's line of a sparsity report. */
export interface SparsityRow {
  /** The module's dotted path ('' for the model itself). */
  name: string;
  /** The tensor's name on that module ('weight'; a pruned tensor under its own name, not `weight_orig`). */
  parameter: string;
  /** Entries. */
  total: number;
  /** Entries equal to 0. */
  zeros: number;
  /** zeros / total (0 for an empty tensor). */
  sparsity: number;
  /** Whether the tensor is pruned now (reparametrized with a mask). */
  pruned: boolean;
}

/** A model's sparsity: one row per floating parameter (or pruned tensor), and the totals over them. */
export interface SparsityReport {
  /** One row per tensor, in module and registration order. */
  rows: SparsityRow[];
  /** The totals over the rows. */
  global: { total: number; zeros: number; sparsity: number };
}

/** Options of sparsityReport. */
export interface SparsityReportOptions {
  /** Only tensors with these names ('weight', 'bias'); default every floating parameter. */
  parameterNames?: readonly string[];
}

/**
 * The sparsity of every floating parameter of `model` and its descendants, with pruned tensors
 * counted as the forward sees them (the mask applied to the current `name_orig`).
 */
export function sparsityReport(model: Module, options: SparsityReportOptions = {}): SparsityReport {
  if (!(model instanceof Module)) throw new TypeError(`prune.sparsityReport: expected a torch.nn.Module, got ${describeValue(model)}`);
  const wanted = options.parameterNames ? new Set(options.parameterNames) : null;
  const rows: SparsityRow[] = [];
  const add = (name: string, parameter: string, tensor: Tensor, pruned: boolean) => {
    if (wanted && !wanted.has(parameter)) return;
    if (!isFloatingDType(tensor.dtype) && !isComplexDType(tensor.dtype)) return;
    const total = tensor.numel();
    const zeros = total - Number(noGrad(() => tensor.countNonzero().item()));
    rows.push({ name, parameter, total, zeros, sparsity: total === 0 ? 0 : zeros / total, pruned });
  };
  for (const [path, module] of model.namedModules()) {
    const pruned = new Map(pruningHooks(module).map(({ method }) => [`${method.tensorName}_orig`, method]));
    for (const [key, param] of module.namedParameters({ recurse: false })) {
      const method = pruned.get(key);
      if (method)
        add(
          path,
          method.tensorName!,
          noGrad(() => method.applyMask(module)),
          true,
        );
      else add(path, key, param, false);
    }
  }
  const total = rows.reduce((sum, row) => sum + row.total, 0);
  const zeros = rows.reduce((sum, row) => sum + row.zeros, 0);
  return { rows, global: { total, zeros, sparsity: total === 0 ? 0 : zeros / total } };
}

/** A report as a table: one line per tensor (layer, parameter, entries, zeros, sparsity), then the global line. */
export function formatSparsityReport(report: SparsityReport): string {
  const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
  const lines = [
    ['Layer', 'Parameter', 'Total', 'Zeros', 'Sparsity'],
    ...report.rows.map((row) => [
      row.name || '(model)',
      `${row.parameter}${row.pruned ? ' (pruned)' : ''}`,
      String(row.total),
      String(row.zeros),
      percent(row.sparsity),
    ]),
    ['Global', '', String(report.global.total), String(report.global.zeros), percent(report.global.sparsity)],
  ];
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) =>
    line
      .map((cell, column) => (column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [format(lines[0]!), rule, ...lines.slice(1, -1).map(format), rule, format(lines[lines.length - 1]!)].join('\n');
}
