// nodetorch's compiled inference: the same model run five ways, each timed in rounds, interleaved
// in one process (so a ratio between two ways is measured seconds apart):
//   eager:       torch.noGrad(() => model.forward(x)) (a Sequential of built-in layers: one native plan)
//   traced:      torch.jit.trace(model, x), its forward under torch.noGrad
//   frozen:      torch.jit.freeze(traced)
//   optimized:   torch.jit.optimizeForInference(traced) (frozen, then LibTorch's inference passes)
//   onnxruntime: torch.onnx.export(model, [x], file, dynamic batch) run by onnxruntime-node's InferenceSession
// Each way's round runs for about <ms> milliseconds (its iteration count set from a warm-up), so a
// way 7x faster than another still gets as much time. Every way's output is checked against eager's.
// Prints one JSON line: per way and "model:batch", microseconds per call for each round.
//   node nodetorch-compile.mjs <rounds> <threads> <ms> <model:batch>...
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as torch from 'nodetorch';
import { buildModel, sampleShapes } from './nodetorch-models.mjs';

const [roundsArg, threadsArg, msArg, ...specs] = process.argv.slice(2);
const rounds = Number(roundsArg);
const threads = Number(threadsArg);
const targetMs = Number(msArg);
const WAYS = ['eager', 'traced', 'frozen', 'optimized', 'onnxruntime'];
const TOLERANCE = 1e-4;

let ort;
let ortError;
try {
  ort = (await import('onnxruntime-node')).default;
} catch (error) {
  ortError = `onnxruntime-node did not load: ${error.message}`;
}
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nodetorch-bench-compile-'));

/** The ways of running one model on `x`, each a function returning its output (a Promise of one for onnxruntime), and the ways that failed. */
async function makeWays(modelName, batch, x) {
  torch.manualSeed(0);
  const model = buildModel(modelName).eval();
  const calls = {};
  const setupMs = {};
  const failed = {};
  const timed = async (way, make) => {
    const start = performance.now();
    try {
      calls[way] = await make();
      setupMs[way] = performance.now() - start;
    } catch (error) {
      failed[way] = `${way} failed: ${error.message.split('\n')[0]}`.slice(0, 300);
    }
  };
  const run = (module) => () => torch.noGrad(() => module.forward(x));
  await timed('eager', () => run(model));
  let traced;
  await timed('traced', () => {
    traced = torch.jit.trace(model, x);
    return run(traced);
  });
  if (traced) {
    await timed('frozen', () => run(torch.jit.freeze(traced)));
    await timed('optimized', () => run(torch.jit.optimizeForInference(traced)));
  } else {
    failed.frozen = failed.optimized = failed.traced;
  }
  if (!ort) failed.onnxruntime = ortError;
  else
    await timed('onnxruntime', async () => {
      const file = path.join(tmp, `${modelName}-${batch}.onnx`);
      await torch.onnx.export(model, [x], file, {
        inputNames: ['x'],
        outputNames: ['y'],
        dynamicAxes: { x: { 0: 'batch' }, y: { 0: 'batch' } },
      });
      const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1 });
      // The input is converted once, as the other ways reuse one tensor.
      const feeds = { x: new ort.Tensor('float32', x.toTypedArray(), x.shape) };
      return async () => (await session.run(feeds)).y;
    });
  return { calls, setupMs, failed };
}

// The output's values, and the tensor freed.
function valuesOf(output) {
  if (output instanceof torch.Tensor) {
    const values = output.toTypedArray();
    output.dispose();
    return values;
  }
  return output.data;
}

const done = (output) => {
  if (output instanceof torch.Tensor) output.dispose();
};

// Calls until `minMs` have passed and at least `minCalls` were made; returns ms per call (the first call excluded).
async function warmUp(call, minCalls, minMs) {
  done(await call());
  const start = performance.now();
  let calls = 0;
  while (calls < minCalls || performance.now() - start < minMs) {
    done(await call());
    calls++;
  }
  return (performance.now() - start) / calls;
}

const usPerCall = Object.fromEntries(WAYS.map((way) => [way, {}]));
const failures = Object.fromEntries(WAYS.map((way) => [way, {}]));
const setup = {};
const iterationsUsed = {};
for (const spec of specs) {
  const [modelName, batchText] = spec.split(':');
  const batch = Number(batchText);
  const key = `${modelName}:${batch}`;
  const x = torch.randn([batch, ...sampleShapes[modelName]]);
  const { calls, setupMs, failed } = await makeWays(modelName, batch, x);
  setup[key] = setupMs;
  for (const [way, why] of Object.entries(failed)) failures[way][key] = why;
  const reference = valuesOf(await calls.eager());
  const iterations = {};
  for (const way of Object.keys(calls)) {
    const values = valuesOf(await calls[way]());
    const diff = values.length === reference.length ? Math.max(...values.map((v, i) => Math.abs(v - reference[i]))) : Infinity;
    if (!(diff <= TOLERANCE)) {
      failures[way][key] = `${way}'s output differs from eager's by ${diff}`;
      delete calls[way];
      continue;
    }
    const msPerCall = await warmUp(calls[way], 5, targetMs);
    iterations[way] = Math.max(3, Math.round(targetMs / msPerCall));
  }
  iterationsUsed[key] = iterations;
  for (const way of Object.keys(calls)) usPerCall[way][key] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [way, call] of Object.entries(calls)) {
      const n = iterations[way];
      const start = performance.now();
      if (way === 'onnxruntime') for (let i = 0; i < n; i++) await call();
      else for (let i = 0; i < n; i++) call().dispose();
      usPerCall[way][key].push(((performance.now() - start) * 1000) / n);
    }
  }
  x.dispose();
}
rmSync(tmp, { recursive: true, force: true });
console.log(JSON.stringify({ usPerCall, failures, setupMs: setup, iterations: iterationsUsed, threads: torch.getNumThreads() }));
