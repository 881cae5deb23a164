// Compiled inference (issue 13): latency at batch 1 and throughput at batch 64 of the MLP and the
// CNN run eager, traced (torch.jit.trace), frozen (torch.jit.freeze), optimized
// (torch.jit.optimizeForInference) and exported to ONNX for onnxruntime-node, against Python torch
// doing the same with torch.jit. A participant (nodetorch, Python) is one process per round that
// times every way of every row, the ways interleaved, so a ratio between ways is measured seconds apart.
import { cell } from '../harness/cells.mjs';
import { threadEnv } from '../harness/machine.mjs';
import { PYTHON, interleave, peer, progress } from '../harness/processes.mjs';
import { median, ratio } from '../harness/stats.mjs';

const ROWS = [
  { model: 'mlp', batch: 1, label: 'MLP 784-256-128-10, batch 1 (latency)' },
  { model: 'mlp', batch: 64, label: 'MLP 784-256-128-10, batch 64 (throughput)' },
  { model: 'cnn', batch: 1, label: 'CNN (2 conv), batch 1 (latency)' },
  {
    model: 'cnn',
    batch: 64,
    label: 'CNN (2 conv), batch 64 (throughput)',
    // The optimized module runs oneDNN's convolutions, eager runs LibTorch's own: their ratio follows the CPU's vector width.
    unchecked:
      "optimized / eager is 0.19 on an AVX-512 Xeon and 0.36-0.37 on an AVX2 EPYC (oneDNN's convolutions gain twice as much from AVX-512 as eager's; Python's optimized module moves alike, 4.0 ms there against nodetorch's 3.6), so it measures the CPU's vector width, not nodetorch",
  },
];
const specs = ROWS.map((row) => `${row.model}:${row.batch}`);

// Milliseconds each way's round runs for, quick and full (the iteration count follows from a warm-up).
const ROUND_MS = [60, 250];

const PROCESSES = {
  nodetorch: {
    ways: { eager: 'nodetorch eager', traced: 'nodetorch traced', frozen: 'nodetorch frozen', optimized: 'nodetorch optimized', onnxruntime: 'onnxruntime' },
    make: (ms, r, t) => ({ command: 'node', args: [peer('nodetorch-compile.mjs'), r, t, ms, ...specs] }),
  },
  Python: {
    ways: { eager: 'Python eager', traced: 'Python traced', frozen: 'Python frozen', optimized: 'Python optimized' },
    make: (ms, r, t) => ({ command: PYTHON, args: [peer('python', 'compile.py'), r, t, ms, ...specs] }),
  },
}; // prettier-ignore

const RATIOS = {
  'optimized / eager': ['nodetorch optimized', 'nodetorch eager'],
  'nodetorch optimized / Python optimized': ['nodetorch optimized', 'Python optimized'],
  'onnxruntime / nodetorch optimized': ['onnxruntime', 'nodetorch optimized'],
};

// Issue 13's target, with what this run measured.
function targetNote(rows) {
  const speedUp = rows.find((row) => row.key.startsWith('cnn-b64-'))?.extras['eager / optimized'];
  const measured = Number.isFinite(speedUp)
    ? `${speedUp.toFixed(1)}x in this run: ${speedUp >= 3 ? 'met' : 'not met'}`
    : 'not measured in this run';
  return `Target (issue 13): optimizeForInference >= 3x eager on the CNN at batch 64 (eager / optimized): ${measured}.`;
}

export default {
  id: 'compile',
  title: 'Compiled inference: us per forward call, eager, torch.jit and onnxruntime',
  run(ctx) {
    const threads = 1;
    const innerRounds = 3;
    const ms = ROUND_MS[ctx.quick ? 0 : 1];
    const jobs = Object.entries(PROCESSES).map(([name, p]) => ({
      key: name,
      ...p.make(ms, innerRounds, threads),
      env: threadEnv(threads),
    }));
    const outputs = interleave(jobs, ctx.rounds, (job, out) => progress(`compile: ${job.key} ${out.error ?? 'done'}`));
    const columns = Object.values(PROCESSES).flatMap((p) => Object.values(p.ways));
    const rows = ROWS.map((row) => {
      const key = `${row.model}:${row.batch}`;
      const values = {};
      const notes = {};
      for (const [name, p] of Object.entries(PROCESSES)) {
        for (const [way, column] of Object.entries(p.ways)) {
          // A way that failed in a process (an export error, a wrong output) reads n/a with why.
          const outs = outputs[name].map((out) =>
            out.error ? out : out.failures?.[way]?.[key] ? { error: out.failures[way][key] } : { us: out.usPerCall[way][key] },
          );
          const { value, note } = cell(outs, (out) => median(out.us));
          values[column] = value;
          if (note) notes[column] = note;
        }
      }
      const speedUp = (prefix) => ratio(values[`${prefix} eager`], values[`${prefix} optimized`]);
      return {
        key: `${row.model}-b${row.batch}-t${threads}`,
        label: row.label,
        values,
        notes,
        ratios: Object.fromEntries(Object.entries(RATIOS).map(([name, [a, b]]) => [name, ratio(values[a], values[b])])),
        ...(row.unchecked ? { unchecked: row.unchecked } : {}),
        extras: {
          'eager / optimized': speedUp('nodetorch'),
          'Python eager / optimized': speedUp('Python'),
          'nodetorch optimized samples/s': Number.isFinite(values['nodetorch optimized'])
            ? (row.batch * 1e6) / values['nodetorch optimized']
            : null,
        },
      };
    });
    return {
      id: this.id,
      title: this.title,
      notes: [
        `1 thread for every participant (onnxruntime: intraOpNumThreads ${threads}, interOpNumThreads 1), every forward without autograd (torch.noGrad / torch.no_grad). Each process times ${innerRounds} rounds of every way of a row, interleaved, each round about ${ms} ms after a warm-up of as long; a cell is the median over processes of their median round.`,
        "eager: model.forward (nodetorch: the Sequential's native plan); traced: torch.jit.trace(model, x); frozen: torch.jit.freeze(traced); optimized: torch.jit.optimizeForInference(traced) (Python: torch.jit.optimize_for_inference); onnxruntime: torch.onnx.export with a dynamic batch axis, run by onnxruntime-node's InferenceSession (its run is a Promise resolved from a setImmediate turn of the event loop around the synchronous run; the others are plain calls). Traces and exports use the row's input as the example; every way's output is checked against eager's (within 1e-4).",
        targetNote(rows),
        ...ROWS.filter((row) => row.unchecked).map((row) => `Not checked against the baseline: '${row.label}': ${row.unchecked}.`),
        "The CI checks 'optimized / eager' (above 1.75x its baseline: the compiled path lost ground on eager; a faster eager also raises it, so refresh the baseline then). 'onnxruntime / nodetorch optimized' is onnxruntime's time on the exported file over nodetorch's optimized module (below 1: onnxruntime is faster).",
      ],
      // Measured in one process, interleaved: stable to ~1.5x on the busy VM. Across processes
      // (nodetorch optimized / Python optimized) a row moved by up to 2.3x between runs: reported only.
      checkedRatios: ['optimized / eager'],
      columns,
      rows,
    };
  },
};
