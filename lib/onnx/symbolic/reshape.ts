/**
 * Reshape targets that generalize. A traced reshape's target holds the example's sizes (a JS
 * number is not traced), so a batch of 3 reshaped to (3 * 4, 5, 8) stays 12 forever. Aligning the
 * input's sizes with the target's shows which input dims each target entry is made of: an entry
 * that only copies the same dim becomes 0 (ONNX's "copy this dim"), and the one entry made of
 * several dims (a merge or a split) becomes -1, so batch sizes other than the example's work.
 * With several such entries, each is computed from the input's runtime shape.
 * @module
 */
import type { GraphContext } from '../graph-context.js';
import type { Dims } from '../shape-inference.js';
import type { TensorValue } from '../values.js';
import { reduce } from './common.js';

interface Group {
  inputs: number[];
  outputs: number[];
}

// Groups the input dims with the target entries they become; undefined when they do not line up.
function align(input: number[], target: number[]): Group[] | undefined {
  const groups: Group[] = [];
  let [i, j] = [0, 0];
  while (i < input.length || j < target.length) {
    if (i < input.length && input[i] === 1 && (j >= target.length || target[j] !== 1)) {
      groups.push({ inputs: [i++], outputs: [] });
      continue;
    }
    if (j < target.length && target[j] === 1 && (i >= input.length || input[i] !== 1)) {
      groups.push({ inputs: [], outputs: [j++] });
      continue;
    }
    if (i >= input.length || j >= target.length) return undefined;
    const group: Group = { inputs: [i], outputs: [j] };
    let [a, b] = [input[i]!, target[j]!];
    while (a !== b) {
      if (a < b) {
        if (++i >= input.length) return undefined;
        group.inputs.push(i);
        a *= input[i]!;
      } else {
        if (++j >= target.length) return undefined;
        group.outputs.push(j);
        b *= target[j]!;
      }
    }
    groups.push(group);
    i++;
    j++;
  }
  return groups;
}

/**
 * The shape input of a Reshape of `x` to `target` (static sizes, -1 allowed): the plain target
 * unless `generalize`, else one that follows the input's runtime sizes (see the module comment).
 */
export function reshapeTarget(g: GraphContext, x: TensorValue, target: number[], generalize: boolean): TensorValue {
  const shape: Dims | undefined = x.shape;
  if (!generalize || !shape || shape.some((d) => d === null || d === 0) || target.includes(0)) return g.ints(target);
  const sizes = shape as number[];
  const total = sizes.reduce((a, b) => a * b, 1);
  const resolved = target.includes(-1)
    ? target.map((d) => (d === -1 ? total / target.reduce((a, b) => (b === -1 ? a : a * b), 1) : d))
    : target;
  const groups = align(sizes, resolved);
  if (!groups) return g.ints(target);
  const entries: number[] = [...resolved];
  const variable: { group: Group; leading: number }[] = [];
  for (const group of groups) {
    if (group.outputs.length === 0) continue;
    const [input] = group.inputs;
    if (group.inputs.length === 1 && group.outputs.length === 1 && input === group.outputs[0]) {
      entries[input!] = 0;
      continue;
    }
    if (group.inputs.length === 0) continue; // a new size-1 dim
    const leading = group.outputs.find((o) => resolved[o] !== 1) ?? group.outputs[0]!;
    variable.push({ group, leading });
  }
  if (variable.length <= 1) {
    if (variable.length === 1) entries[variable[0]!.leading] = -1;
    return g.ints(entries);
  }
  // Several entries vary: each is the product of its input dims at run time over its group's other entries.
  const runtimeShape = g.op('Shape', [x]);
  const pieces = entries.map((entry, index): TensorValue => {
    const group = variable.find((v) => v.leading === index);
    if (!group) return g.ints([entry]);
    const dims = g.op('Gather', [runtimeShape, g.ints(group.group.inputs)], { axis: 0 });
    const product = reduce(g, 'ReduceProd', dims, [0], true);
    const others = group.group.outputs.filter((o) => o !== index).reduce((p, o) => p * resolved[o]!, 1);
    return others === 1 ? product : g.op('Div', [product, g.ints([others])]);
  });
  return g.op('Concat', pieces, { axis: 0 });
}
