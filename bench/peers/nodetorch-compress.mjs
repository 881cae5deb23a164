// nodetorch's int8 inference: the suite's model run five ways, each timed in rounds, interleaved in
// one process (so a ratio between two ways is measured seconds apart):
//   fp32:                 torch.noGrad(() => model.forward(x)) (the Sequential's native plan, NCHW)
//   dynamic int8:         torch.ao.quantization.quantizeDynamic(model) (its Linear layers), eager
//   dynamic int8 traced:  torch.jit.trace of it
//   static int8:          fuseModules (conv-relu / linear-relu by name), QuantWrapper, the engine's
//                         default qconfig, prepare, calibrate on 4 random batches, convert; eager
//   static int8 traced:   torch.jit.trace of it
// Each way's round runs for about <ms> milliseconds (its iteration count set from a warm-up). The
// traced ways' outputs are checked against their eager int8 module's.
// Prints one JSON line: per way and "model:batch", microseconds per call for each round.
//   node nodetorch-compress.mjs <rounds> <threads> <ms> <model:batch>...
import * as torch from 'nodetorch';
import { buildModel, sampleShapes } from './nodetorch-models.mjs';

// The thread count comes in through the environment (NODETORCH_NUM_THREADS), as for every peer.
const [roundsArg, , msArg, ...specs] = process.argv.slice(2);
const rounds = Number(roundsArg);
const targetMs = Number(msArg);
const WAYS = ['fp32', 'dynamic int8', 'dynamic int8 traced', 'static int8', 'static int8 traced'];
const TOLERANCE = 1e-4;
const q = torch.ao.quantization;
const { nn } = torch;

/** The suite's fusable runs: conv-relu and linear-relu, by their Sequential names. */
function fusionGroups(model) {
  const children = [...model.namedChildren()];
  const groups = [];
  for (let i = 0; i + 1 < children.length; i++) {
    const [[name, layer], [next, after]] = [children[i], children[i + 1]];
    if ((layer instanceof nn.Conv2d || layer instanceof nn.Linear) && after instanceof nn.ReLU) groups.push([name, next]);
  }
  return groups;
}

async function makeWays(modelName, x) {
  torch.manualSeed(0);
  const model = buildModel(modelName).eval();
  const calls = {};
  const failed = {};
  const run = (module) => () => torch.noGrad(() => module.forward(x));
  const attempt = async (way, make) => {
    try {
      calls[way] = await make();
    } catch (error) {
      failed[way] = `${way} failed: ${error.message.split('\n')[0]}`.slice(0, 300);
    }
  };
  calls.fp32 = run(model);
  let dynamic;
  await attempt('dynamic int8', () => run((dynamic = q.quantizeDynamic(model, { qconfigSpec: [nn.Linear] }))));
  await attempt('dynamic int8 traced', () => run(torch.jit.trace(dynamic, x)));
  let quantized;
  await attempt('static int8', async () => {
    const wrapped = new q.QuantWrapper(q.fuseModules(model, fusionGroups(model)));
    wrapped.qconfig = q.getDefaultQconfig(torch.backends.quantized.engine);
    const prepared = q.prepare(wrapped);
    await q.calibrate(
      prepared,
      Array.from({ length: 4 }, () => torch.randn(x.shape)),
    );
    return run((quantized = q.convert(prepared)));
  });
  await attempt('static int8 traced', () => run(torch.jit.trace(quantized, x)));
  return { calls, failed };
}

function valuesOf(output) {
  const values = output.toTypedArray();
  output.dispose();
  return values;
}

function warmUp(call, minCalls, minMs) {
  call().dispose();
  const start = performance.now();
  let count = 0;
  while (count < minCalls || performance.now() - start < minMs) {
    call().dispose();
    count++;
  }
  return (performance.now() - start) / count;
}

const usPerCall = Object.fromEntries(WAYS.map((way) => [way, {}]));
const failures = Object.fromEntries(WAYS.map((way) => [way, {}]));
const iterationsUsed = {};
for (const spec of specs) {
  const [modelName, batchText] = spec.split(':');
  const key = `${modelName}:${Number(batchText)}`;
  const x = torch.randn([Number(batchText), ...sampleShapes[modelName]]);
  const { calls, failed } = await makeWays(modelName, x);
  for (const [way, why] of Object.entries(failed)) failures[way][key] = why;
  for (const [traced, eager] of [
    ['dynamic int8 traced', 'dynamic int8'],
    ['static int8 traced', 'static int8'],
  ]) {
    if (!calls[traced] || !calls[eager]) continue;
    const [a, b] = [valuesOf(calls[traced]()), valuesOf(calls[eager]())];
    const diff = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    if (!(diff <= TOLERANCE)) {
      failures[traced][key] = `${traced}'s output differs from ${eager}'s by ${diff}`;
      delete calls[traced];
    }
  }
  const iterations = {};
  for (const [way, call] of Object.entries(calls)) iterations[way] = Math.max(3, Math.round(targetMs / warmUp(call, 5, targetMs)));
  iterationsUsed[key] = iterations;
  for (const way of Object.keys(calls)) usPerCall[way][key] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [way, call] of Object.entries(calls)) {
      const n = iterations[way];
      const start = performance.now();
      for (let i = 0; i < n; i++) call().dispose();
      usPerCall[way][key].push(((performance.now() - start) * 1000) / n);
    }
  }
  x.dispose();
}
console.log(
  JSON.stringify({
    usPerCall,
    failures,
    iterations: iterationsUsed,
    threads: torch.getNumThreads(),
    engine: torch.backends.quantized.engine,
    torchVersion: torch.config().torchVersion,
  }),
);
