#!/usr/bin/env node
// Profiles training steps of the bench models with torch.profiler and prints PyTorch's table:
// how docs/performance.md finds where a step's time goes.
//   node scripts/profile-step.mjs [--model cnn|mlp] [--batch 64] [--layout nchw|channels_last] [--threads 1] [--steps 20]
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';

const { values: opts } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    batch: { type: 'string', default: '64' },
    layout: { type: 'string', default: 'nchw' },
    threads: { type: 'string', default: '1' },
    steps: { type: 'string', default: '20' },
    rows: { type: 'string', default: '12' },
  },
});
const { nn, optim, profiler } = torch;
torch.setNumThreads(Number(opts.threads));
torch.manualSeed(0);
const batch = Number(opts.batch);
const cnn = opts.model === 'cnn';
const model = cnn
  ? new nn.Sequential(
      new nn.Conv2d(1, 16, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(32 * 7 * 7, 10),
    )
  : new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
if (opts.layout === 'channels_last') model.to({ memoryFormat: 'channels_last' });
const inputs = torch.randn(cnn ? [batch, 1, 28, 28] : [batch, 784]);
const targets = torch.randint(0, 10, [batch]);
const optimizer = new optim.SGD([...model.parameters()], { lr: 0.01, momentum: 0.9 });
const lossFn = new nn.CrossEntropyLoss();
const step = () =>
  torch.tidy(() => {
    optimizer.zeroGrad();
    const loss = lossFn.forward(model.forward(inputs), targets);
    loss.backward();
    optimizer.step();
  });
for (let i = 0; i < 5; i++) step();
const steps = Number(opts.steps);
const started = performance.now();
const prof = profiler.profile({ recordShapes: true }, () => {
  for (let i = 0; i < steps; i++) profiler.recordFunction('train_step', step);
});
const ms = (performance.now() - started) / steps;
console.log(`${opts.model} batch ${batch}, ${opts.layout}, ${opts.threads} thread(s): ${ms.toFixed(2)} ms per profiled step`);
console.log(prof.keyAverages().table({ sortBy: 'self_cpu_time_total', rowLimit: Number(opts.rows) }));
