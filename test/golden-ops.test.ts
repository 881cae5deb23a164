// Replays op results and gradients computed by PyTorch (scripts/golden/ops_cases.py) through the
// generated torch.* functions, Tensor methods and torch.nn.functional.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { assertTensorClose, decode, readFixture, type Encoded } from './helpers.ts';

interface Case {
  name: string;
  fn: string;
  inputs: Encoded[];
  args: unknown[];
  kwargs: Record<string, unknown>;
  outputs: (Encoded | number | boolean)[];
  names?: string[];
  cotangent?: Encoded;
  grads?: (Encoded | null)[];
  tolerance?: number;
}

const { cases } = readFixture<{ cases: Case[] }>('ops_golden.json');
type Fn = (...args: unknown[]) => unknown;

function resolveArgs(value: unknown, inputs: torch.Tensor[]): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveArgs(item, inputs));
  if (value !== null && typeof value === 'object' && 'input' in value) return inputs[(value as { input: number }).input];
  return value;
}

function call(c: Case, inputs: torch.Tensor[]): unknown {
  const args = resolveArgs(c.args, inputs) as unknown[];
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, resolveArgs(v, inputs)]));
  const all = Object.keys(kwargs).length ? [...args, kwargs] : args;
  const [namespace, name] = c.fn.split('.') as [string, string];
  if (namespace === 'Tensor') {
    const method = (inputs[0] as unknown as Record<string, Fn>)[name];
    assert.equal(typeof method, 'function', `Tensor.${name} exists`);
    return method!.apply(inputs[0], all);
  }
  const holder = (namespace === 'F' ? torch.nn.functional : torch) as unknown as Record<string, Fn>;
  assert.equal(typeof holder[name], 'function', `${c.fn} exists`);
  return holder[name]!(...all);
}

function outputsOf(result: unknown, names: string[] | undefined): unknown[] {
  if (result instanceof torch.Tensor || typeof result !== 'object' || result === null) return [result];
  if (Array.isArray(result)) return result;
  const record = result as Record<string, unknown>;
  return (names ?? Object.keys(record)).map((name) => record[name]);
}

const tolerance = (c: Case, dtype: string) => c.tolerance ?? (dtype === 'float64' ? 1e-7 : 1e-4);

test('at least 300 golden op cases', () => assert.ok(cases.length >= 300, `${cases.length}`));

for (const c of cases) {
  test(`golden op: ${c.name} (${c.fn})`, () => {
    const inputs = c.inputs.map(decode);
    const outputs = outputsOf(call(c, inputs), c.names);
    assert.equal(outputs.length, c.outputs.length, 'output count');
    c.outputs.forEach((expected, i) => {
      const actual = outputs[i];
      if (typeof expected === 'object') assertTensorClose(actual as torch.Tensor, expected, tolerance(c, expected.dtype), `output ${i}`);
      else assert.equal(actual, expected, `output ${i}`);
    });
    if (c.grads) {
      const leaves = inputs.filter((_, i) => c.inputs[i]!.requiresGrad);
      const grads = torch.autograd.grad(outputs[0] as torch.Tensor, leaves, { gradOutputs: [decode(c.cotangent!)], allowUnused: true });
      let next = 0;
      c.grads.forEach((expected, i) => {
        if (!c.inputs[i]!.requiresGrad) return;
        const grad = grads[next++];
        if (expected === null) assert.equal(grad, null, `grad ${i}`);
        else assertTensorClose(grad!, expected, tolerance(c, expected.dtype) * 10, `grad ${i}`);
      });
    }
  });
}

test.run();
