// nodetorch inference: forward calls under torch.noGrad on models in eval mode, timed in rounds, as
//   plan:   model.forward (an nn.Sequential of built-in layers runs as one native plan: one C++ call)
//   layers: the same layers called one by one from JS (what a custom forward costs)
//   async:  await model.forwardAsync (off the event loop, on a worker thread)
// Prints one JSON line: per "model:batch" spec, microseconds per call for each round.
//   node nodetorch-infer.mjs <plan|layers|async> <rounds> <model:batch:iterations>...
import * as torch from 'nodetorch';
import { buildModel, sampleShapes } from './nodetorch-models.mjs';

const [way, roundsArg, ...specs] = process.argv.slice(2);
const rounds = Number(roundsArg);
torch.manualSeed(0);

function layerByLayer(model, x) {
  return [...model].reduce((acc, layer) => {
    const next = layer.forward(acc);
    if (acc !== x) acc.dispose();
    return next;
  }, x);
}

async function timeRounds(call, iterations) {
  for (let i = 0; i < iterations / 10 + 1; i++) (await call()).dispose(); // warm-up
  const perRound = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) (await call()).dispose();
    perRound.push(((performance.now() - start) * 1000) / iterations);
  }
  return perRound;
}

const rows = {};
const unsupported = {};
for (const spec of specs) {
  const [modelName, batch, iterations] = spec.split(':').map((part, i) => (i ? Number(part) : part));
  const model = buildModel(modelName).eval();
  const x = torch.randn([batch, ...sampleShapes[modelName]]);
  const key = `${modelName}:${batch}`;
  if (way === 'plan') rows[key] = await timeRounds(() => torch.noGrad(() => model.forward(x)), iterations);
  else if (way === 'async') rows[key] = await timeRounds(() => model.forwardAsync(x), iterations);
  else if (model instanceof torch.nn.Sequential) rows[key] = await timeRounds(() => torch.noGrad(() => layerByLayer(model, x)), iterations);
  else unsupported[key] = 'not a Sequential';
}
console.log(JSON.stringify({ usPerCall: rows, unsupported, threads: torch.getNumThreads() }));
