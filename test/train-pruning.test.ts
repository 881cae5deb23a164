// Iterative pruning with the Trainer: torch.train.callbacks.ModelPruning (Lightning's options)
// with Zhu & Gupta's gradual schedule, fine-tuning between the steps, permanent at the end; the
// checkpoints it writes, local and structured pruning, verbose logs, and its configuration errors.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';

const { Trainer, SupervisedModule, callbacks } = torch.train;
const { ModelPruning, Callback } = callbacks;
const { nn, optim, data } = torch;
const { prune } = nn.utils;
const quiet = { enableProgressBar: false, logger: false as const, enableCheckpointing: false, enableCurves: false };

function loaders() {
  const make = (n: number, seed: number) => {
    torch.manualSeed(seed);
    const labels = torch.randint(0, 3, [n]);
    return new data.TensorDataset(torch.randn([n, 6]).mul(0.5).add(labels.unsqueeze(1).float()), labels);
  };
  return [
    new data.DataLoader(make(240, 1), { batchSize: 16, shuffle: true, seed: 2 }),
    new data.DataLoader(make(90, 3), { batchSize: 30 }),
  ] as const;
}

function supervised(): InstanceType<typeof SupervisedModule> {
  torch.manualSeed(4);
  const model = new nn.Sequential(new nn.Linear(6, 24), new nn.ReLU(), new nn.Linear(24, 3));
  return new SupervisedModule(model, {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.Adam(params, { lr: 0.02 }),
    metrics: { acc: new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 3 }) },
  });
}

const supervisedModel = (module: InstanceType<typeof SupervisedModule>) => module.model as torch.nn.Sequential;
const weightsOf = (module: InstanceType<typeof SupervisedModule>) => prune.sparsityReport(module.model, { parameterNames: ['weight'] });

/** Records the weights' zeros at each epoch end (after ModelPruning, which runs before it). */
class Recorder extends Callback {
  zeros: number[] = [];
  pruned: boolean[] = [];
  onTrainEpochEnd(_trainer: InstanceType<typeof Trainer>, module: InstanceType<typeof SupervisedModule>): void {
    this.zeros.push(weightsOf(module).global.zeros);
    this.pruned.push(prune.isPruned(module));
  }
}

test('ModelPruning with gradualSchedule reaches 50% of the weights, training between the steps, and makes it permanent at the end', async () => {
  const module = supervised();
  const recorder = new Recorder();
  const schedule = prune.gradualSchedule({ finalSparsity: 0.5, startEpoch: 0, endEpoch: 2 });
  const pruning = new ModelPruning({ pruningFn: 'l1_unstructured', parameterNames: ['weight'], amount: schedule });
  const trainer = new Trainer({ ...quiet, maxEpochs: 4, seed: 5, callbacks: [pruning, recorder] });
  const [train, val] = loaders();
  await trainer.fit(module, train, val);
  assert.equal(trainer.usesNativeLoop, false, 'the JS loop (pruned layers run their hooks in JS)');
  const total = 6 * 24 + 24 * 3;
  // Epoch 0: s = 0 (nothing); 1: 0.4375 -> round(94.5) = 94; 2: 0.5 -> 14 more of the 122 left.
  assert.deepEqual(recorder.zeros, [0, 94, 108, 108]);
  assert.deepEqual(recorder.pruned, [false, true, true, true]);
  assert.deepEqual(
    pruning.parametersToPrune.map(([m, name]) => [m.constructor.name, name]),
    [
      ['Linear', 'weight'],
      ['Linear', 'weight'],
    ],
  );
  const final = weightsOf(module);
  assert.equal(final.global.total, total);
  assert.equal(final.global.zeros, total / 2, 'exactly 50% of the weights are zero');
  assert.ok(!prune.isPruned(module), 'permanent: no masks, no hooks');
  assert.deepEqual(
    Object.keys(module.stateDict()),
    ['model.0.bias', 'model.0.weight', 'model.2.bias', 'model.2.weight'],
    "PyTorch's order after remove",
  );
  assert.ok(supervisedModel(module).runsNatively, 'back to built-in layers the native plan runs');
  const [metrics] = await trainer.validate(module, val);
  assert.ok(metrics!['val/acc']! > 0.8, `fine-tuned between the steps: val/acc ${metrics!['val/acc']}`);
});

test('ModelPruning refuses the native loop by name; with the default it runs the JS loop', async () => {
  const [train] = loaders();
  const pruning = () => new ModelPruning({ pruningFn: 'random_unstructured', amount: 0.2 });
  await assert.rejects(
    new Trainer({ ...quiet, maxEpochs: 1, nativeLoop: true, callbacks: [pruning()] }).fit(supervised(), train),
    /Trainer: nativeLoop is true, but callback ModelPruning prunes the model during the fit/,
  );
  const without = new Trainer({ ...quiet, maxEpochs: 1 });
  await without.fit(supervised(), train);
  assert.equal(without.usesNativeLoop, true, 'the same fit without it runs natively');
});

test('a model pruned before fit trains on the default (JS) path with its masks; nativeLoop: true says why it cannot', async () => {
  const [train] = loaders();
  const module = supervised();
  prune.l1Unstructured(supervisedModel(module).at(0), 'weight', { amount: 0.5 });
  await assert.rejects(
    new Trainer({ ...quiet, maxEpochs: 1, nativeLoop: true }).fit(module, train),
    /nativeLoop is true, but the Sequential has a layer without a native step \(custom, or with hooks\)/,
  );
  const before = weightsOf(module).rows[0]!;
  const trainer = new Trainer({ ...quiet, maxEpochs: 2 });
  await trainer.fit(module, train);
  assert.equal(trainer.usesNativeLoop, false);
  const after = weightsOf(module).rows[0]!;
  assert.deepEqual([after.zeros, after.pruned], [72, true], 'the pruned half stayed zero while the rest trained');
  assert.equal(before.zeros, 72);
});

test('checkpoints hold the masked weights under their own names while the fit keeps its masks; makePruningPermanent: false keeps them after', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-model-pruning-'));
  class Save extends Callback {
    async onTrainEpochEnd(trainer: InstanceType<typeof Trainer>, module: InstanceType<typeof SupervisedModule>): Promise<void> {
      await trainer.saveCheckpoint(path.join(dir, `epoch${trainer.currentEpoch}.ckpt`), module);
    }
  }
  const module = supervised();
  const [train] = loaders();
  await new Trainer({
    ...quiet,
    maxEpochs: 2,
    callbacks: [new ModelPruning({ pruningFn: 'l1_unstructured', amount: 0.3 }), new Save()],
  }).fit(module, train);
  const checkpoint = await torch.load<{ state_dict: Record<string, torch.Tensor> }>(path.join(dir, 'epoch0.ckpt'));
  const state = checkpoint.state_dict;
  assert.deepEqual(Object.keys(state), ['model.0.weight', 'model.0.bias', 'model.2.weight', 'model.2.bias'], 'each where its _orig was');
  const zeros = Object.values(state).reduce((sum, t) => sum + t.numel() - Number(t.countNonzero().item()), 0);
  assert.equal(zeros, Math.round(0.3 * (144 + 24 + 72 + 3)), 'global over weights and biases (Lightning default)');

  const kept = supervised();
  await new Trainer({
    ...quiet,
    maxEpochs: 2,
    callbacks: [new ModelPruning({ pruningFn: 'l1_unstructured', amount: 0.3, makePruningPermanent: false })],
  }).fit(kept, train);
  assert.ok(prune.isPruned(kept));
  assert.ok(Object.keys(kept.stateDict()).includes('model.0.weight_mask'));
});

test('local pruning: a structured name with pruningDim/pruningNorm, a function, applyPruning by epoch, verbose lines, pruning at validation end', async () => {
  const [train, val] = loaders();
  const lines: string[] = [];
  const structured = supervised();
  await new Trainer({
    ...quiet,
    maxEpochs: 3,
    callbacks: [
      new ModelPruning({
        pruningFn: 'ln_structured',
        useGlobalUnstructured: false,
        pruningDim: 0,
        pruningNorm: 2,
        parameterNames: ['weight'],
        amount: 1,
        applyPruning: (epoch) => epoch !== 1,
        verbose: 2,
        log: (line) => lines.push(line),
      }),
    ],
  }).fit(structured, train);
  const rows = weightsOf(structured).rows.map((row) => [row.name, row.zeros]);
  assert.deepEqual(
    rows,
    [
      ['0', 2 * 6],
      ['2', 2 * 24],
    ],
    'one output channel per layer at epochs 0 and 2',
  );
  assert.equal(lines.length, 6);
  assert.match(lines[0]!, /^Applied `ln_structured`\. Pruned: 0\/216 \(0\.00%\) -> 30\/216 \(13\.89%\)$/);
  assert.match(lines[1]!, /^Applied `ln_structured` to `model\.0\.weight` with amount=1\. Pruned: 0 \(0\.00%\) -> 6 \(4\.17%\)$/);

  const calls: string[] = [];
  const custom = supervised();
  const trainer = new Trainer({
    ...quiet,
    maxEpochs: 2,
    callbacks: [
      new ModelPruning({
        pruningFn: (module, name, options) => {
          calls.push(`${module.constructor.name}.${name}:${JSON.stringify(options.amount)}`);
          prune.randomUnstructured(module, name, options);
        },
        useGlobalUnstructured: false,
        parametersToPrune: [[supervisedModel(custom).at(2), 'bias']],
        amount: (epoch) => epoch + 1,
        pruneOnTrainEpochEnd: false,
      }),
    ],
  });
  await trainer.fit(custom, train, val);
  assert.deepEqual(calls, ['Linear.bias:1', 'Linear.bias:2'], 'once per validation epoch, amount by epoch');
  assert.equal(
    Array.from((supervisedModel(custom).at(2) as torch.nn.Linear).bias!.toTypedArray(), Number).filter((v) => v === 0).length,
    3,
  );
});

test('ModelPruning options are checked at construction and setup, with Lightning-style messages', async () => {
  const make = (options: object) => () => new ModelPruning(options as never);
  assert.throws(
    make({ pruningFn: 'l2_unstructured' }),
    /pruningFn 'l2_unstructured' is not one of 'l1_unstructured', 'random_unstructured', 'ln_structured', 'random_structured'/,
  );
  assert.throws(
    make({ pruningFn: 'ln_structured' }),
    /only unstructured pruning can be global; 'ln_structured' needs useGlobalUnstructured: false/,
  );
  assert.throws(
    make({ pruningFn: 'ln_structured', useGlobalUnstructured: false }),
    /structured pruning \('ln_structured'\) needs pruningDim/,
  );
  assert.throws(make({ pruningFn: 'ln_structured', useGlobalUnstructured: false, pruningDim: 0 }), /'ln_structured' needs pruningNorm/);
  assert.throws(
    make({ pruningFn: prune.L1Unstructured, useGlobalUnstructured: false }),
    /a BasePruningMethod class is only supported with useGlobalUnstructured: true/,
  );
  assert.throws(make({ pruningFn: () => undefined }), /a pruning function prunes one tensor at a time/);
  assert.throws(make({ pruningFn: 42 }), /pruningFn must be one of .* got 42/);
  assert.throws(
    make({ pruningFn: 'l1_unstructured', amount: 1.5 }),
    /ModelPruning: amount=1.5 should either be a float in the range \[0, 1\]/,
  );
  assert.throws(make({ pruningFn: 'l1_unstructured', verbose: 3 }), /verbose must be 0, 1 or 2, got 3/);
  assert.throws(
    make({ pruningFn: 'l1_unstructured', parameterNames: ['scale'] }),
    /parameterNames must be 'weight' and\/or 'bias', got 'scale'/,
  );
  const stranger = new nn.Linear(2, 2);
  const module = supervised();
  const [train] = loaders();
  await assert.rejects(
    new Trainer({
      ...quiet,
      maxEpochs: 1,
      callbacks: [
        new ModelPruning({
          pruningFn: 'l1_unstructured',
          parametersToPrune: [
            [stranger, 'weight'],
            [supervisedModel(module).at(0), 'scale'],
          ],
        }),
      ],
    }).fit(module, train),
    /some parametersToPrune do not exist in the model: \[0\] a Linear that is not part of the model; \[1\] 'model\.0' \(Linear\) has no parameter 'scale'/,
  );
  const tooMuch = supervised();
  await assert.rejects(
    new Trainer({
      ...quiet,
      maxEpochs: 1,
      callbacks: [new ModelPruning({ pruningFn: 'l1_unstructured', useGlobalUnstructured: false, amount: 30 })],
    }).fit(tooMuch, train),
    /ModelPruning: 'model\.0\.bias': prune\.L1Unstructured: amount=30 should be smaller than the number of parameters to prune=24/,
  );
});

test.run();
