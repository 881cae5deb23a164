#!/usr/bin/env node
// DataLoader throughput with numWorkers 0, 1 and 2 (and 1, 2 with persistentWorkers): epochs of
// EmbeddedMNIST's training split (7,996 digits, batch 64) through an image transform (random crop
// with padding, random affine, normalize), printed as a Markdown table. "startup" is the wait for the
// first batch (worker threads start and load the dataset), for the first epoch and the later ones
// (persistent workers skip it); batches/s counts the rest of the best epoch.
// torch.data is not exported from 'nodetorch' yet, so this imports the sources and needs tsx:
//   node --import tsx bench/dataloader.mjs [--epochs 2] [--batch 64] [--workers 0,1,2] [--json out.json]
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as torch from '../lib/index.ts';
import * as data from '../lib/data/index.ts';

const { values: opts } = parseArgs({
  options: {
    epochs: { type: 'string', default: '2' },
    batch: { type: 'string', default: '64' },
    workers: { type: 'string', default: '0,1,2' },
    json: { type: 'string' },
  },
});
const epochs = Number(opts.epochs);
const batchSize = Number(opts.batch);
const workerCounts = opts.workers.split(',').map(Number);

const transform = data.compose([
  data.randomCrop(28, { padding: 2 }),
  data.randomAffine({ degrees: 10, translate: [0.1, 0.1] }),
  data.normalize([0.1307], [0.3081]),
]);
const dataset = new data.EmbeddedMNIST({ transform });

/** One epoch: seconds to the first batch, then batches per second for the rest. */
async function epoch(loader) {
  const start = performance.now();
  let first = 0;
  let batches = 0;
  for await (const [images, labels] of loader) {
    if (batches === 0) first = performance.now();
    batches++;
    images.dispose();
    labels.dispose();
  }
  const end = performance.now();
  return { startup: (first - start) / 1000, rate: (batches - 1) / ((end - first) / 1000), batches };
}

const rows = [];
const configs = workerCounts.flatMap((numWorkers) =>
  numWorkers === 0
    ? [[0, false]]
    : [
        [numWorkers, false],
        [numWorkers, true],
      ],
);
for (const [numWorkers, persistentWorkers] of configs) {
  const loader = new data.DataLoader(dataset, { batchSize, shuffle: true, numWorkers, persistentWorkers, seed: 0 });
  const runs = [];
  for (let e = 0; e < epochs; e++) runs.push(await epoch(loader));
  if (persistentWorkers) await loader.close();
  const best = runs.reduce((a, b) => (b.rate > a.rate ? b : a));
  const later = runs.slice(1);
  const laterStartup = later.length ? later.reduce((sum, run) => sum + run.startup, 0) / later.length : NaN;
  rows.push({ numWorkers, persistentWorkers, batches: best.batches, startup: runs[0].startup, laterStartup, rate: best.rate });
}

const base = rows.find((row) => row.numWorkers === 0)?.rate ?? rows[0].rate;
console.log(
  `nodetorch ${torch.config().torchVersion}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), EmbeddedMNIST train, batch ${batchSize}, ${epochs} epochs\n`,
);
console.log(
  '| numWorkers | persistentWorkers | batches/epoch | startup, epoch 1 (s) | startup, later epochs (s) | batches/s | images/s | vs numWorkers 0 |',
);
console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(
    `| ${row.numWorkers} | ${row.persistentWorkers ? 'yes' : 'no'} | ${row.batches} | ${row.startup.toFixed(2)} | ${Number.isNaN(row.laterStartup) ? '-' : row.laterStartup.toFixed(2)} | ${row.rate.toFixed(1)} | ${Math.round(row.rate * batchSize)} | ${(row.rate / base).toFixed(2)}x |`,
  );
}
if (opts.json) writeFileSync(opts.json, JSON.stringify({ batchSize, epochs, rows }, null, 2));
