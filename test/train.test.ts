// torch.train: the Trainer with SupervisedModule and LightningModule, Lightning's log semantics,
// callbacks, CSV logs, checkpoints Python reads, and resumes (after an epoch and mid-epoch) that
// give bit-identical weights.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { hasPythonTorch, testOrSkip } from './helpers.ts';
import { decode, packedDoubles, readRecords } from './tfrecord-reader.ts';

const { Trainer, SupervisedModule, LightningModule, callbacks, loggers } = torch.train;
const { nn, optim, data } = torch;
const scratch = () => mkdtempSync(path.join(tmpdir(), 'nodetorch-train-'));

// A small classification task: 3 Gaussian blobs in 4-D.
function blobs(n: number, seed: number): torch.data.TensorDataset {
  torch.manualSeed(seed);
  const labels = torch.randint(0, 3, [n]);
  const centers = torch.tensor([
    [2, 0, 0, 0],
    [0, 2, 0, 0],
    [0, 0, 2, 0],
  ]);
  const x = torch
    .randn([n, 4])
    .mul(0.5)
    .add(torch.ops.aten.index_select(centers, 0, labels));
  return new data.TensorDataset(x, labels);
}

function supervised(dropout = 0): InstanceType<typeof SupervisedModule> {
  torch.manualSeed(42); // the same initial weights every time
  const layers: torch.nn.Module[] = [new nn.Linear(4, 16), new nn.ReLU()];
  if (dropout) layers.push(new nn.Dropout(dropout));
  layers.push(new nn.Linear(16, 3));
  return new SupervisedModule(new nn.Sequential(...layers), {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.Adam(params, { lr: 0.02 }),
    lrScheduler: (optimizer) => new optim.lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.9 }),
    metrics: { acc: new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 3 }) },
  });
}

const weights = (module: torch.nn.Module) =>
  Object.entries(module.stateDict()).map(([k, v]) => [k, Array.from(v.toTypedArray() as Float32Array)]);
const quiet = { enableProgressBar: false, logger: false as const, enableCurves: false };

test('SupervisedModule: fit learns the blobs; validate and test return the epoch metrics', async () => {
  const train = new data.DataLoader(blobs(240, 1), { batchSize: 32, shuffle: true, seed: 3 });
  const val = new data.DataLoader(blobs(90, 2), { batchSize: 30 });
  const module = supervised();
  const trainer = new Trainer({ maxEpochs: 4, seed: 0, defaultRootDir: scratch(), ...quiet });
  await trainer.fit(module, train, val);
  assert.equal(trainer.currentEpoch, 4);
  assert.equal(trainer.globalStep, 4 * 8);
  const [metrics] = await trainer.validate(module, val);
  assert.ok(metrics!['val/acc']! > 0.9, `accuracy ${metrics!['val/acc']}`);
  assert.ok(metrics!['val/loss']! < 0.5);
  const [tested] = await trainer.test(module, val);
  assert.equal(tested!['test/acc'], metrics!['val/acc']);
  assert.ok(trainer.callbackMetrics.has('train/loss_epoch') && trainer.callbackMetrics.has('train/loss_step'));
  const predictions = (await trainer.predict(module, val)) as torch.Tensor[];
  assert.equal(predictions.length, 3);
  assert.deepEqual(predictions[0]!.shape, [30, 3]);
  // The StepLR stepped once per epoch.
  assert.ok(Math.abs(trainer.optimizers[0]!.paramGroups[0]!.lr - 0.02 * 0.9 ** 4) < 1e-12);
});

test('log: training steps log per step, validation per epoch as the batch-size weighted mean', async () => {
  const seen: number[][] = [];
  class Probe extends LightningModule {
    layer = this.registerModule('layer', new nn.Linear(1, 1));
    trainingStep(batch: unknown) {
      const [x] = batch as torch.Tensor[];
      const loss = this.layer.forward(x!).sum();
      this.log('size', x!.shape[0]!, { onEpoch: true });
      return loss;
    }
    override validationStep(batch: unknown) {
      const [x] = batch as torch.Tensor[];
      seen.push([x!.shape[0]!, x!.sum().item()]);
      this.log('value', x!.sum().item());
    }
    configureOptimizers() {
      return new optim.SGD([...this.parameters()], { lr: 0 });
    }
  }
  const dataset = new data.TensorDataset(torch.arange(10, { dtype: 'float32' }).reshape(10, 1));
  const loader = new data.DataLoader(dataset, { batchSize: 4 }); // batches of 4, 4, 2
  const trainer = new Trainer({ maxEpochs: 1, ...quiet });
  await trainer.fit(new Probe(), loader, loader);
  const expected = seen.reduce((sum, [n, value]) => sum + n! * value!, 0) / 10;
  assert.equal(trainer.callbackMetrics.get('value'), expected);
  assert.equal(trainer.callbackMetrics.get('size_epoch'), (4 * 4 + 4 * 4 + 2 * 2) / 10);
  assert.equal(trainer.callbackMetrics.get('size_step'), 2);
});

test('log: outside a step, or onStep in an epoch hook, is a clear error', async () => {
  class Bad extends LightningModule {
    layer = this.registerModule('layer', new nn.Linear(1, 1));
    trainingStep(batch: unknown) {
      return this.layer.forward((batch as torch.Tensor[])[0]!).sum();
    }
    onTrainEpochEnd() {
      this.log('x', 1, { onStep: true });
    }
    configureOptimizers() {
      return new optim.SGD([...this.parameters()], { lr: 0.1 });
    }
  }
  const loader = new data.DataLoader(new data.TensorDataset(torch.ones([2, 1])), { batchSize: 2 });
  await assert.rejects(
    new Trainer({ maxEpochs: 1, ...quiet }).fit(new Bad(), loader),
    /log\('x', \{ onStep: true \}\): onTrainEpochEnd has no step/,
  );
  assert.throws(() => new Bad().log('x', 1), /not attached to a Trainer/);
});

test('the same seed gives bit-identical weights (dropout and shuffling included)', async () => {
  const run = async () => {
    const module = supervised(0.2);
    await new Trainer({ maxEpochs: 2, seed: 7, ...quiet }).fit(
      module,
      new data.DataLoader(blobs(96, 1), { batchSize: 16, shuffle: true, seed: 5 }),
    );
    return weights(module);
  };
  assert.deepEqual(await run(), await run());
});

async function uninterrupted(epochs: number) {
  const module = supervised(0.2);
  await new Trainer({ maxEpochs: epochs, seed: 11, ...quiet }).fit(
    module,
    new data.DataLoader(blobs(96, 1), { batchSize: 16, shuffle: true, seed: 5 }),
    null,
  );
  return weights(module);
}

test('resume after an epoch: weights equal the uninterrupted run bit for bit', async () => {
  const dir = scratch();
  const first = supervised(0.2);
  const checkpoint = new callbacks.ModelCheckpoint({ dirpath: dir, saveLast: true, saveTopK: 0 });
  const loader = () => new data.DataLoader(blobs(96, 1), { batchSize: 16, shuffle: true, seed: 5 });
  await new Trainer({ maxEpochs: 2, seed: 11, callbacks: [checkpoint], ...quiet }).fit(first, loader());
  assert.ok(existsSync(path.join(dir, 'last.ckpt')));
  const resumed = supervised(0.2);
  const trainer = new Trainer({ maxEpochs: 4, seed: 11, ...quiet });
  await trainer.fit(resumed, loader(), null, { ckptPath: path.join(dir, 'last.ckpt') });
  assert.equal(trainer.currentEpoch, 4);
  assert.deepEqual(weights(resumed), await uninterrupted(4));
});

test('resume mid-epoch (an interrupt saves interrupted.ckpt): weights equal the uninterrupted run', async () => {
  const dir = scratch();
  class Interrupt extends callbacks.Callback {
    onTrainBatchEnd(trainer: InstanceType<typeof Trainer>, _module: unknown, _output: unknown, _batch: unknown, batchIdx: number) {
      if (trainer.currentEpoch === 1 && batchIdx === 2) trainer.requestStop('SIGINT');
    }
  }
  const loader = () => new data.DataLoader(blobs(96, 1), { batchSize: 16, shuffle: true, seed: 5 });
  const first = new Trainer({ maxEpochs: 3, seed: 11, defaultRootDir: dir, callbacks: [new Interrupt()], ...quiet });
  await first.fit(supervised(0.2), loader());
  const file = path.join(dir, 'checkpoints', 'interrupted.ckpt');
  assert.ok(existsSync(file));
  assert.equal(first.globalStep, 6 + 3);
  const resumed = supervised(0.2);
  await new Trainer({ maxEpochs: 3, seed: 11, ...quiet }).fit(resumed, loader(), null, { ckptPath: file });
  assert.deepEqual(weights(resumed), await uninterrupted(3));
});

test('resume mid-epoch restores the torch.metrics objects logged in training (their states travel in the checkpoint)', async () => {
  class Tracked extends LightningModule {
    readonly net = this.registerModule('net', new nn.Linear(4, 3));
    readonly trainAccuracy = new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 3 });
    trainingStep([x, y]: torch.Tensor[]): torch.Tensor {
      const logits = this.net.forward(x!);
      this.trainAccuracy.update(logits, y!);
      this.log('train/acc', this.trainAccuracy, { onStep: false, onEpoch: true });
      return nn.functional.crossEntropy(logits, y!);
    }
    configureOptimizers(): torch.optim.Optimizer {
      return new optim.SGD(this.parameters(), { lr: 0.05 });
    }
  }
  class Interrupt extends callbacks.Callback {
    onTrainBatchEnd(trainer: InstanceType<typeof Trainer>, _module: unknown, _output: unknown, _batch: unknown, batchIdx: number) {
      if (trainer.currentEpoch === 1 && batchIdx === 3) trainer.requestStop('SIGINT');
    }
  }
  const loader = () => new data.DataLoader(blobs(96, 1), { batchSize: 16, shuffle: true, seed: 5 });
  const make = () => (torch.manualSeed(1), new Tracked());
  const straight = new Trainer({ maxEpochs: 2, seed: 2, ...quiet });
  await straight.fit(make(), loader());
  const dir = scratch();
  await new Trainer({ maxEpochs: 2, seed: 2, defaultRootDir: dir, callbacks: [new Interrupt()], ...quiet }).fit(make(), loader());
  const saved = await torch.load<{ loops: { fit_loop: { metrics: Record<string, { updates: number }> } } }>(
    path.join(dir, 'checkpoints', 'interrupted.ckpt'),
  );
  assert.equal(saved.loops.fit_loop.metrics.trainAccuracy!.updates, 4, 'four batches of epoch 1 were folded in');
  const resumed = new Trainer({ maxEpochs: 2, seed: 2, ...quiet });
  await resumed.fit(make(), loader(), null, { ckptPath: path.join(dir, 'checkpoints', 'interrupted.ckpt') });
  assert.equal(resumed.callbackMetrics.get('train/acc'), straight.callbackMetrics.get('train/acc'));
});

testOrSkip(
  test,
  "checkpoints have Lightning's keys and load in Python; the state dict fits the torch.nn model",
  hasPythonTorch ? false : 'python3-torch is not installed',
  async () => {
    const dir = scratch();
    const module = supervised();
    module.saveHyperparameters({ lr: 0.02, hidden: 16 });
    const trainer = new Trainer({
      maxEpochs: 1,
      callbacks: [new callbacks.ModelCheckpoint({ dirpath: dir, filename: 'model-{epoch}' })],
      ...quiet,
    });
    await trainer.fit(module, new data.DataLoader(blobs(32, 1), { batchSize: 16 }));
    const file = path.join(dir, 'model-0.ckpt');
    const script = [
      'import sys, json, torch',
      'c = torch.load(sys.argv[1])',
      'm = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))',
      "m.load_state_dict({k[len('model.'):]: v for k, v in c['state_dict'].items()})",
      'out = m(torch.ones(1, 4)).tolist()',
      "print(json.dumps({'keys': sorted(c.keys()), 'epoch': c['epoch'], 'step': c['global_step'], 'hp': c['hyper_parameters'], 'out': out, 'opt': len(c['optimizer_states'])}))",
    ].join('\n');
    const seen = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, unknown>;
    for (const key of ['callbacks', 'epoch', 'global_step', 'hyper_parameters', 'loops', 'lr_schedulers', 'optimizer_states', 'state_dict'])
      assert.ok((seen.keys as string[]).includes(key), key);
    assert.equal(seen.epoch, 0);
    assert.equal(seen.step, 2);
    assert.deepEqual(seen.hp, { lr: 0.02, hidden: 16 });
    assert.equal(seen.opt, 1);
    const ours = torch.noGrad(() => module.forward(torch.ones([1, 4])).toArray());
    (seen.out as number[][])[0]!.forEach((v, i) => assert.ok(Math.abs(v - (ours as number[][])[0]![i]!) < 1e-6));
  },
);

test('ModelCheckpoint keeps the top k by the monitor; EarlyStopping stops; CSVLogger writes metrics.csv', async () => {
  const dir = scratch();
  const best = new callbacks.ModelCheckpoint({
    dirpath: path.join(dir, 'ckpt'),
    monitor: 'val/loss',
    saveTopK: 2,
    filename: 'e{epoch}-{val/loss:.4f}',
  });
  const stop = new callbacks.EarlyStopping({ monitor: 'val/acc', mode: 'max', stoppingThreshold: 0.5 });
  const logger = new loggers.CSVLogger(dir, { name: 'run' });
  const trainer = new Trainer({ maxEpochs: 20, seed: 1, callbacks: [best, stop], logger, enableProgressBar: false, logEveryNSteps: 1 });
  const val = new data.DataLoader(blobs(60, 2), { batchSize: 30 });
  await trainer.fit(supervised(), new data.DataLoader(blobs(240, 1), { batchSize: 32 }), val);
  assert.ok(trainer.currentEpoch < 20, 'stopped early');
  assert.equal(stop.stoppedEpoch, trainer.currentEpoch - 1);
  assert.match(best.bestModelPath, /e\d+-\d\.\d{4}\.ckpt$/);
  assert.ok(existsSync(best.bestModelPath));
  const csv = readFileSync(path.join(dir, 'run', 'version_0', 'metrics.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.deepEqual(csv[0]!.split(','), ['epoch', 'train/loss_epoch', 'train/loss_step', 'val/acc', 'val/loss', 'step']);
  assert.ok(csv.length > 3);
  assert.ok(existsSync(path.join(dir, 'run', 'version_0', 'hparams.yaml')));
  assert.equal(new loggers.CSVLogger(dir, { name: 'run' }).version, 1);
});

test('a monitor that was never logged is an error listing the logged keys', async () => {
  const trainer = new Trainer({ maxEpochs: 1, callbacks: [new callbacks.EarlyStopping({ monitor: 'val_loss' })], ...quiet });
  await assert.rejects(
    trainer.fit(supervised(), new data.DataLoader(blobs(32, 1), { batchSize: 16 })),
    /EarlyStopping: monitor 'val_loss' was never logged; logged keys: .*train\/loss_step/,
  );
});

test('bad input: options, losses, checkpoints', async () => {
  assert.throws(() => new Trainer({ maxEpoch: 3 } as never), /unknown option 'maxEpoch'/);
  assert.throws(() => new Trainer({ precision: 'fp8' as never }), /unknown precision 'fp8'/);
  assert.throws(() => new Trainer({ device: 'tpu' }), /unknown device 'tpu'/);
  assert.throws(() => new Trainer({ accumulateGradBatches: 0 }), /accumulateGradBatches/);
  class NoScalar extends LightningModule {
    layer = this.registerModule('layer', new nn.Linear(4, 3));
    trainingStep(batch: unknown) {
      return this.layer.forward((batch as torch.Tensor[])[0]!);
    }
    configureOptimizers() {
      return new optim.SGD([...this.parameters()], { lr: 0.1 });
    }
  }
  const loader = new data.DataLoader(blobs(32, 1), { batchSize: 16 });
  await assert.rejects(
    new Trainer({ maxEpochs: 1, ...quiet }).fit(new NoScalar(), loader),
    /Trainer\.fit: epoch 0, batch 0: trainingStep must return a scalar loss, got a tensor of shape \[16,3\]/,
  );
  await assert.rejects(
    new Trainer({ maxEpochs: 1, ...quiet }).fit(supervised(), loader, null, { ckptPath: '/nonexistent.ckpt' }),
    /does not exist/,
  );
  const dir = scratch();
  await new Trainer({
    maxEpochs: 1,
    callbacks: [new callbacks.ModelCheckpoint({ dirpath: dir, saveLast: true, saveTopK: 0 })],
    ...quiet,
  }).fit(supervised(), loader);
  const other = new SupervisedModule(new nn.Sequential(new nn.Linear(4, 3)), {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (p) => new optim.SGD(p, { lr: 0.1 }),
  });
  await assert.rejects(
    new Trainer({ maxEpochs: 2, ...quiet }).fit(other, loader, null, { ckptPath: path.join(dir, 'last.ckpt') }),
    /from another model: .*unexpected keys model\.2\.weight/,
  );
  assert.throws(
    () => new SupervisedModule(new nn.Linear(1, 1), { loss: 3 as never, optimizer: (p) => new optim.SGD(p, { lr: 1 }) }),
    /loss must be a loss module or a function/,
  );
});

test('fit stepping from JS leaves the event loop free: a 10 ms timer keeps ticking', async () => {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 10);
  const trainer = new Trainer({ maxEpochs: 3, nativeLoop: false, ...quiet });
  await trainer.fit(supervised(), new data.DataLoader(blobs(512, 1), { batchSize: 8 }));
  clearInterval(timer);
  assert.equal(trainer.usesNativeLoop, false);
  assert.ok(worst < 50, `the longest gap between ticks was ${worst.toFixed(1)} ms`);
});

test('LearningRateMonitor logs lr per epoch; Timer stops the fit; durations parse', async () => {
  const monitor = new callbacks.LearningRateMonitor();
  const timer = new callbacks.Timer({ duration: 1 });
  const trainer = new Trainer({ maxEpochs: 5, callbacks: [monitor, timer], ...quiet });
  await trainer.fit(supervised(), new data.DataLoader(blobs(64, 1), { batchSize: 16 }));
  assert.ok(trainer.currentEpoch < 5, 'the timer stopped the fit');
  assert.match(trainer.fitState.stopReason ?? '', /Timer: the duration of 1 ms has passed/);
  assert.equal(trainer.callbackMetrics.get('lr-Adam'), 0.02 * 0.9 ** (trainer.currentEpoch - 1)); // logged when the last epoch began
  assert.ok(timer.elapsedMs > 0);
  assert.ok((timer.stateDict().time_elapsed as { train: number }).train > 0);
  assert.equal(callbacks.durationMs('00:01:02:03'), ((1 * 60 + 2) * 60 + 3) * 1000);
  assert.throws(() => callbacks.durationMs('1h'), /DD:HH:MM:SS/);
  assert.throws(() => new callbacks.LearningRateMonitor({ loggingInterval: 'batch' as never }), /loggingInterval/);
});

test('RNG state: getRngState/setRngState replay LibTorch draws; Generator.getState/setState replay its stream', () => {
  torch.manualSeed(5);
  const state = torch.getRngState();
  const a = torch.randn([4]).toArray();
  torch.setRngState(state);
  assert.deepEqual(torch.randn([4]).toArray(), a);
  assert.throws(() => torch.setRngState(torch.zeros([3])), /expected a 1-D uint8 tensor/);
  assert.throws(() => torch.setRngState(torch.zeros([3], { dtype: 'uint8' })), /TorchError|size|state/i);
  const generator = new data.Generator(9);
  generator.randperm(10);
  const snapshot = generator.getState();
  const next = generator.randperm(10);
  assert.deepEqual(new data.Generator().setState(JSON.parse(JSON.stringify(snapshot)) as torch.data.GeneratorState).randperm(10), next);
  assert.throws(() => generator.setState({ seed: '1', index: 0, state: [1, 2] }), /snapshot from getState/);
  torch.useDeterministicAlgorithms(true);
  assert.equal(torch.areDeterministicAlgorithmsEnabled(), true);
  torch.useDeterministicAlgorithms(false);
  assert.equal(torch.areDeterministicAlgorithmsEnabled(), false);
});

test('SIGINT during fit stops after the step, saves interrupted.ckpt, finalizes the loggers as interrupted and returns', async () => {
  const dir = scratch();
  const script = new URL('./fixtures/train/sigint-fit.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('started') && !child.killed) child.kill('SIGINT');
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, err);
  assert.match(out, /stopped: SIGINT at epoch \d+ step \d+/);
  assert.ok(existsSync(path.join(dir, 'run', 'version_0', 'checkpoints', 'interrupted.ckpt')));
  const lines = readFileSync(path.join(dir, 'run', 'version_0', 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n');
  assert.deepEqual(JSON.parse(lines.at(-1)!), { status: 'interrupted' });
});

test('the progress bar prints one plain line per epoch when not on a terminal', async () => {
  const written: string[] = [];
  const table: string[] = [];
  const bar = new callbacks.ProgressBar({
    stream: { write: (text: string) => written.push(text) },
    summary: { write: (text: string) => table.push(text) },
  });
  assert.equal(bar.live, false);
  await new Trainer({ maxEpochs: 2, callbacks: [bar], logger: false, enableCurves: false }).fit(
    supervised(),
    new data.DataLoader(blobs(32, 1), { batchSize: 16 }),
  );
  assert.equal(written.length, 2);
  assert.match(written[1]!, /^Epoch 1: 2 batches in [\d.]+ s \([\d.]+ it\/s\) train\/loss_step=[\d.]+ train\/loss_epoch=[\d.]+\n$/);
  const rows = table.join('').trim().split('\n');
  assert.equal(rows.length, 4); // header, rule, 2 epochs
  assert.deepEqual(rows[0]!.trim().split(/\s+/), ['epoch', 'train/loss_epoch', 'train/loss']);
  assert.match(rows[3]!, /^\s*1\s+\d\.\d{5}\s+\d\.\d{5}$/);
  // enableProgressBar adds one unless told not to.
  assert.ok(new Trainer().callbacks.some((callback) => callback instanceof callbacks.ProgressBar));
  assert.ok(!new Trainer({ enableProgressBar: false }).callbacks.some((callback) => callback instanceof callbacks.ProgressBar));
});

test('TensorBoardLogger: event files with valid TFRecord CRCs hold the scalars, histograms and text', async () => {
  const dir = scratch();
  const logger = new loggers.TensorBoardLogger(dir, { name: 'tb' });
  class Histograms extends callbacks.Callback {
    onTrainEpochEnd(trainer: InstanceType<typeof Trainer>, module: torch.nn.Module) {
      for (const [name, p] of module.namedParameters()) logger.logHistogram(`weights/${name}`, p, trainer.globalStep);
    }
  }
  const module = supervised();
  module.saveHyperparameters({ lr: 0.02 });
  await new Trainer({ maxEpochs: 2, logger, callbacks: [new Histograms()], enableProgressBar: false, logEveryNSteps: 1 }).fit(
    module,
    new data.DataLoader(blobs(64, 1), { batchSize: 16 }),
    new data.DataLoader(blobs(32, 2), { batchSize: 16 }),
  );
  assert.match(path.basename(logger.eventFile), /^events\.out\.tfevents\.\d+\./);
  const events = readRecords(readFileSync(logger.eventFile)).map(decode);
  assert.equal(events[0]!.get(3)![0]!.toString(), 'brain.Event:2');
  const values = events
    .filter((e) => e.has(5))
    .flatMap((e) =>
      decode(e.get(5)![0] as Buffer)
        .get(1)!
        .map((v) => ({ step: Number(e.get(2)?.[0] ?? 0), value: decode(v as Buffer) })),
    );
  const scalars = values
    .filter(({ value }) => value.has(2))
    .map(({ step, value }) => ({ step, tag: value.get(1)![0]!.toString(), v: value.get(2)![0] as number }));
  const losses = scalars.filter((s) => s.tag === 'train/loss_step');
  assert.equal(losses.length, 8);
  assert.deepEqual(
    losses.map((s) => s.step),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  const epochLoss = scalars.filter((s) => s.tag === 'train/loss_epoch');
  assert.equal(epochLoss.length, 2);
  assert.ok(scalars.some((s) => s.tag === 'val/acc'));
  const histograms = values.filter(({ value }) => value.has(5));
  assert.equal(histograms.length, 2 * 4); // 4 parameters, 2 epochs
  const weight = histograms.find(({ value }) => value.get(1)![0]!.toString() === 'weights/model.0.weight')!.value;
  const histo = decode(weight.get(5)![0] as Buffer);
  assert.equal(histo.get(3)![0], 64); // num: 16 x 4 weights
  assert.equal(
    packedDoubles(histo.get(7)![0] as Buffer).reduce((a, b) => a + b, 0),
    64,
  );
  const text = values.find(({ value }) => value.get(1)![0]!.toString() === 'hparams')!.value;
  const tensor = decode(text.get(8)![0] as Buffer);
  assert.match(tensor.get(8)![0]!.toString(), /\| lr \| 0\.02 \|/);
  assert.ok(existsSync(path.join(dir, 'tb', 'version_0', 'hparams.yaml')));
});

test("MLflowLogger writes MLflow's file store: experiment and run meta.yaml, metrics, params, tags, status", async () => {
  const dir = path.join(scratch(), 'mlruns');
  const logger = new loggers.MLflowLogger(dir, { experimentName: 'blobs', runName: 'first' });
  const module = supervised();
  module.saveHyperparameters({ lr: 0.02, optimizer: { name: 'adam', betas: [0.9, 0.999] } });
  const checkpoint = new callbacks.ModelCheckpoint({ saveTopK: 1 });
  await new Trainer({ maxEpochs: 2, logger, callbacks: [checkpoint], enableProgressBar: false, logEveryNSteps: 2 }).fit(
    module,
    new data.DataLoader(blobs(64, 1), { batchSize: 16 }),
  );
  const yaml = await import('yaml');
  const read = (...parts: string[]) => readFileSync(path.join(dir, ...parts), 'utf8');
  assert.equal((yaml.parse(read('0', 'meta.yaml')) as { name: string }).name, 'Default');
  const experiment = yaml.parse(read(logger.experimentId, 'meta.yaml')) as Record<string, unknown>;
  assert.deepEqual([experiment.name, experiment.experiment_id, experiment.lifecycle_stage], ['blobs', logger.experimentId, 'active']);
  const run = yaml.parse(read(logger.experimentId, logger.version, 'meta.yaml')) as Record<string, unknown>;
  assert.equal(run.run_id, logger.version);
  assert.equal(run.run_name, 'first');
  assert.equal(run.status, 3); // FINISHED
  assert.ok(typeof run.end_time === 'number' && run.end_time >= (run.start_time as number));
  assert.match(String(run.artifact_uri), /^file:\/\/.*\/artifacts$/);
  const losses = read(logger.experimentId, logger.version, 'metrics', 'train', 'loss_step').trim().split('\n');
  assert.equal(losses.length, 4); // 8 steps, every 2nd
  for (const line of losses) assert.match(line, /^\d{13} -?[\d.e-]+ \d+$/);
  assert.deepEqual(
    losses.map((line) => Number(line.split(' ')[2])),
    [2, 4, 6, 8],
  );
  assert.equal(read(logger.experimentId, logger.version, 'params', 'lr'), '0.02');
  assert.equal(read(logger.experimentId, logger.version, 'params', 'optimizer', 'betas'), '[0.9,0.999]');
  assert.equal(read(logger.experimentId, logger.version, 'tags', 'mlflow.runName'), 'first');
  assert.ok(checkpoint.bestModelPath.startsWith(path.join(logger.runDir, 'artifacts', 'checkpoints')), checkpoint.bestModelPath);
  // A second run joins the same experiment.
  assert.equal(new loggers.MLflowLogger(dir, { experimentName: 'blobs' }).experimentId, logger.experimentId);
  assert.throws(() => logger.logMetrics({ 'bad:key': 1 }, 0), /invalid metric name 'bad:key'/);
});

test('accumulateGradBatches and GradientAccumulationScheduler set the batches per optimizer step', async () => {
  const loader = () => new data.DataLoader(blobs(128, 1), { batchSize: 16 }); // 8 batches
  const fixed = new Trainer({ maxEpochs: 2, accumulateGradBatches: 3, ...quiet }); // steps after batches 3, 6 and the last
  await fixed.fit(supervised(), loader());
  assert.equal(fixed.globalStep, 2 * 3);
  const scheduled = new Trainer({
    maxEpochs: 2,
    callbacks: [new callbacks.GradientAccumulationScheduler({ scheduling: { 0: 4, 1: 1 } })],
    ...quiet,
  });
  await scheduled.fit(supervised(), loader());
  assert.equal(scheduled.globalStep, 2 + 8);
  assert.throws(() => new callbacks.GradientAccumulationScheduler({ scheduling: { 0: 0 } }), /factor must be a positive integer/);
});

test.run();
