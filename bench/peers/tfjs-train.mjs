// TensorFlow.js's training participant: the suite's model, random data, shuffled batches, softmax
// cross entropy and the optimizer through optimizer.minimize (tfjs's own low-level loop).
// Prints one JSON line of milliseconds per epoch.
//   node tfjs-train.mjs <cpu|wasm> <mlp|cnn|lstm> <sgd|adam> <batch> <samples> <epochs>
import { buildModel, buildOptimizer, sampleShapes, tf, useBackend } from './tfjs-models.mjs';

const [backend, modelName, optimizerName, ...numbers] = process.argv.slice(2);
const [batchSize, samples, epochs] = numbers.map(Number);
await useBackend(backend);
tf.util.seedrandom?.('0');
const model = buildModel(modelName);
const optimizer = buildOptimizer(optimizerName);
const inputs = tf.randomNormal([samples, ...sampleShapes[modelName]], 0, 1, 'float32', 0);
const labels = tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 0), 10);
const times = [];
try {
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now();
    const order = Array.from(tf.util.createShuffledIndices(samples));
    for (let first = 0; first < samples; first += batchSize) {
      tf.tidy(() => {
        const index = tf.tensor1d(order.slice(first, first + batchSize), 'int32');
        const x = tf.gather(inputs, index);
        const y = tf.gather(labels, index);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })));
      });
    }
    times.push(performance.now() - start);
  }
  console.log(JSON.stringify({ msPerEpoch: times, backend: tf.getBackend() }));
} catch (error) {
  // A backend without a kernel the step needs (tfjs-wasm has no Conv2DBackpropFilter): the cell says so.
  if (!/not registered for backend/.test(error.message)) throw error;
  console.log(JSON.stringify({ unsupported: error.message }));
}
