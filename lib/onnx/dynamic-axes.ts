/**
 * torch.onnx.export's `dynamicAxes`, in PyTorch's two spellings: `{ input: { 0: 'batch' } }`
 * names each varying dim; `{ input: [0] }` lets the exporter name it (`input_dynamic_axes_1`, as
 * PyTorch does).
 * @module
 */
import { OnnxExportError } from './errors.js';

/** Per input or output name: its varying dims, by index with a symbol name, or as a list of indices. */
export type DynamicAxes = Record<string, Record<number, string> | number[]>;

/** Resolved dynamic axes: name -> dim -> symbol. */
export type ResolvedAxes = Map<string, Map<number, string>>;

/** Checks `spec` against the graph's input and output names and ranks and resolves the symbol names. */
export function resolveDynamicAxes(spec: DynamicAxes | undefined, ranks: Map<string, number | undefined>): ResolvedAxes {
  const resolved: ResolvedAxes = new Map();
  if (spec === undefined) return resolved;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new OnnxExportError('torch.onnx.export: dynamicAxes must be an object mapping input and output names to axes');
  for (const [name, axes] of Object.entries(spec)) {
    if (!ranks.has(name))
      throw new OnnxExportError(
        `torch.onnx.export: dynamicAxes names '${name}', which is not an input or output name (they are: ${[...ranks.keys()].join(', ')})`,
      );
    const rank = ranks.get(name);
    const entries: [number, string][] = Array.isArray(axes)
      ? axes.map((axis, i) => [axis, `${name}_dynamic_axes_${i + 1}`])
      : Object.entries(axes ?? {}).map(([axis, symbol]) => [Number(axis), symbol]);
    const dims = new Map<number, string>();
    for (const [axis, symbol] of entries) {
      if (!Number.isInteger(axis) || axis < 0 || (rank !== undefined && axis >= rank))
        throw new OnnxExportError(
          `torch.onnx.export: dynamicAxes['${name}'] has axis ${axis}, but '${name}' has ${rank ?? 'an unknown number of'} dims`,
        );
      if (typeof symbol !== 'string' || symbol === '')
        throw new OnnxExportError(`torch.onnx.export: dynamicAxes['${name}'][${axis}] must be a non-empty string`);
      dims.set(axis, symbol);
    }
    resolved.set(name, dims);
  }
  return resolved;
}
