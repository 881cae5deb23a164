// Training steps: an MLP 784-256-128-10 (batch 64 and 512, SGD and Adam), a 2-conv CNN (batch 64)
// and an LSTM classifier (28 steps of 28 features, hidden 128), each trained by nodetorch three ways
// (a hand-written JS loop, the Trainer stepping from JS, the Trainer's native epoch loop) and by the
// peers on the same work: the standalone C++ LibTorch loop, Python torch (same threads, and its own
// defaults), TensorFlow.js on its WebAssembly and pure-JS CPU backends. Each participant is a process
// of its own, interleaved in rounds; a cell is the median over rounds of each process's median epoch
// (after a warm-up epoch), divided into steps.
import { cell, msPerStep } from '../harness/cells.mjs';
import { fractionOfPeak, trainStepFlops } from '../harness/flops.mjs';
import { threadEnv } from '../harness/machine.mjs';
import { PYTHON, interleave, peer, progress } from '../harness/processes.mjs';
import { ratio } from '../harness/stats.mjs';

const MODELS = { mlp: 'MLP 784-256-128-10', cnn: 'CNN (2 conv)', lstm: 'LSTM 28x28 h128' };

// samples: per epoch, quick and full (null: not in the quick run). tfjsCpuSteps caps the pure-JS backend.
const WORKLOADS = [
  { model: 'mlp', optimizer: 'sgd', batch: 64, samples: [1024, 4096] },
  { model: 'mlp', optimizer: 'sgd', batch: 512, samples: [null, 8192] },
  { model: 'mlp', optimizer: 'adam', batch: 64, samples: [null, 4096] },
  { model: 'mlp', optimizer: 'adam', batch: 512, samples: [2048, 8192] },
  { model: 'cnn', optimizer: 'sgd', batch: 64, samples: [512, 2048] },
  { model: 'lstm', optimizer: 'sgd', batch: 64, samples: [256, 1024] },
];

const nodetorch = (mode) => (w, samples, epochs) => ({
  command: 'node',
  args: [peer('nodetorch-train.mjs'), mode, w.model, w.optimizer, w.batch, samples, epochs],
});
const tfjs = (backend) => (w, samples, epochs) => ({
  command: 'node',
  args: [peer('tfjs-train.mjs'), backend, w.model, w.optimizer, w.batch, samples, epochs],
});

// Each: how to run it, and what limits it. singleThread: it has no thread setting (runs at 1 only);
// maxSteps, epochs: what a slow peer gets; firstRoundOnly: one process, not one per round.
const PARTICIPANTS = {
  'JS loop': { make: nodetorch('manual') },
  Trainer: { make: nodetorch('trainer-js') },
  'native loop': { make: nodetorch('trainer-native') },
  'C++': { make: (w, samples, epochs, t, ctx) => ctx.cpp.path && { command: ctx.cpp.path, args: ['train', w.model, w.optimizer, w.batch, samples, epochs, t] } },
  Python: { make: (w, samples, epochs, t) => ({ command: PYTHON, args: [peer('python', 'train.py'), w.model, w.optimizer, w.batch, samples, epochs, t] }) },
  'Python (defaults)': { full: true, defaults: true, make: (w, samples, epochs) => ({ command: PYTHON, args: [peer('python', 'train.py'), w.model, w.optimizer, w.batch, samples, epochs, 'default'] }) },
  'tfjs-wasm': { singleThread: true, maxSteps: 4, make: tfjs('wasm') },
  'tfjs-cpu': { full: true, singleThread: true, maxSteps: 1, epochs: 2, firstRoundOnly: true, make: tfjs('cpu') },
}; // prettier-ignore

// nodetorch's participant in each ratio is its fastest way that ran (the native loop where it applies).
const RATIOS = {
  'native / C++': ['native loop', 'C++'],
  'JS loop / Python': ['JS loop', 'Python'],
  'best / Python': ['best', 'Python'],
  'best / tfjs-wasm': ['best', 'tfjs-wasm'],
  'Trainer / JS loop': ['Trainer', 'JS loop'],
};

function runWorkload(ctx, w, threads) {
  const [quickSamples, fullSamples] = w.samples;
  const epochs = ctx.quick ? 3 : 3;
  const stepsOf = {};
  const jobs = [];
  const unavailable = {};
  for (const [name, p] of Object.entries(PARTICIPANTS)) {
    if ((p.full && ctx.quick) || (p.singleThread && threads !== 1)) continue;
    const samples = Math.min(ctx.quick ? quickSamples : fullSamples, (p.maxSteps ?? Infinity) * w.batch);
    stepsOf[name] = Math.ceil(samples / w.batch);
    const job = p.make(w, samples, p.epochs ?? epochs, threads, ctx);
    if (!job) unavailable[name] = ctx.cpp.error;
    else jobs.push({ key: name, ...job, env: threadEnv(p.defaults ? null : threads), firstRoundOnly: p.firstRoundOnly });
  }
  const label = `${MODELS[w.model]}, batch ${w.batch}, ${w.optimizer === 'sgd' ? 'SGD' : 'Adam'}, ${threads} thread(s)`;
  const outputs = interleave(jobs, ctx.rounds, (job, out) =>
    progress(`${label}: ${job.key} ${out.error ?? out.unsupported ?? `${(out.msPerEpoch.at(-1) / stepsOf[job.key]).toFixed(2)} ms/step`}`),
  );
  const values = {};
  const notes = {};
  for (const name of Object.keys(stepsOf)) {
    const { value, note } = unavailable[name] ? { value: null, note: unavailable[name] } : cell(outputs[name], msPerStep(stepsOf[name]));
    values[name] = value;
    if (note) notes[name] = note;
  }
  const best = Math.min(...['JS loop', 'Trainer', 'native loop'].map((name) => values[name]).filter(Number.isFinite));
  const side = (name) => (name === 'best' ? best : values[name]);
  const flops = trainStepFlops(w.model, w.batch);
  const peak = ctx.peakGflops[threads];
  return {
    key: `${w.model}-b${w.batch}-${w.optimizer}-t${threads}`,
    label,
    values,
    notes,
    ratios: Object.fromEntries(Object.entries(RATIOS).map(([name, [a, b]]) => [name, ratio(side(a), side(b))])),
    extras: {
      'best % of SGEMM peak': fractionOfPeak(flops, best, peak),
      'C++ % of SGEMM peak': fractionOfPeak(flops, values['C++'], peak),
    },
  };
}

export default {
  id: 'train-step',
  title: 'Training step: ms per step',
  run(ctx) {
    const workloads = WORKLOADS.filter((w) => (ctx.quick ? w.samples[0] : w.samples[1]));
    const rows = ctx.threadCounts.flatMap((threads) => workloads.map((w) => runWorkload(ctx, w, threads)));
    return {
      id: this.id,
      title: this.title,
      notes: [
        'Random data held in memory, shuffled batches, cross entropy; SGD with momentum 0.9 (lr 0.01) or Adam (lr 1e-3).',
        '"best" is nodetorch\'s fastest way that ran. tfjs runs one thread (pure JS; WebAssembly with SIMD and no threads under Node) and only',
        `a few steps (tfjs-wasm ${PARTICIPANTS['tfjs-wasm'].maxSteps}, tfjs-cpu ${PARTICIPANTS['tfjs-cpu'].maxSteps} per epoch, tfjs-cpu in one round).`,
        "FLOPs per step: 3 x the forward GEMMs less the first layer's input gradient (convolutions and LSTM gates counted as GEMMs); % of SGEMM peak is against the ceiling at the same thread count.",
      ],
      // Not tfjs-wasm: a ratio across two kernel libraries moves with the CPU (see inference.mjs).
      checkedRatios: ['native / C++', 'best / Python'],
      columns: Object.keys(PARTICIPANTS).filter((name) => !(ctx.quick && PARTICIPANTS[name].full)),
      rows,
    };
  },
};
