/**
 * What torch.jit.trace checks after recording: whether the traced graph reproduces the function's
 * outputs (PyTorch's check_trace), whether it holds nondeterministic nodes, and over which input
 * dimensions it generalizes (probed by growing them by one and comparing the overlap).
 */
import { aten } from '../ops/surface.js';
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { flattenTensors } from './signature.js';

/** Ops whose results differ between runs: a trace holding them cannot be checked by rerunning it. */
const NONDETERMINISTIC =
  /aten::(dropout|feature_dropout|alpha_dropout|feature_alpha_dropout|bernoulli|rand|randn|randint|randperm|normal|uniform|multinomial|rrelu|native_dropout)\b/;

/** The nondeterministic nodes of a graph's text, one line each. */
export function nondeterministicNodes(graphText: string): string[] {
  return graphText
    .split('\n')
    .filter((line) => NONDETERMINISTIC.test(line))
    .map((line) => line.trim());
}

/** Runs a traced method on inputs: what the checks compare. */
export type RunTraced = (inputs: unknown[]) => unknown;

const close = (a: Tensor, b: Tensor, rtol: number, atol: number): boolean =>
  a.dtype === b.dtype && a.shape.join() === b.shape.join() && aten.allclose(a.detach(), b.detach(), rtol, atol);

/**
 * PyTorch's check_trace: reruns the traced method on the example inputs and returns one warning
 * per output that does not match the function's own output (rtol 1e-5, atol 1e-5 as PyTorch's).
 */
export function checkTraceOutputs(run: RunTraced, inputs: unknown[], expected: unknown): string[] {
  return noGrad(() => {
    const actual = flattenTensors(run(inputs));
    const wanted = flattenTensors(expected);
    if (actual.length !== wanted.length)
      return [`the traced function returned ${actual.length} tensors on rerun, but the JavaScript function returned ${wanted.length}`];
    const warnings: string[] = [];
    actual.forEach((tensor, i) => {
      if (close(tensor, wanted[i]!, 1e-5, 1e-5)) return;
      warnings.push(
        `Output nr ${i + 1}. of the traced function does not match the corresponding output of the JavaScript function. ` +
          `Shapes [${tensor.shape.join(', ')}] and [${wanted[i]!.shape.join(', ')}]` +
          (tensor.shape.join() === wanted[i]!.shape.join() && tensor.dtype === wanted[i]!.dtype
            ? `, largest difference ${describeDifference(tensor, wanted[i]!)}`
            : '') +
          '. The trace may not represent the function: does it branch on tensor values or read values into JavaScript?',
      );
    });
    return warnings;
  });
}

function describeDifference(a: Tensor, b: Tensor): string {
  return String(a.detach().double().sub(b.detach().double()).abs().max().item());
}

/** One more slice along `dim` (a copy of the first one), for the generalization probe. */
function grow(value: unknown, dim: number): unknown {
  if (Array.isArray(value)) return value.map((item) => grow(item, dim));
  const tensor = value as Tensor;
  if (tensor.shape.length <= dim) return tensor;
  return cat([tensor, aten.narrow(tensor, dim, 0, 1)], dim);
}

/** The dimensions (per flattened input and output) that may vary: -1 in the signature. */
export interface DynamicDims {
  inputs: number[][];
  outputs: number[][];
}

/**
 * Finds the leading input dimensions (0, then 1) over which the traced method generalizes: with
 * every input grown by one slice along the dimension, the traced outputs must grow the same way and
 * agree with the original outputs on the overlap. Meant for eval mode (batch norm in training mode
 * mixes the batch); returns no dynamic dims when nothing generalizes.
 */
export function probeDynamicDims(run: RunTraced, inputs: unknown[], outputs: unknown): DynamicDims {
  const inputTensors = flattenTensors(inputs);
  const outputTensors = flattenTensors(outputs);
  const dims: DynamicDims = { inputs: inputTensors.map(() => []), outputs: outputTensors.map(() => []) };
  for (const dim of [0, 1]) {
    if (!inputTensors.some((t) => t.shape.length > dim)) continue;
    const grownOutputs = noGrad(() => {
      try {
        return flattenTensors(run(inputs.map((input) => grow(input, dim))));
      } catch {
        return null;
      }
    });
    if (!grownOutputs || grownOutputs.length !== outputTensors.length) continue;
    const changed = grownOutputs.map((grown, i) => changedDims(outputTensors[i]!, grown));
    if (changed.some((d) => d === null) || changed.every((d) => d!.length === 0)) continue;
    const agrees = noGrad(() =>
      grownOutputs.every((grown, i) => {
        let overlap = grown;
        for (const d of changed[i]!) overlap = aten.narrow(overlap, d, 0, outputTensors[i]!.shape[d]!);
        return close(overlap, outputTensors[i]!, 1e-4, 1e-5);
      }),
    );
    if (!agrees) continue;
    inputTensors.forEach((t, i) => t.shape.length > dim && dims.inputs[i]!.push(dim));
    changed.forEach((d, i) => dims.outputs[i]!.push(...d!.filter((x) => !dims.outputs[i]!.includes(x))));
  }
  return dims;
}

// The dims that grew by exactly one from `before` to `after`; null if the ranks differ or a dim changed otherwise.
function changedDims(before: Tensor, after: Tensor): number[] | null {
  if (before.shape.length !== after.shape.length) return null;
  const changed: number[] = [];
  for (let d = 0; d < before.shape.length; d++) {
    if (after.shape[d] === before.shape[d]) continue;
    if (after.shape[d] !== before.shape[d]! + 1) return null;
    changed.push(d);
  }
  return changed;
}
