// Resuming from a checkpoint: a run that stops after 2 epochs (its ModelCheckpoint keeps last.ckpt)
// and is resumed to 4 ends with exactly the weights of an uninterrupted 4-epoch run. The checkpoint
// holds the model, the optimizer's state, the LR scheduler, the epoch and step counters, callback
// state and the random generators (torch's and the DataLoader's), in Lightning's layout.
//   node examples/resume.mjs
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from 'nodetorch';

const { data, nn, optim, train } = torch;
const quiet = { enableProgressBar: false, logger: false, enableCurves: false };

/** The same model, optimizer and schedule every time (seeded). */
function makeModule() {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 64), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(64, 10));
  return new train.SupervisedModule(model, {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.Adam(params, { lr: 0.002 }),
    lrScheduler: (optimizer) => new optim.lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.7 }),
  });
}
const digits = new data.Subset(new data.EmbeddedMNIST({ train: true }), new data.Generator(0).randperm(7996).slice(0, 2000));
const loader = () => new data.DataLoader(digits, { batchSize: 64, shuffle: true, seed: 1 });
const flat = (module) => Object.values(module.stateDict()).flatMap((tensor) => Array.from(tensor.toTypedArray()));

const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-resume-'));
const first = makeModule();
const checkpoint = new train.callbacks.ModelCheckpoint({ dirpath: dir, saveLast: true, saveTopK: 0 });
await new train.Trainer({ maxEpochs: 2, seed: 7, callbacks: [checkpoint], ...quiet }).fit(first, loader());
console.log(`stopped after 2 epochs; checkpoint ${path.join(dir, 'last.ckpt')}`);

const resumed = makeModule();
const trainer = new train.Trainer({ maxEpochs: 4, seed: 7, ...quiet });
await trainer.fit(resumed, loader(), null, { ckptPath: path.join(dir, 'last.ckpt') });
console.log(`resumed to epoch ${trainer.currentEpoch}, step ${trainer.globalStep}`);

const straight = makeModule();
await new train.Trainer({ maxEpochs: 4, seed: 7, ...quiet }).fit(straight, loader());
const a = flat(resumed);
const b = flat(straight);
const identical = a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
console.log(`resumed weights equal the uninterrupted run's bit for bit: ${identical}`);
if (!identical) process.exitCode = 1;
