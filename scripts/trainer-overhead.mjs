// The Trainer's cost per step over a hand-written loop on the same model, data and optimizer (the
// bench's MLP 784-256-128-10). One process alternates the two, an epoch each per round, so that the
// shared VM's slow and fast phases hit both alike; it prints the medians and the median of the
// rounds' ratios. Set NODETORCH_NUM_THREADS (and OMP/OPENBLAS_NUM_THREADS) for the thread count.
//   node scripts/trainer-overhead.mjs [sgd|adam] [batch] [samples] [rounds]
import * as torch from 'nodetorch';
import { buildModel, buildOptimizer, handWrittenEpoch } from '../bench/peers/nodetorch-models.mjs';

const [optimizerName = 'sgd', batch = '64', samples = '8192', rounds = '9'] = process.argv.slice(2);

torch.manualSeed(0);
const model = buildModel('mlp');
const dataset = new torch.data.TensorDataset(torch.randn([+samples, 784]), torch.randint(0, 10, [+samples]));
const loader = new torch.data.DataLoader(dataset, { batchSize: +batch, shuffle: true, seed: 0 });
const steps = Math.ceil(+samples / +batch);

const optimizer = buildOptimizer(optimizerName, [...model.parameters()]);
const lossFn = new torch.nn.CrossEntropyLoss();
async function loopEpoch() {
  const start = performance.now();
  await handWrittenEpoch(model, loader, optimizer, lossFn);
  return (performance.now() - start) / steps;
}

const module = new torch.train.SupervisedModule(model, {
  loss: new torch.nn.CrossEntropyLoss(),
  optimizer: (params) => buildOptimizer(optimizerName, params),
});
async function trainerEpoch() {
  let start = 0;
  let took = 0;
  class EpochTime extends torch.train.callbacks.Callback {
    onTrainEpochStart() {
      start = performance.now();
    }
    onTrainEpochEnd() {
      took = performance.now() - start;
    }
  }
  const quiet = { enableProgressBar: false, enableCheckpointing: false, enableCurves: false, logger: false };
  await new torch.train.Trainer({ maxEpochs: 1, nativeLoop: false, callbacks: [new EpochTime()], ...quiet }).fit(module, loader);
  return took / steps;
}

await loopEpoch(); // warm-up
await trainerEpoch();
const loop = [];
const trainer = [];
for (let round = 0; round < +rounds; round++) {
  loop.push(await loopEpoch());
  trainer.push(await trainerEpoch());
}
const median = (values) => values.slice().sort((a, b) => a - b)[values.length >> 1];
const ratios = trainer.map((t, i) => t / loop[i]);
console.log(
  `MLP 784-256-128-10, ${optimizerName}, batch ${batch}, ${steps} steps per epoch, ${rounds} rounds, ${torch.getNumThreads()} thread(s)`,
);
console.log(
  `loop ${median(loop).toFixed(3)} ms/step, Trainer ${median(trainer).toFixed(3)} ms/step, Trainer / loop ${median(ratios).toFixed(3)}`,
);
