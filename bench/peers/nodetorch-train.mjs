// nodetorch's training participants: the same model, data, loss and optimizer as the C++, Python
// and TensorFlow.js peers, trained by a hand-written loop over a DataLoader, by the Trainer stepping
// from JS, or by the Trainer's native epoch loop. Prints one JSON line: ms per epoch, or why the
// native loop refuses the model ({ unsupported }).
//   node nodetorch-train.mjs <manual|trainer-js|trainer-native> <mlp|cnn|lstm> <sgd|adam> <batch> <samples> <epochs>
import * as torch from 'nodetorch';
import { buildModel, buildOptimizer, handWrittenEpoch, sampleShapes } from './nodetorch-models.mjs';

const [mode, modelName, optimizerName, ...numbers] = process.argv.slice(2);
const [batchSize, samples, epochs] = numbers.map(Number);
const { data, nn, train } = torch;

torch.manualSeed(0);
const model = buildModel(modelName);
const inputs = torch.randn([samples, ...sampleShapes[modelName]]);
const targets = torch.randint(0, 10, [samples]);
const loader = new data.DataLoader(new data.TensorDataset(inputs, targets), { batchSize, shuffle: true, seed: 0 });
const times = [];

async function manualLoop() {
  const optimizer = buildOptimizer(optimizerName, [...model.parameters()]);
  const lossFn = new nn.CrossEntropyLoss();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now();
    await handWrittenEpoch(model, loader, optimizer, lossFn);
    times.push(performance.now() - start);
  }
}

async function trainerLoop(nativeLoop) {
  const module = new train.SupervisedModule(model, {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => buildOptimizer(optimizerName, params),
  });
  class EpochTimes extends train.callbacks.Callback {
    onTrainEpochStart() {
      this.start = performance.now();
    }
    onTrainEpochEnd() {
      times.push(performance.now() - this.start);
    }
  }
  const trainer = new train.Trainer({
    maxEpochs: epochs,
    nativeLoop,
    callbacks: [new EpochTimes()],
    enableProgressBar: false,
    enableCheckpointing: false,
    enableCurves: false,
    logger: false,
  });
  await trainer.fit(module, loader);
}

try {
  if (mode === 'manual') await manualLoop();
  else await trainerLoop(mode === 'trainer-native');
  console.log(JSON.stringify({ msPerEpoch: times }));
} catch (error) {
  // nativeLoop: true refuses a model it cannot run, with the reason: the row reads n/a with it.
  if (mode !== 'trainer-native' || !/nativeLoop/.test(error.message)) throw error;
  console.log(JSON.stringify({ unsupported: error.message.replace(/^Trainer: nativeLoop is true, but /, '') }));
}
