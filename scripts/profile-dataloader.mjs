#!/usr/bin/env node
// Profiles the bench's MNIST DataLoader (random crop, random affine, normalize; numWorkers 0) with
// torch.profiler and prints PyTorch's table: where a batch's time goes (docs/performance.md).
//   node scripts/profile-dataloader.mjs [--batches 20] [--batch 64]
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';

const { values: opts } = parseArgs({ options: { batches: { type: 'string', default: '20' }, batch: { type: 'string', default: '64' } } });
const { data, profiler } = torch;
torch.setNumThreads(1);
const transform = data.compose([
  data.randomCrop(28, { padding: 2 }),
  data.randomAffine({ degrees: 10, translate: [0.1, 0.1] }),
  data.normalize([0.1307], [0.3081]),
]);
const loader = new data.DataLoader(new data.EmbeddedMNIST({ transform }), { batchSize: Number(opts.batch), shuffle: true, seed: 0 });
const wanted = Number(opts.batches);
const started = performance.now();
const prof = await profiler.profile({}, async () => {
  let seen = 0;
  for await (const [images, labels] of loader) {
    images.dispose();
    labels.dispose();
    if (++seen === wanted) break;
  }
});
console.log(`${((performance.now() - started) / wanted).toFixed(2)} ms per batch under the profiler`);
const table = prof.keyAverages().table({ sortBy: 'self_cpu_time_total', rowLimit: 12 });
const opTotal = prof.keyAverages().selfCpuTimeTotal / 1000;
console.log(table);
console.log(`ATen ops: ${(opTotal / wanted).toFixed(2)} ms per batch; the rest is JS (indexing, collation, transform arithmetic in JS)`);
