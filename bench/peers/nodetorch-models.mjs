// The suite's models in nodetorch; the Python, C++ and TensorFlow.js peers build the same layers.
import * as torch from 'nodetorch';

const { nn } = torch;

/** LSTM over 28 steps of 28 features; the last step's hidden state into a linear classifier. */
class LSTMClassifier extends nn.Module {
  lstm = this.registerModule('lstm', new nn.LSTM(28, 128, { batchFirst: true }));
  head = this.registerModule('head', new nn.Linear(128, 10));
  forward(x) {
    const [output] = this.lstm.forward(x);
    return this.head.forward(output.select(1, -1));
  }
}

const builders = {
  mlp: () => new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10)),
  cnn: () =>
    new nn.Sequential(
      new nn.Conv2d(1, 16, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(32 * 7 * 7, 10),
    ),
  lstm: () => new LSTMClassifier(),
  // Overhead-bound: its kernels take less time than the calls into them.
  tiny: () => new nn.Sequential(new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 4)),
};

/** Shape of one input sample of each model. */
export const sampleShapes = { mlp: [784], cnn: [1, 28, 28], lstm: [28, 28], tiny: [16] };

export function buildModel(name) {
  const build = builders[name];
  if (!build) throw new Error(`unknown model ${name}`);
  return build();
}

export function buildOptimizer(name, params) {
  return name === 'adam' ? new torch.optim.Adam(params, { lr: 1e-3 }) : new torch.optim.SGD(params, { lr: 0.01, momentum: 0.9 });
}

/** One epoch of the hand-written training loop every nodetorch "JS loop" row times. */
export async function handWrittenEpoch(model, loader, optimizer, lossFn) {
  for await (const [x, y] of loader) {
    // tidy frees the step's intermediate tensors (the LSTM's outputs and states) at once.
    torch.tidy(() => {
      optimizer.zeroGrad();
      lossFn.forward(model.forward(x), y).backward();
      optimizer.step();
    });
    x.dispose();
    y.dispose();
  }
}
