// TensorFlow.js inference: model.predict under tf.tidy (no gradients are taped outside
// optimizer.minimize), the result read back with dataSync so the work is done, timed in rounds.
// Prints one JSON line: per "model:batch" spec, microseconds per call for each round.
//   node tfjs-infer.mjs <cpu|wasm> <rounds> <model:batch:iterations>...
import { buildModel, sampleShapes, tf, useBackend } from './tfjs-models.mjs';

const [backend, roundsArg, ...specs] = process.argv.slice(2);
const rounds = Number(roundsArg);
await useBackend(backend);
const rows = {};
for (const spec of specs) {
  const [modelName, batch, iterations] = spec.split(':').map((part, i) => (i ? Number(part) : part));
  const model = buildModel(modelName);
  const x = tf.randomNormal([batch, ...sampleShapes[modelName]]);
  const call = () => tf.tidy(() => model.predict(x).dataSync());
  // Warm-up long enough for V8 to tier the WebAssembly and JS kernels up (a few calls are not).
  const warmUntil = performance.now() + 500;
  for (let i = 0; i < iterations / 10 + 1 || performance.now() < warmUntil; i++) call();
  rows[`${modelName}:${batch}`] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) call();
    rows[`${modelName}:${batch}`].push(((performance.now() - start) * 1000) / iterations);
  }
}
console.log(JSON.stringify({ usPerCall: rows, backend: tf.getBackend() }));
