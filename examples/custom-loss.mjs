// A custom module and a custom loss: a small residual network predicts three quantiles (10%, 50%,
// 90%) of a noisy signal, trained with the pinball (quantile) loss written in tensor ops. Neither is
// a built-in, so the Trainer steps from JS; autograd differentiates the loss as written. Prints how
// often the held-out targets fall between the 10% and 90% predictions (about 80% when calibrated).
//   node examples/custom-loss.mjs
import * as torch from 'nodetorch';

const { data, nn, optim, train } = torch;
const QUANTILES = [0.1, 0.5, 0.9];

/** Two hidden layers with a skip connection around the second: a Module with its own forward. */
class ResidualNet extends nn.Module {
  constructor(hidden) {
    super();
    this.input = this.registerModule('input', new nn.Linear(1, hidden));
    this.hidden = this.registerModule('hidden', new nn.Linear(hidden, hidden));
    this.output = this.registerModule('output', new nn.Linear(hidden, QUANTILES.length));
  }

  forward(x) {
    const h = this.input.forward(x).tanh();
    return this.output.forward(h.add(this.hidden.forward(h).tanh()));
  }
}

/** The pinball loss, averaged over samples and quantiles: under-predicting q costs q, over-predicting 1 - q. */
function pinballLoss(predictions, target) {
  const q = torch.tensor(QUANTILES, { dtype: 'float32' });
  const error = target.sub(predictions); // (N, 1) broadcast against (N, 3)
  return torch.maximum(error.mul(q), error.mul(q.sub(1))).mean();
}

/** y = sin(2x) with noise that grows with |x|: the interval should widen at the edges. */
function signal(n, seed) {
  torch.manualSeed(seed);
  const x = torch.rand([n, 1]).mul(6).sub(3);
  const y = x
    .mul(2)
    .sin()
    .add(torch.randn([n, 1]).mul(x.abs().mul(0.1).add(0.05)));
  return new data.TensorDataset(x, y);
}

torch.manualSeed(0);
const module = new train.SupervisedModule(new ResidualNet(32), {
  loss: pinballLoss,
  optimizer: (params) => new optim.Adam(params, { lr: 0.01 }),
  lrScheduler: (optimizer) => new optim.lrScheduler.CosineAnnealingLR(optimizer, { tMax: 30 }),
});
const trainer = new train.Trainer({
  maxEpochs: 30,
  seed: 0,
  enableProgressBar: false,
  logger: false,
  enableCheckpointing: false,
  enableCurves: false,
});
await trainer.fit(
  module,
  new data.DataLoader(signal(2000, 1), { batchSize: 100, shuffle: true, seed: 2 }),
  new data.DataLoader(signal(500, 3), { batchSize: 500 }),
);
console.log(
  `pinball loss on held-out data: ${trainer.callbackMetrics.get('val/loss').toFixed(4)} (steps from JS: ${!trainer.usesNativeLoop})`,
);

const held = signal(1000, 4);
const [x, y] = held.tensors;
const predicted = torch.noGrad(() => module.forward(x));
const low = predicted.select(1, 0).unsqueeze(1);
const high = predicted.select(1, 2).unsqueeze(1);
const coverage = y.ge(low).logicalAnd(y.le(high)).float().mean().item();
console.log(`held-out targets inside the 10%-90% band: ${(coverage * 100).toFixed(1)}%`);
