// torch.jit.trace, freeze and optimizeForInference: traced modules mirror the Module tree, generalize
// over the batch where the model does, save files Python's torch.jit.load runs with the same outputs,
// and every misuse (async ops, promises, training-mode freeze) is a clear error or PyTorch's warning.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { assertArrayClose, hasPythonTorch } from './helpers.ts';

const { nn } = torch;
const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-trace-'));

class LstmClassifier extends nn.Module {
  lstm = this.registerModule('lstm', new nn.LSTM(6, 8, { batchFirst: true }));
  head = this.registerModule('head', new nn.Linear(8, 3));
  forward(x: torch.Tensor): torch.Tensor {
    const [out] = this.lstm.forward(x);
    return this.head.forward(out.select(1, -1));
  }
}

// A custom module: elementwise ops, a registered buffer, cat and softmax, two outputs.
class Custom extends nn.Module {
  scale = this.registerBuffer('scale', torch.tensor([0.5, 2, -1, 3]));
  proj = this.registerModule('proj', new nn.Linear(8, 4));
  forward(x: torch.Tensor): [torch.Tensor, torch.Tensor] {
    const y = x.mul(this.scale).tanh().add(x.pow(2).mul(0.1));
    const joined = torch.cat([y, x.sigmoid()], 1);
    return [this.proj.forward(joined).softmax(-1), y.sum(1)];
  }
}

const cnn = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(64, 10),
  );

interface Case {
  name: string;
  make: () => torch.nn.Module;
  input: (batch: number) => torch.Tensor;
  /** The example's signature shapes: the batch dim is -1. */
  inputShape: number[];
}

const cases: Case[] = [
  {
    name: 'MLP',
    make: () => new nn.Sequential(new nn.Linear(12, 16), new nn.ReLU(), new nn.Linear(16, 3)),
    input: (b) => torch.randn([b, 12]),
    inputShape: [-1, 12],
  },
  { name: 'CNN with batch norm', make: cnn, input: (b) => torch.randn([b, 1, 8, 8]), inputShape: [-1, 1, 8, 8] },
  { name: 'LSTM classifier', make: () => new LstmClassifier(), input: (b) => torch.randn([b, 5, 6]), inputShape: [-1, 5, 6] },
  {
    name: 'transformer encoder layer',
    make: () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }),
    input: (b) => torch.randn([b, 5, 8]),
    inputShape: [-1, 5, 8],
  },
  { name: 'custom module', make: () => new Custom(), input: (b) => torch.randn([b, 4]), inputShape: [-1, 4] },
];

// Gives the BN statistics something other than 0/1 so eval mode is really tested.
function warmUp(model: torch.nn.Module, input: torch.Tensor): void {
  torch.noGrad(() => model.train().forward(input));
  model.eval();
}

const outputsOf = (value: unknown): torch.Tensor[] => (Array.isArray(value) ? (value as torch.Tensor[]) : [value as torch.Tensor]);
const values = (value: unknown) => outputsOf(value).map((t) => t.flatten().toArray() as number[]);

/** Runs a saved TorchScript file in Python's torch.jit.load on `input`; the outputs' values. */
function runInPython(file: string, input: torch.Tensor): number[][] {
  const script = `
import json, sys, torch
request = json.load(sys.stdin)
module = torch.jit.load(request["file"])
x = torch.tensor(request["values"], dtype=torch.float32).reshape(request["shape"])
with torch.no_grad():
    out = module(x)
outs = list(out) if isinstance(out, (tuple, list)) else [out]
print(json.dumps([o.flatten().tolist() for o in outs]))
`;
  const request = JSON.stringify({ file, values: input.flatten().toArray(), shape: input.shape });
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: request, encoding: 'utf8' })) as number[][];
}

for (const c of cases) {
  test(`${c.name}: the trace generalizes over the batch, saves, and Python's torch.jit.load gives the same outputs`, async () => {
    torch.manualSeed(1);
    const model = c.make();
    warmUp(model, c.input(6));
    const traced = torch.jit.trace(model, c.input(2));
    const x = c.input(5);
    const eager = torch.noGrad(() => model.forward(x));
    const tracedOut = torch.noGrad(() => traced.forward(x));
    values(tracedOut).forEach((v, i) => assertArrayClose(v, values(eager)[i]!, 1e-5));
    assert.deepEqual(traced.signature!.inputs[0]!.shape, c.inputShape);
    assert.equal(traced.signature!.inputs[0]!.datatype, 'FP32');
    assert.ok(traced.signature!.outputs.every((o) => o.shape[0] === -1));

    const file = path.join(dir, `${c.name.replace(/ /g, '-')}.pt`);
    await traced.save(file);
    const loaded = await torch.jit.load(file);
    assert.deepEqual(loaded.signature, traced.signature);
    values(torch.noGrad(() => loaded.forward(x))).forEach((v, i) => assertArrayClose(v, values(eager)[i]!, 1e-5));
    if (hasPythonTorch) runInPython(file, x).forEach((v, i) => assertArrayClose(v, values(eager)[i]!, 1e-5));
  });
}

test('the traced module mirrors the Module tree: same parameter names, a forward per submodule, tensors shared', () => {
  const model = cnn().eval();
  const traced = torch.jit.trace(model, torch.randn([2, 1, 8, 8]));
  assert.deepEqual(
    [...traced.namedParameters()].map(([n]) => n),
    [...model.namedParameters()].map(([n]) => n),
  );
  assert.deepEqual(Object.keys(traced.stateDict()).sort(), Object.keys(model.stateDict()).sort());
  assert.match(traced.graph(), /prim::CallMethod\[name="forward"\]/);
  const x = torch.randn([3, 1, 8, 8]);
  const weight = [...[...model.children()][5]!.parameters()][0]!;
  torch.noGrad(() => weight.mul_(2));
  assertArrayClose(
    (traced.forward(x) as torch.Tensor).flatten().toArray(),
    torch
      .noGrad(() => model.forward(x))
      .flatten()
      .toArray(),
    1e-5,
  );
});

test('a traced module fine-tunes through its parameters like the original', () => {
  torch.manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const traced = torch.jit.trace(model, torch.randn([2, 4]));
  const optimizer = new torch.optim.SGD(traced.parameters(), { lr: 0.1 });
  const x = torch.randn([16, 4]);
  const target = torch.randn([16, 2]);
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    optimizer.zeroGrad();
    const loss = nn.functional.mseLoss(traced.forward(x) as torch.Tensor, target);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  assert.ok(losses[4]! < losses[0]!, `loss fell: ${losses.join(', ')}`);
});

test('functions and several methods trace (traceModule)', () => {
  const fn = torch.jit.trace((a: torch.Tensor, b: torch.Tensor) => a.mul(b).relu(), [torch.randn([2, 3]), torch.randn([2, 3])]);
  const [a, b] = [torch.randn([4, 3]), torch.randn([4, 3])];
  assertArrayClose((fn.forward(a, b) as torch.Tensor).toArray(), a.mul(b).relu().toArray(), 1e-6);
  assert.deepEqual(
    fn.signature!.inputs.map((i) => i.name),
    ['input0', 'input1'],
  );

  class TwoHeads extends nn.Module {
    fc = this.registerModule('fc', new nn.Linear(3, 2));
    forward(x: torch.Tensor) {
      return this.fc.forward(x);
    }
    embed(x: torch.Tensor) {
      return this.fc.forward(x).tanh();
    }
  }
  const model = new TwoHeads().eval();
  const traced = torch.jit.traceModule(model, { forward: torch.randn([2, 3]), embed: torch.randn([2, 3]) }, { inputNames: ['features'] });
  assert.ok(traced.methodNames().includes('embed'));
  const x = torch.randn([5, 3]);
  assertArrayClose((traced.runMethod('embed', x) as torch.Tensor).toArray(), torch.noGrad(() => model.embed(x)).toArray(), 1e-6);
  assert.equal(traced.signature!.inputs[0]!.name, 'features');
});

/** Collects the warnings torch.jit.trace emits while `fn` runs. */
function tracerWarnings(fn: () => void): string[] {
  const seen: string[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is below
  const original = process.emitWarning;
  process.emitWarning = ((warning: string, type?: string) => {
    if (type === 'TracerWarning') seen.push(warning);
  }) as typeof process.emitWarning;
  try {
    fn();
  } finally {
    process.emitWarning = original;
  }
  return seen;
}

test("values read into JavaScript, captured tensors and nondeterministic nodes get PyTorch's TracerWarnings", () => {
  const branchy = tracerWarnings(() => torch.jit.trace((x: torch.Tensor) => (x.sum().item() > 0 ? x.mul(2) : x.neg()), torch.ones([2, 2])));
  assert.ok(
    branchy.some((w) => /Converting a tensor to a number might cause the trace to be incorrect/.test(w)),
    branchy.join('\n'),
  );

  const outside = torch.randn([2, 2]);
  const captured = tracerWarnings(() => torch.jit.trace((x: torch.Tensor) => x.add(outside), torch.ones([2, 2])));
  assert.ok(
    captured.some((w) => /shape \[2, 2\] that is neither an input nor a parameter or buffer/.test(w)),
    captured.join('\n'),
  );

  const dropout = new nn.Sequential(new nn.Linear(8, 8), new nn.Dropout(0.5)).train();
  const random = tracerWarnings(() => torch.jit.trace(dropout, torch.randn([16, 8])));
  assert.ok(
    random.some((w) => /nondeterministic nodes/.test(w) && /aten::dropout/.test(w)),
    random.join('\n'),
  );

  const clean = tracerWarnings(() => torch.jit.trace(new nn.Linear(3, 3).eval(), torch.randn([2, 3])));
  assert.deepEqual(clean, []);
});

test('an async op inside a trace is an error, not a baked constant, and the next trace works', async () => {
  const model = new nn.Sequential(new nn.Linear(3, 3));
  assert.throws(
    () => torch.jit.trace((x: torch.Tensor) => (model.forwardAsync(x).catch(() => {}), x), torch.randn([2, 3])),
    /an async call .* inside torch\.jit\.trace/,
  );
  assert.throws(
    () => torch.jit.trace(async (x: torch.Tensor) => x.mul(2), torch.randn([2, 3])),
    /is a Promise: torch\.jit\.trace records synchronous calls only/,
  );
  assert.throws(
    () =>
      torch.jit.trace(
        () => {
          throw new Error('forward failed');
        },
        torch.randn([1]),
      ),
    /forward failed/,
  );
  const after = torch.jit.trace((x: torch.Tensor) => x.add(1), torch.zeros([2]));
  assert.deepEqual((after.forward(torch.zeros([3])) as torch.Tensor).toArray(), [1, 1, 1]);
  assert.deepEqual((await model.forwardAsync(torch.zeros([1, 3]))).shape, [1, 3]);
});

test('bad inputs and outputs are clear errors; strict: false allows dict outputs', () => {
  assert.throws(() => torch.jit.trace((x: torch.Tensor) => x, [42]), /input 0 is a number/);
  assert.throws(() => torch.jit.trace((x: torch.Tensor) => x.shape, torch.zeros([2])), /result\[0\] is a number/);
  assert.throws(() => torch.jit.trace({} as never, torch.zeros([2])), /expected an nn\.Module or a function/);
  assert.throws(() => torch.jit.trace((x: torch.Tensor) => ({ y: x.mul(2) }), torch.zeros([2])), /dict/i);
  const loose = torch.jit.trace((x: torch.Tensor) => ({ y: x.mul(2) }), torch.ones([2]), { strict: false });
  assert.deepEqual(((loose.forward(torch.ones([2])) as Record<string, torch.Tensor>).y as torch.Tensor).toArray(), [2, 2]);
});

test('freeze folds attributes into constants, keeps preserved ones, and refuses training mode', () => {
  const model = cnn();
  warmUp(model, torch.randn([8, 1, 8, 8]));
  const traced = torch.jit.trace(model, torch.randn([2, 1, 8, 8]));
  const frozen = torch.jit.freeze(traced);
  assert.doesNotMatch(frozen.graph(), /prim::GetAttr/);
  assert.doesNotMatch(frozen.inlinedGraph(), /batch_norm/, 'batch norm folded into the convolution');
  assert.deepEqual(frozen.signature, traced.signature);
  const x = torch.randn([4, 1, 8, 8]);
  const eager = torch.noGrad(() => model.forward(x));
  assertArrayClose((frozen.forward(x) as torch.Tensor).flatten().toArray(), eager.flatten().toArray(), 1e-5);
  const kept = torch.jit.freeze(traced, { preservedAttrs: ['training'] });
  assert.match(kept.graph(), /graph/);
  traced.train();
  assert.throws(() => torch.jit.freeze(traced), /torch\.jit\.freeze: .*eval/);
  assert.throws(() => traced.optimizeForInference(), /eval mode/);
  assert.throws(() => torch.jit.freeze(model as never), /expects a ScriptModule .* got a Sequential/);
});

test('optimizeForInference moves convolutions to oneDNN (where the build has it) with the same outputs, sync and async', async () => {
  const model = cnn();
  warmUp(model, torch.randn([8, 1, 8, 8]));
  const optimized = torch.jit.optimizeForInference(torch.jit.trace(model, torch.randn([2, 1, 8, 8])));
  if (torch.config().mkldnn) assert.match(optimized.graph(), /mkldnn/);
  const x = torch.randn([64, 1, 8, 8]);
  const eager = torch.noGrad(() => model.forward(x));
  assertArrayClose((optimized.forward(x) as torch.Tensor).flatten().toArray(), eager.flatten().toArray(), 1e-5);
  // oneDNN tensors have no autograd kernels: the optimized module runs in inference mode, off the event loop too.
  const asyncOut = (await optimized.forwardAsync(x)) as torch.Tensor;
  assertArrayClose(asyncOut.flatten().toArray(), eager.flatten().toArray(), 1e-5);
  assert.equal(asyncOut.isInference(), true);
});

test('freeze and optimizeForInference work on modules PyTorch saved, too', async () => {
  const loaded = (await torch.jit.load(new URL('./fixtures/jit/cnn.pt', import.meta.url).pathname)).eval();
  const x = torch.randn([3, 1, 8, 8]);
  const expected = (loaded.forward(x) as torch.Tensor).flatten().toArray();
  for (const derived of [loaded.freeze(), loaded.optimizeForInference()]) {
    assert.doesNotMatch(derived.graph(), /prim::GetAttr/);
    assertArrayClose((derived.forward(x) as torch.Tensor).flatten().toArray(), expected, 1e-5);
  }
});

test('a save that cannot be written is an error and leaves no file', async () => {
  const traced = torch.jit.trace(new nn.Linear(2, 2), torch.zeros([1, 2]));
  const missing = path.join(dir, 'no-such-dir', 'model.pt');
  await assert.rejects(traced.save(missing));
  assert.equal(existsSync(missing), false);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
});

test.run();
