// nodetorch's DataLoader over EmbeddedMNIST's training split (or its first `limit` digits) through
// the MNIST training transforms: random crop with padding 2, random affine (10 degrees, 10% shift),
// normalize. Prints one JSON line: per epoch, seconds to the first batch (worker start-up) and
// milliseconds per batch over the rest.
//   node nodetorch-dataloader.mjs <numWorkers> <persistent 0|1> <epochs> <batch> <limit>
import * as torch from 'nodetorch';

const [numWorkers, persistent, epochs, batchSize, limit] = process.argv.slice(2).map(Number);
const { data } = torch;
const transform = data.compose([
  data.randomCrop(28, { padding: 2 }),
  data.randomAffine({ degrees: 10, translate: [0.1, 0.1] }),
  data.normalize([0.1307], [0.3081]),
]);
const full = new data.EmbeddedMNIST({ transform });
const dataset = limit < full.length ? new data.Subset(full, [...Array(limit).keys()]) : full;
const loader = new data.DataLoader(dataset, { batchSize, shuffle: true, numWorkers, persistentWorkers: persistent === 1, seed: 0 });

const runs = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  const start = performance.now();
  let first = 0;
  let batches = 0;
  for await (const [images, labels] of loader) {
    if (batches === 0) first = performance.now();
    batches++;
    images.dispose();
    labels.dispose();
  }
  runs.push({ startup: (first - start) / 1000, msPerBatch: (performance.now() - first) / (batches - 1), batches });
}
if (persistent === 1) await loader.close();
console.log(JSON.stringify({ epochs: runs }));
