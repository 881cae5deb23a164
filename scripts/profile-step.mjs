#!/usr/bin/env node
// Profiles training steps of the bench models with torch.profiler and prints PyTorch's table:
// how docs/performance.md finds where a step's time goes.
//   node scripts/profile-step.mjs [--model cnn|mlp|lstm|tiny] [--batch 64] [--layout nchw|channels_last] [--threads 1] [--steps 20]
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';
import { buildModel, buildOptimizer, sampleShapes } from '../bench/peers/nodetorch-models.mjs';

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
const { nn, profiler } = torch;
torch.setNumThreads(Number(opts.threads));
torch.manualSeed(0);
const batch = Number(opts.batch);
const model = buildModel(opts.model);
if (opts.layout === 'channels_last') model.to({ memoryFormat: 'channels_last' });
const inputs = torch.randn([batch, ...sampleShapes[opts.model]]);
const targets = torch.randint(0, 10, [batch]);
const optimizer = buildOptimizer('sgd', [...model.parameters()]);
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
