// Lightning's PyTorchProfiler on the Trainer: a few scheduled steps of a fit written as Chrome
// traces and a key-averages summary, from the JS loop and from the native epoch loop (whose ops run
// on the thread pool), and a failed fit that still ends its session.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import type { ChromeTrace } from '../lib/profiler/index.ts';

const { Trainer, SupervisedModule, LightningModule, profilers } = torch.train;
const { nn, optim, data, profiler } = torch;
const quiet = { enableProgressBar: false, logger: false as const, enableCheckpointing: false, enableCurves: false };

function setup() {
  torch.manualSeed(3);
  const inputs = torch.randn([64, 6]);
  const labels = torch.randint(0, 3, [64]);
  const loader = new data.DataLoader(new data.TensorDataset(inputs, labels), { batchSize: 8 });
  const model = new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.Linear(16, 3));
  const module = new SupervisedModule(model, {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.SGD(params, { lr: 0.1 }),
  });
  return { loader, module };
}

test('PyTorchProfiler writes traces and a summary of the scheduled steps', async () => {
  const dirpath = mkdtempSync(path.join(os.tmpdir(), 'nodetorch-train-profiler-'));
  const prof = new profilers.PyTorchProfiler({
    dirpath,
    filename: 'steps',
    schedule: profiler.schedule({ wait: 1, warmup: 1, active: 2, repeat: 1 }),
    recordShapes: true,
  });
  const { loader, module } = setup();
  const trainer = new Trainer({ ...quiet, maxEpochs: 1, profiler: prof });
  await trainer.fit(module, loader);
  assert.equal(trainer.usesNativeLoop, false, 'steps are marked from JS');
  assert.equal(prof.traces.length, 1, 'one cycle of the schedule, one trace');
  assert.match(path.basename(prof.traces[0]!), /^steps\.\d+\.pt\.trace\.json$/);
  const trace = JSON.parse(readFileSync(prof.traces[0]!, 'utf8')) as ChromeTrace;
  const names = new Set(trace.traceEvents.map((event) => event.name));
  for (const name of ['aten::addmm', 'aten::relu']) assert.ok(names.has(name), `the trace has ${name}`);
  assert.ok(
    [...names].some((name) => name.includes('Backward')),
    'backward nodes are in the trace',
  );
  const steps = trace.traceEvents.filter((event) => event.name.startsWith('ProfilerStep#')).map((event) => event.name);
  assert.deepEqual(steps, ['ProfilerStep#2', 'ProfilerStep#3']);
  const summary = readFileSync(prof.summaryPath!, 'utf8');
  assert.equal(path.basename(prof.summaryPath!), 'fit-steps.txt');
  assert.match(summary, /^FIT Profiler Report/);
  assert.match(summary, /aten::addmm/);
  assert.match(summary, /Self CPU time total/);
  const addmm = prof.profile!.keyAverages().rows.find((row) => row.key === 'aten::addmm')!;
  const jsThread = prof.profile!.events().find((event) => event.name === 'ProfilerStep#2')!.threadId;
  const opThreads = new Set(
    prof
      .profile!.events()
      .filter((event) => event.name === 'aten::addmm')
      .map((event) => event.threadId),
  );
  assert.equal(addmm.count, 2 * 2, 'two Linear layers in each of two recorded steps');
  assert.deepEqual([...opThreads], [jsThread]);
});

test('the native loop refuses PyTorchProfiler, and torch.profiler.profile records its ops on the pool', async () => {
  const { loader, module } = setup();
  const refused = new Trainer({ ...quiet, maxEpochs: 1, nativeLoop: true, profiler: 'pytorch' });
  await assert.rejects(refused.fit(module, loader), /PyTorchProfiler/);
  const fresh = setup();
  const trainer = new Trainer({ ...quiet, maxEpochs: 1, nativeLoop: true });
  const prof = await profiler.profile({}, () => trainer.fit(fresh.module, fresh.loader));
  assert.equal(trainer.usesNativeLoop, true);
  const addmm = prof.events().filter((event) => event.name === 'aten::addmm');
  assert.equal(addmm.length, 8 * 2, 'every step of the epoch, two Linear layers each');
  const jsThread = prof.chromeTrace().traceEvents.find((event) => event.ph === 'M' && event.args?.name === 'JS thread')!.tid;
  assert.ok(
    addmm.every((event) => event.threadId !== jsThread),
    'the native loop runs on the thread pool',
  );
});

test("profiler: 'pytorch' uses the defaults and writes into the trainer's folder", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nodetorch-train-profiler-default-'));
  const { loader, module } = setup();
  const trainer = new Trainer({ ...quiet, maxEpochs: 1, profiler: 'pytorch', defaultRootDir: root });
  assert.ok(trainer.profiler instanceof profilers.PyTorchProfiler);
  await trainer.fit(module, loader);
  assert.equal(trainer.profiler.traces.length, 1);
  assert.equal(path.dirname(trainer.profiler.traces[0]!), root);
  assert.ok(existsSync(path.join(root, 'fit-profile.txt')));
  assert.throws(() => new Trainer({ profiler: 'simple' as never }), /profiler/);
});

test('a fit that throws ends its profiling session', async () => {
  class Failing extends LightningModule {
    layer = new nn.Linear(6, 3);
    override trainingStep(): never {
      throw new Error('step failed');
    }
    override configureOptimizers() {
      return new optim.SGD([...this.layer.parameters()], { lr: 0.1 });
    }
  }
  const { loader } = setup();
  const trainer = new Trainer({ ...quiet, maxEpochs: 1, profiler: new profilers.PyTorchProfiler({ exportToChrome: false }) });
  await assert.rejects(trainer.fit(new Failing(), loader), /step failed/);
  const after = profiler.profile({}, () => torch.ones([2]));
  assert.ok(after.events().length > 0, 'a new session can start');
});

test.run();
