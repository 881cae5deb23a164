// One nodetorch participant of bench/train-loop.mjs: the same model, data, loss and optimizer as the
// C++ and Python loops, trained by a hand-written loop over a DataLoader, by the Trainer stepping
// from JS, or by the Trainer's native epoch loop. Prints one JSON line of milliseconds per epoch.
//   NODETORCH_NUM_THREADS=1 node node-loop.mjs <manual|trainer-js|trainer-native> <mlp|cnn> <batch> <samples> <epochs>
import * as torch from 'nodetorch';

const [mode, modelName, ...numbers] = process.argv.slice(2);
const [batchSize, samples, epochs] = numbers.map(Number);
const { data, nn, optim, train } = torch;

torch.manualSeed(0);
const model =
  modelName === 'mlp'
    ? new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10))
    : new nn.Sequential(
        new nn.Conv2d(1, 16, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Conv2d(16, 32, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(32 * 7 * 7, 10),
      );
const inputs = torch.randn(modelName === 'mlp' ? [samples, 784] : [samples, 1, 28, 28]);
const targets = torch.randint(0, 10, [samples]);
const loader = new data.DataLoader(new data.TensorDataset(inputs, targets), { batchSize, shuffle: true, seed: 0 });
const times = [];

if (mode === 'manual') {
  const optimizer = new optim.SGD([...model.parameters()], { lr: 0.01, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now();
    for await (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = lossFn.forward(model.forward(x), y);
      loss.backward();
      optimizer.step();
      loss.dispose();
      x.dispose();
      y.dispose();
    }
    times.push(performance.now() - start);
  }
} else {
  const module = new train.SupervisedModule(model, {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.SGD(params, { lr: 0.01, momentum: 0.9 }),
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
    nativeLoop: mode === 'trainer-native',
    callbacks: [new EpochTimes()],
    enableProgressBar: false,
    enableCheckpointing: false,
    enableCurves: false,
    logger: false,
  });
  await trainer.fit(module, loader);
}
console.log(JSON.stringify({ msPerEpoch: times }));
