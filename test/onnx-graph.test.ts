// The ONNX exporter on graphs built by hand (lib/onnx does not care where a graph comes from): the
// mappings that make traced sizes generalize over the batch, Python-style graphs (Tensor[]
// constants, size arithmetic), and every bad input: unmapped ops (named with their module and the
// opset), bad opsets and options, unwritable paths, each without a file left behind.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import type { ConstantIR, GraphIR, NodeIR, ValueIR } from '../lib/onnx/index.ts';
import { decodeModel } from '../lib/onnx/proto.ts';
import { assertOrtClose, dir, recordExport, registerCheckerTest, runOrt } from './onnx-helpers.ts';

const { nn } = torch;
torch.manualSeed(1);

/** Builds a GraphIR the way the addon reports one. */
class GraphBuilder {
  private next = 1;
  readonly inputs: ValueIR[] = [];
  readonly nodes: NodeIR[] = [];
  scope = '';

  input(shape: number[], dtype = 'float32'): number {
    const value = { id: this.next++, name: `x${this.inputs.length}`, type: 'Tensor', dtype, shape };
    this.inputs.push(value);
    return value.id;
  }
  constant(value: ConstantIR, type: string): number {
    return this.node('prim::Constant', [], [type], value)[0]!;
  }
  ints(values: number[]): number {
    return this.constant(values, 'int[]');
  }
  int(value: number): number {
    return this.constant(value, 'int');
  }
  node(kind: string, inputs: number[], types: string[] = ['Tensor'], value?: ConstantIR): number[] {
    const outputs = types.map((type) => ({ id: this.next++, name: String(this.next), type }));
    this.nodes.push({ kind, inputs, outputs, scope: this.scope, ...(value !== undefined ? { value } : {}) });
    return outputs.map((o) => o.id);
  }
  graph(outputs: number[]): GraphIR {
    return { inputs: this.inputs, outputs, nodes: this.nodes };
  }
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, `${name}.onnx`);
  writeFileSync(file, bytes);
  recordExport(file);
  return file;
}

test('the ONNX schema is generated from the vendored onnx.proto and up to date', () => {
  const run = spawnSync(process.execPath, ['scripts/gen-onnx-schema.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(readFileSync('lib/onnx/onnx.proto', 'utf8'), /SPDX-License-Identifier: Apache-2.0/);
});

test('a reshape to traced sizes (attention heads) follows the batch: copies become 0, the merged dim -1', async () => {
  // (L, N, E) -> (L, N * heads, E / heads) -> (N * heads, L, hd) -> (L, N * heads, hd) -> (L, N, E), N = 3 traced.
  const b = new GraphBuilder();
  const x = b.input([5, 3, 8]);
  const [heads] = b.node('aten::reshape', [x, b.ints([5, 12, 2])]);
  const [t] = b.node('aten::transpose', [heads!, b.int(0), b.int(1)]);
  const [s] = b.node('aten::softmax', [t!, b.int(-1), b.constant(null, 'NoneType')]);
  const [back] = b.node('aten::transpose', [s!, b.int(0), b.int(1)]);
  const [out] = b.node('aten::reshape', [back!, b.ints([5, 3, 8])]);
  const bytes = torch.onnx.exportGraph(b.graph([out!]), { dynamicAxes: { input_0: { 1: 'batch' } } });
  const file = write('reshape-heads', bytes);
  const { graph } = decodeModel(bytes);
  const targets = graph.node.filter((n) => n.op_type === 'Reshape').map((n) => graph.initializer.find((t) => t.name === n.input[1])!);
  const shapes = targets.map((t) => Array.from(new BigInt64Array(Uint8Array.from(t.raw_data).buffer), Number));
  assert.deepEqual(shapes, [
    [0, -1, 2],
    [0, -1, 8],
  ]);
  const reference = (input: torch.Tensor) => input.reshape(5, -1, 2).transpose(0, 1).softmax(-1).transpose(0, 1).reshape(5, -1, 8);
  for (const n of [3, 1, 7]) {
    const input = torch.randn([5, n, 8]);
    const outputs = await runOrt(file, { input_0: input });
    assertOrtClose(outputs.output_0!, reference(input), `batch ${n}`);
  }
});

test('a reshape with two regrouped dims computes them from the runtime shape', async () => {
  // (B, 6, 4) -> (B * 6, 2, 2): both the merge and the split vary with nothing to copy.
  const b = new GraphBuilder();
  const x = b.input([2, 6, 4]);
  const [out] = b.node('aten::view', [x, b.ints([12, 2, 2])]);
  const file = write('reshape-runtime', torch.onnx.exportGraph(b.graph([out!]), { dynamicAxes: { input_0: [0] } }));
  for (const n of [2, 5]) {
    const input = torch.randn([n, 6, 4]);
    assertOrtClose((await runOrt(file, { input_0: input })).output_0!, input.reshape(-1, 2, 2), `batch ${n}`);
  }
});

test('a Python-style traced graph: size arithmetic (size, NumToTensor, Int, ListConstruct) and a Tensor[] LSTM constant', async () => {
  const lstm = new nn.LSTM(3, 4);
  const weights = [...lstm.parameters()];
  const b = new GraphBuilder();
  const x = b.input([6, 2, 3]);
  // h0 = zeros([1, x.size(1), 4]), as PyTorch's LSTM makes it.
  const [batch] = b.node('aten::size', [x, b.int(1)], ['int']);
  const [batchTensor] = b.node('prim::NumToTensor', [batch!]);
  const [batchInt] = b.node('aten::Int', [batchTensor!], ['int']);
  const [sizes] = b.node('prim::ListConstruct', [b.int(1), batchInt!, b.int(4)], ['int[]']);
  const none = b.constant(null, 'NoneType');
  const [h0] = b.node('aten::zeros', [sizes!, b.int(6), none, b.constant('cpu', 'Device'), b.constant(false, 'bool')]);
  const [hx] = b.node('prim::ListConstruct', [h0!, h0!], ['Tensor[]']);
  const params = b.constant(weights, 'Tensor[]');
  const [t, f] = [b.constant(true, 'bool'), b.constant(false, 'bool')];
  b.scope = 'lstm';
  const [y, hN, cN] = b.node('aten::lstm', [x, hx!, params, t, b.int(1), b.constant(0, 'float'), f, f, f], ['Tensor', 'Tensor', 'Tensor']);
  const file = write('python-lstm', torch.onnx.exportGraph(b.graph([y!, hN!, cN!]), { dynamicAxes: { input_0: { 1: 'batch' } } }));
  for (const n of [2, 5]) {
    const input = torch.randn([6, n, 3]);
    const [output, [h, c]] = torch.noGrad(() => lstm.eval().forward(input));
    const got = await runOrt(file, { input_0: input });
    assertOrtClose(got.output_0!, output, `output, batch ${n}`);
    assertOrtClose(got.output_1!, h, `h_n, batch ${n}`);
    assertOrtClose(got.output_2!, c, `c_n, batch ${n}`);
  }
});

test('an op with no mapping is an error naming the op, its module path and the opset', () => {
  const b = new GraphBuilder();
  const x = b.input([2, 3]);
  b.scope = 'encoder.block.1';
  const [y] = b.node('aten::fancy_op', [x]);
  assert.throws(
    () => torch.onnx.exportGraph(b.graph([y!]), { opsetVersion: 15 }),
    (error: torch.onnx.OnnxExportError) => {
      assert.ok(error instanceof torch.onnx.OnnxExportError);
      assert.match(error.message, /aten::fancy_op \(in module 'encoder\.block\.1', ONNX opset 15\): no ONNX mapping/);
      assert.deepEqual([error.op, error.scope, error.opset], ['aten::fancy_op', 'encoder.block.1', 15]);
      return true;
    },
  );
});

class Inner extends nn.Module {
  forward(x: torch.Tensor): torch.Tensor {
    return x.erfinv();
  }
}
class Outer extends nn.Module {
  fc = this.registerModule('fc', new nn.Linear(3, 3));
  inner = this.registerModule('inner', new Inner());
  forward(x: torch.Tensor): torch.Tensor {
    return this.inner.forward(this.fc.forward(x).tanh());
  }
}

test('an unmapped op in a traced submodule names the submodule, and no file is written (an old one is kept)', async () => {
  const file = path.join(dir, 'unsupported.onnx');
  await assert.rejects(torch.onnx.export(new Outer(), [torch.randn([2, 3])], file), /aten::erfinv \(in module 'inner', ONNX opset 17\)/);
  assert.equal(existsSync(file), false);
  writeFileSync(file, 'old');
  await assert.rejects(torch.onnx.export(new Outer(), [torch.randn([2, 3])], file), torch.onnx.OnnxExportError);
  assert.equal(readFileSync(file, 'utf8'), 'old');
});

test('opsets outside 13..20 and bad options are errors before anything is traced or written', async () => {
  const model = new nn.Linear(2, 2);
  const file = path.join(dir, 'bad-options.onnx');
  for (const opsetVersion of [12, 21, 17.5, '17' as unknown as number]) {
    await assert.rejects(
      torch.onnx.export(model, [torch.randn([1, 2])], file, { opsetVersion }),
      /opsetVersion .* is not supported \(supported: 13 to 20\)/,
    );
  }
  const bad: [torch.onnx.ExportOptions, RegExp][] = [
    [{ dynamicAxes: { nope: [0] } }, /dynamicAxes names 'nope', which is not an input or output name/],
    [{ dynamicAxes: { input_0: [2] } }, /axis 2, but 'input_0' has 2 dims/],
    [{ inputNames: ['a', 'b'] }, /2 inputNames for a graph of 1 inputs/],
    [{ inputNames: ['a'], outputNames: ['a'] }, /the name 'a' is given to two inputs or outputs/],
    [{ doConstantFolding: 'yes' as unknown as boolean }, /doConstantFolding must be a boolean/],
  ];
  for (const [options, message] of bad) await assert.rejects(torch.onnx.export(model, [torch.randn([1, 2])], file, options), message);
  await assert.rejects(torch.onnx.export({} as torch.nn.Module, [], file), /model must be an nn.Module or a torch.jit.ScriptModule/);
  assert.equal(existsSync(file), false);
});

test('a path that cannot be written is a clear error and leaves no file or temp file', async () => {
  const parent = path.join(dir, 'unwritable');
  mkdirSync(parent);
  const model = new nn.Linear(2, 2);
  await assert.rejects(torch.onnx.export(model, [torch.randn([1, 2])], path.join(parent, 'missing', 'm.onnx')), /cannot write .*ENOENT/);
  // A directory where the file should go: the rename over it fails after the temp file is written.
  mkdirSync(path.join(parent, 'taken.onnx'));
  await assert.rejects(torch.onnx.export(model, [torch.randn([1, 2])], path.join(parent, 'taken.onnx')), /cannot write/);
  assert.deepEqual(readdirSync(parent), ['taken.onnx']);
});

test('a model in training mode is exported in eval mode and left in training mode', async () => {
  const model = new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout(0.5), new nn.BatchNorm1d(4));
  model.train();
  const file = path.join(dir, 'train-mode.onnx');
  const x = torch.randn([3, 4]);
  await torch.onnx.export(model, [x], file);
  recordExport(file);
  assert.ok([...model.modules()].every((m) => m.training));
  const expected = torch.noGrad(() => model.eval().forward(x));
  assertOrtClose((await runOrt(file, { input_0: x })).output_0!, expected, 'eval output');
});

registerCheckerTest(test);

test.run();
