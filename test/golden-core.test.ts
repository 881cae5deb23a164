// Replays op results and gradients computed by PyTorch (scripts/golden/core_cases.py).
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { assertTensorClose, decode, readFixture, type Encoded } from './helpers.ts';

interface Case {
  name: string;
  method: string;
  inputs: Encoded[];
  args: unknown[];
  outputs: Encoded[];
  grads?: (Encoded | null)[];
}

const { cases } = readFixture<{ cases: Case[] }>('core_golden.json');

type Method = (...args: unknown[]) => unknown;

function outputsOf(result: unknown): torch.Tensor[] {
  if (result instanceof torch.Tensor) return [result];
  if (Array.isArray(result)) return result as torch.Tensor[];
  return [(result as { values: torch.Tensor }).values, (result as { indices: torch.Tensor }).indices];
}

test('golden cases cover at least 100 op results', () => assert.ok(cases.length >= 100, `${cases.length} cases`));

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    const inputs = c.inputs.map(decode);
    const method = (inputs[0] as unknown as Record<string, Method>)[c.method];
    assert.equal(typeof method, 'function', `Tensor.${c.method} exists`);
    const args = c.method === 'index' ? c.args : [...inputs.slice(1), ...c.args];
    let outputs = outputsOf(method!.apply(inputs[0], args));
    // max(dim)/min(dim) cases pin one of the pair: the generator records which.
    if (c.outputs.length === 1 && outputs.length === 2 && !(c.args.length === 0)) {
      outputs = [c.name.endsWith('indices') ? outputs[1]! : outputs[0]!];
    }
    assert.equal(outputs.length, c.outputs.length, 'output count');
    outputs.forEach((out, i) => assertTensorClose(out, c.outputs[i]!, out.dtype === 'float32' ? 1e-5 : 1e-9, `output ${i}`));
    if (c.grads) {
      const first = outputs[0]!;
      first.backward(torch.onesLike(first));
      c.grads.forEach((grad, i) => {
        if (grad === null) assert.equal(inputs[i]!.grad, null);
        else assertTensorClose(inputs[i]!.grad!, grad, 1e-5, `grad ${i}`);
      });
    }
  });
}

test.run();
