// Fine-tunes a TorchScript model made by PyTorch: examples/models/digits-cnn.pt is a CNN that
// PyTorch trained on the digits 0-4 only (examples/models/make_digits_cnn.py). Here the Trainer
// teaches it all ten digits, through the scripted module's own parameters, and the result is saved
// as TorchScript again, which Python's torch.jit.load reads.
//   node examples/finetune-torchscript.mjs
//   node examples/finetune-torchscript.mjs --epochs 1 --train 1000 --test 500    (the quick run the tests use)
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';

const { values: opts } = parseArgs({
  options: {
    epochs: { type: 'string', default: '5' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.003' },
    train: { type: 'string', default: '8000' },
    test: { type: 'string', default: '2004' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'runs' },
  },
});
const [epochs, batchSize, lr, trainCount, testCount, seed] = ['epochs', 'batch', 'lr', 'train', 'test', 'seed'].map((k) => Number(opts[k]));
const { data, nn, optim, train } = torch;
const F = nn.functional;

/**
 * A LightningModule around a ScriptModule: its parameters are what the optimizer trains, its state
 * dict is what checkpoints hold, and train()/eval() reach it (batch norm and dropout inside it).
 */
class FineTune extends train.LightningModule {
  constructor(script) {
    super();
    this.script = script;
    this.accuracy = new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 10 });
  }

  forward(images) {
    return this.script.forward(images);
  }

  train(mode = true) {
    super.train(mode);
    this.script?.train(mode);
    return this;
  }

  stateDict() {
    return Object.fromEntries(Object.entries(this.script.stateDict()).map(([name, tensor]) => [`script.${name}`, tensor]));
  }

  trainingStep([images, labels]) {
    const loss = F.crossEntropy(this.forward(images), labels);
    this.log('train/loss', loss, { progBar: true });
    return loss;
  }

  validationStep([images, labels]) {
    this.accuracy.update(this.forward(images), labels);
    this.log('val/acc', this.accuracy, { progBar: true });
  }

  testStep(batch) {
    this.validationStep(batch);
  }

  configureOptimizers() {
    return new optim.Adam([...this.script.parameters()], { lr });
  }
}

const sample = (dataset, count) =>
  new data.Subset(dataset, new data.Generator(seed).randperm(dataset.length).slice(0, Math.min(count, dataset.length)));

torch.manualSeed(seed);
const here = path.dirname(fileURLToPath(import.meta.url));
const script = await torch.jit.load(path.join(here, 'models', 'digits-cnn.pt'));
const module = new FineTune(script);
const trainSet = sample(new data.EmbeddedMNIST({ train: true }), trainCount);
const testSet = sample(new data.EmbeddedMNIST({ train: false }), testCount);
const testLoader = new data.DataLoader(testSet, { batchSize: 500 });
const trainer = new train.Trainer({ maxEpochs: epochs, seed, logger: false, enableCheckpointing: false, enableCurves: false });

const accuracy = async () => (await trainer.test(module, testLoader))[0]['val/acc'];
const before = await accuracy();
console.log(`PyTorch's model (trained on 0-4) on all ten digits: ${(before * 100).toFixed(2)}%`);
await trainer.fit(module, new data.DataLoader(trainSet, { batchSize, shuffle: true, seed }), testLoader);
const after = await accuracy();
console.log(`after fine-tuning here: ${(after * 100).toFixed(2)}% on ${testSet.length} digits`);
const folder = path.join(opts.out, 'finetune');
mkdirSync(folder, { recursive: true });
const saved = path.join(folder, 'digits-cnn-finetuned.pt');
await script.save(saved);
console.log(`saved the fine-tuned TorchScript model: ${saved} (torch.jit.load reads it in Python)`);
