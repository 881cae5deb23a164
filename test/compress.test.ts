// The compression pipeline (lib/compress) on tiny runs: every variant of a small MLP and of a
// small CNN made, saved and measured with sane numbers (sparsity equal to the amount, smaller
// sparse and int8 files, accuracy near fp32's, compiled variants as accurate as fp32, the
// environment recorded), the fusion groups found by name, and bad input refused before anything trains.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { hasPythonTorch, testOrSkip } from './helpers.ts';

const { nn, data } = torch;
const { compressModel, fusionGroups, formatCompressionTable, fitClassifier } = torch.compress;
const scratch = mkdtempSync(path.join(tmpdir(), 'nodetorch-compress-'));

const sample = (train: boolean, count: number) => {
  const set = new data.EmbeddedMNIST({ train });
  return new data.Subset(set, new data.Generator(0).randperm(set.length).slice(0, count));
};
const trainLoader = new data.DataLoader(sample(true, 640), { batchSize: 64, shuffle: true, seed: 0 });
const testLoader = new data.DataLoader(sample(false, 300), { batchSize: 100 });
const adam = (params: torch.Tensor[]) => new torch.optim.Adam(params, { lr: 3e-3 });
const quick = { latency: { warmup: 1, runs: 3 }, batchSizes: [1, 8], seed: 0, threads: 1 };

function mlp(): torch.nn.Module {
  torch.manualSeed(0);
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 64), new nn.ReLU(), new nn.Linear(64, 10));
}

function cnn(): torch.nn.Module {
  torch.manualSeed(0);
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(4 * 14 * 14, 10),
  );
}

let mlpReport: torch.compress.CompressionReport | undefined;

const snapshot = (model: torch.nn.Module) =>
  Object.fromEntries(Object.entries(model.stateDict()).map(([key, t]) => [key, [...t.toTypedArray()].map(Number)]));

test('every variant of an MLP: sparsity, file sizes, accuracy and latency are sane; the trained model is left unchanged', async () => {
  const model = mlp();
  await fitClassifier(model, trainLoader, { epochs: 2, optimizer: adam, seed: 0 });
  const before = snapshot(model);
  const outputDir = path.join(scratch, 'mlp');
  const report = await compressModel({ model, trainLoader, testLoader, optimizer: adam, outputDir, fineTuneEpochs: 1, ...quick });
  mlpReport = report;
  assert.deepEqual(snapshot(model), before, 'the fp32 model is not changed');
  const rows = Object.fromEntries(report.rows.map((row) => [row.name, row]));
  assert.deepEqual(
    report.rows.map((row) => row.name),
    [
      'fp32',
      'pruned_50',
      'pruned_80',
      'pruned_90',
      'structured',
      'dynamic_int8',
      'static_int8',
      'qat_int8',
      'traced',
      'frozen',
      'optimized',
      'traced_dynamic_int8',
      'traced_static_int8',
      'traced_qat_int8',
    ],
  );
  const fp32 = rows.fp32!;
  assert.ok(fp32.accuracy > 0.7, `fp32 learned the digits (${fp32.accuracy})`);
  assert.equal(fp32.file.kind, 'state dict');
  for (const row of report.rows) {
    assert.equal(statSync(row.file.path).size, row.file.bytes, `${row.name}: the file's size`);
    assert.ok(Math.abs(row.accuracyChangePoints - (row.accuracy - fp32.accuracy) * 100) < 1e-9, `${row.name}: change in points`);
    for (const size of ['1', '8']) {
      const { medianUs, minUs, runs } = row.latency[size]!;
      assert.ok(Number.isFinite(medianUs) && medianUs > 0 && minUs <= medianUs && runs === 3, `${row.name}: latency at ${size}`);
      assert.ok(Math.abs(row.speedUp[size]! - fp32.latency[size]!.medianUs / medianUs) < 1e-9, `${row.name}: speed-up at ${size}`);
    }
  }
  assert.deepEqual(fp32.speedUp, { 1: 1, 8: 1 });
  for (const [name, amount] of [
    ['pruned_50', 0.5],
    ['pruned_80', 0.8],
    ['pruned_90', 0.9],
  ] as const) {
    const row = rows[name]!;
    assert.ok(Math.abs(row.sparsity! - amount) < 1e-4, `${name}: sparsity ${row.sparsity} is the amount`);
    assert.equal(row.file.kind, 'state dict');
    assert.equal(row.sparseFile!.kind, 'sparse state dict (CSR)');
    assert.ok(Math.abs(row.file.bytes - fp32.file.bytes) < 1024, `${name}: the dense state dict is fp32's size`);
    // CSR keeps a value and an int32 column index per nonzero: about 2 x (1 - amount) of the dense bytes.
    if (amount >= 0.8)
      assert.ok(row.sparseFile!.bytes < row.file.bytes * (2 * (1 - amount) + 0.05), `${name}: sparse file ${row.sparseFile!.bytes} bytes`);
    assert.ok(row.accuracy > fp32.accuracy - 0.15, `${name}: fine-tuned accuracy ${row.accuracy} near fp32's ${fp32.accuracy}`);
  }
  // 30% of the 64 hidden rows (19 rows of 784) of 784*64 + 64*10 weights.
  assert.ok(
    Math.abs(rows.structured!.sparsity! - (19 * 784) / (784 * 64 + 640)) < 1e-6,
    `structured sparsity ${rows.structured!.sparsity}`,
  );
  for (const name of ['dynamic_int8', 'static_int8', 'qat_int8', 'traced_dynamic_int8', 'traced_static_int8', 'traced_qat_int8']) {
    const row = rows[name]!;
    assert.equal(row.file.kind, 'TorchScript');
    assert.ok(row.file.bytes < fp32.file.bytes * 0.5, `${name}: int8 file ${row.file.bytes} < half of fp32's ${fp32.file.bytes}`);
    assert.ok(Math.abs(row.accuracyChangePoints) <= 3, `${name}: accuracy within 3 points (${row.accuracyChangePoints})`);
  }
  assert.equal(rows.traced_dynamic_int8!.accuracy, rows.dynamic_int8!.accuracy, 'the traced file computes what the eager int8 model does');
  assert.equal(rows.traced_static_int8!.accuracy, rows.static_int8!.accuracy);
  assert.equal(rows.traced_qat_int8!.accuracy, rows.qat_int8!.accuracy);
  // The same float math, in other kernels (MKL-DNN after optimizing): at most one of the 300 samples may flip.
  for (const name of ['traced', 'frozen', 'optimized'])
    assert.ok(Math.abs(rows[name]!.accuracy - fp32.accuracy) <= 1 / 300 + 1e-9, `${name} is as accurate as fp32`);
  assert.equal(rows.optimized!.file.path, rows.frozen!.file.path, 'optimized ships as the frozen file');
  const loaded = await torch.jit.load(rows.static_int8!.file.path);
  assert.match(loaded.inlinedGraph(), /quantized::linear/);
  assert.equal(report.environment.torchVersion, torch.config().torchVersion);
  assert.equal(report.environment.quantizedEngine, torch.backends.quantized.engine);
  assert.equal(report.environment.threads, 1);
  const table = formatCompressionTable(report);
  assert.match(table, /\| pruned_80 \| [\d,]+ \(state dict\); [\d,]+ \(sparse state dict \(CSR\)\) \| 80\.0% \|/);
  assert.match(table, new RegExp(`quantized engine ${torch.backends.quantized.engine}, 1 intra-op thread`));
});

// The files as a user ships them: PyTorch reads the CSR state dict back into the same model and
// runs the int8 TorchScript file with nodetorch's outputs.
const PYTHON_CHECK = `
import json, sys, warnings, torch
from torch import nn
warnings.filterwarnings('ignore', 'Sparse CSR tensor support is in beta')
request = json.load(sys.stdin)
torch.backends.quantized.engine = request["engine"]
x = torch.tensor(request["x"], dtype=torch.float32).reshape(request["shape"])
def dense(entry):
    if isinstance(entry, torch.Tensor):
        return entry
    size = list(entry["size"])
    rows = size[0] if len(size) > 1 else 1
    matrix = torch.sparse_csr_tensor(entry["crow_indices"], entry["col_indices"], entry["values"], (rows, entry["values"].new_zeros(size).numel() // rows))
    return matrix.to_dense().reshape(size)
stored = torch.load(request["sparse"])
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10)).eval()
model.load_state_dict({key: dense(entry) for key, entry in stored["tensors"].items()})
weights = [model[1].weight, model[3].weight]
zeros = sum(int((w == 0).sum()) for w in weights) / sum(w.numel() for w in weights)
with torch.no_grad():
    print(json.dumps({"pruned": model(x).reshape(-1).tolist(), "zeros": zeros,
                      "static": torch.jit.load(request["static"])(x).reshape(-1).tolist()}))
`;

testOrSkip(
  test,
  "the shipped files load in PyTorch: the pruned model's CSR state dict and the int8 TorchScript give nodetorch's outputs",
  !hasPythonTorch && 'needs /usr/bin/python3 with torch',
  async () => {
    const rows = Object.fromEntries(mlpReport!.rows.map((row) => [row.name, row]));
    const x = torch.randn([4, 1, 28, 28]);
    const pruned = mlp().eval();
    pruned.loadStateDict(await torch.load<Record<string, torch.Tensor>>(rows.pruned_80!.file.path));
    const ours = {
      pruned: Array.from(torch.noGrad(() => pruned.forward(x) as torch.Tensor).toTypedArray(), Number),
      static: Array.from(((await torch.jit.load(rows.static_int8!.file.path)).forward(x) as torch.Tensor).toTypedArray(), Number),
    };
    const request = {
      engine: torch.backends.quantized.engine,
      x: [...x.toTypedArray()],
      shape: x.shape,
      sparse: rows.pruned_80!.sparseFile!.path,
      static: rows.static_int8!.file.path,
    };
    const python = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', PYTHON_CHECK], { input: JSON.stringify(request), encoding: 'utf8' }),
    ) as {
      pruned: number[];
      zeros: number;
      static: number[];
    };
    assert.ok(Math.abs(python.zeros - 0.8) < 1e-4, `PyTorch sees ${python.zeros} zeros`);
    python.pruned.forEach((v, i) => assert.ok(Math.abs(v - ours.pruned[i]!) < 1e-4, `pruned output [${i}]: ${v} vs ${ours.pruned[i]}`));
    // Python loads TorchScript with the same LibTorch here (1.13, or 2.6 in the chroot): the same int8 kernels.
    python.static.forEach((v, i) => assert.ok(Math.abs(v - ours.static[i]!) < 1e-5, `int8 output [${i}]: ${v} vs ${ours.static[i]}`));
  },
);

test('a CNN: conv-bn-relu fused by name for static and QAT int8, conv channels pruned structurally, trained here first', async () => {
  const model = cnn();
  assert.deepEqual(fusionGroups(model), [['0', '1', '2']]);
  assert.deepEqual(
    fusionGroups(new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU(), new nn.Sequential(new nn.Linear(4, 2), new nn.ReLU()))),
    [
      ['0', '1'],
      ['2.0', '2.1'],
    ],
  );
  const report = await compressModel({
    model,
    trainLoader,
    testLoader,
    optimizer: adam,
    outputDir: path.join(scratch, 'cnn'),
    variants: ['structured', 'static_int8', 'qat_int8', 'optimized'],
    trainEpochs: 2,
    structuredAmount: 0.5,
    calibrationBatches: 2,
    ...quick,
  });
  const rows = Object.fromEntries(report.rows.map((row) => [row.name, row]));
  assert.deepEqual(Object.keys(rows), ['fp32', 'structured', 'static_int8', 'qat_int8', 'optimized'], 'fp32 is always measured first');
  assert.ok(rows.fp32!.accuracy > 0.6, `the CNN was trained (${rows.fp32!.accuracy})`);
  // Half the conv's 4 channels (2 x 9 of 36 + 40 + 7840 weights): the classifier is not pruned.
  assert.ok(Math.abs(rows.structured!.sparsity! - 18 / (36 + 7840)) < 1e-9, `structured sparsity ${rows.structured!.sparsity}`);
  assert.ok(rows.static_int8!.file.bytes < rows.fp32!.file.bytes * 0.5);
  assert.ok(Math.abs(rows.static_int8!.accuracyChangePoints) <= 5, `static int8 accuracy change ${rows.static_int8!.accuracyChangePoints}`);
  assert.ok(Math.abs(rows.optimized!.accuracy - rows.fp32!.accuracy) <= 1 / 300 + 1e-9, 'optimized is as accurate as fp32');
  // A sanity bound for this tiny run (a few hundred test digits, one short fine-tune): LibTorch 2.6
  // measured -8 points here where 1.13 stays within 5; the full run's table holds the real numbers.
  assert.ok(Math.abs(rows.qat_int8!.accuracyChangePoints) <= 12, `QAT int8 accuracy change ${rows.qat_int8!.accuracyChangePoints}`);
  for (const name of ['static_int8', 'qat_int8']) {
    const graph = (await torch.jit.load(rows[name]!.file.path)).inlinedGraph();
    assert.match(graph, /quantized::conv2d_relu/, `${name}: conv-bn-relu became one quantized conv_relu`);
  }
});

test('bad input: unknown variants, amounts outside [0, 1], a model without the layers a variant needs; nothing is trained or written', async () => {
  const outputDir = path.join(scratch, 'bad');
  const run = (options: Partial<torch.compress.CompressOptions>) =>
    compressModel({ model: mlp(), trainLoader, testLoader, optimizer: adam, outputDir, trainEpochs: 1, ...options });
  await assert.rejects(run({ variants: ['fp32', 'int4'] }), /variants: unknown variant 'int4' \(known: fp32, pruned, structured,/);
  await assert.rejects(run({ variants: [] }), /expected a non-empty list of variant names/);
  await assert.rejects(run({ pruneAmounts: [0.5, 1.5] }), /pruneAmounts\[1\]: a pruning amount must be a fraction in \[0, 1\], got 1\.5/);
  await assert.rejects(run({ structuredAmount: -0.1 }), /structuredAmount: a pruning amount must be a fraction in \[0, 1\], got -0\.1/);
  await assert.rejects(run({ latency: { runs: 0 } }), /latency\.runs must be an integer >= 1, got 0/);
  const noHidden = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 10));
  await assert.rejects(
    run({ model: noHidden, variants: ['structured'] }),
    (error: Error) =>
      error instanceof torch.compress.MissingLayersError &&
      /^structured: the model has no Conv2d layer or hidden Linear layer \(the classifier is never pruned structurally\)$/.test(
        error.message,
      ),
  );
  const convOnly = new nn.Sequential(new nn.Conv2d(1, 10, 28), new nn.Flatten());
  await assert.rejects(
    run({ model: convOnly, variants: ['dynamic_int8'] }),
    /dynamic_int8: the model has no Linear layer to quantize dynamically/,
  );
  await assert.rejects(
    run({ model: new nn.Sequential(new nn.Flatten()), variants: ['pruned'] }),
    /pruned: the model has no Conv2d or Linear layer to prune/,
  );
  assert.ok(!existsSync(outputDir), 'nothing was written');
});

test.run();
