// Inference: latency at batch 1 and throughput at batch 64 of the MLP and the CNN, and a tiny MLP
// whose kernels cost less than the calls into them (what per-call overhead costs a model), with
// every model in eval mode and no autograd (torch.noGrad / NoGradGuard / torch.no_grad / tfjs predict).
// Each participant is one process per round that times every row in turn.
import { cell } from '../harness/cells.mjs';
import { forwardFlops, fractionOfPeak } from '../harness/flops.mjs';
import { threadEnv } from '../harness/machine.mjs';
import { PYTHON, interleave, peer, progress } from '../harness/processes.mjs';
import { median, ratio } from '../harness/stats.mjs';

// iterations per round, quick and full; tfjs-cpu gets a twentieth.
const ROWS = [
  { model: 'mlp', batch: 1, label: 'MLP 784-256-128-10, batch 1 (latency)', iterations: [300, 2000] },
  { model: 'mlp', batch: 64, label: 'MLP 784-256-128-10, batch 64 (throughput)', iterations: [60, 200] },
  { model: 'cnn', batch: 1, label: 'CNN (2 conv), batch 1 (latency)', iterations: [60, 400] },
  { model: 'cnn', batch: 64, label: 'CNN (2 conv), batch 64 (throughput)', iterations: [4, 16] },
  { model: 'tiny', batch: 8, label: 'tiny MLP 16-16-16-4, batch 8 (overhead-bound)', iterations: [600, 4000] },
];

const specs = (ctx, divisor = 1) =>
  ROWS.map((row) => `${row.model}:${row.batch}:${Math.max(1, Math.round(row.iterations[ctx.quick ? 0 : 1] / divisor))}`);

// One process per participant and round; C++ takes one row per process (it starts in milliseconds).
const PARTICIPANTS = {
  'nodetorch (native plan)': { make: (ctx, r) => ({ command: 'node', args: [peer('nodetorch-infer.mjs'), 'plan', r, ...specs(ctx)] }) },
  'nodetorch (layer by layer)': { make: (ctx, r) => ({ command: 'node', args: [peer('nodetorch-infer.mjs'), 'layers', r, ...specs(ctx)] }) },
  'nodetorch forwardAsync': { make: (ctx, r) => ({ command: 'node', args: [peer('nodetorch-infer.mjs'), 'async', r, ...specs(ctx)] }) },
  'C++': { perRow: true, make: (ctx, r, t) => ctx.cpp.path && specs(ctx).map((spec) => ({ command: ctx.cpp.path, args: ['infer', ...spec.split(':'), r, t] })) },
  Python: { make: (ctx, r, t) => ({ command: PYTHON, args: [peer('python', 'infer.py'), r, t, ...specs(ctx)] }) },
  'Python (defaults)': { full: true, defaults: true, make: (ctx, r) => ({ command: PYTHON, args: [peer('python', 'infer.py'), r, 'default', ...specs(ctx)] }) },
  'tfjs-wasm': { make: (ctx, r) => ({ command: 'node', args: [peer('tfjs-infer.mjs'), 'wasm', r, ...specs(ctx)] }) },
  'tfjs-cpu': { full: true, firstRoundOnly: true, make: (ctx, r) => ({ command: 'node', args: [peer('tfjs-infer.mjs'), 'cpu', r, ...specs(ctx, 20)] }) },
}; // prettier-ignore

const RATIOS = {
  'nodetorch / Python': ['nodetorch (native plan)', 'Python'],
  'nodetorch / C++': ['nodetorch (native plan)', 'C++'],
  'nodetorch / tfjs-wasm': ['nodetorch (native plan)', 'tfjs-wasm'],
  'layers / plan': ['nodetorch (layer by layer)', 'nodetorch (native plan)'],
  'async / plan': ['nodetorch forwardAsync', 'nodetorch (native plan)'],
};

export default {
  id: 'inference',
  title: 'Inference: us per forward call',
  run(ctx) {
    const threads = 1;
    const innerRounds = 3;
    const names = Object.keys(PARTICIPANTS).filter((name) => !(ctx.quick && PARTICIPANTS[name].full));
    const jobs = [];
    const unavailable = {};
    for (const name of names) {
      const p = PARTICIPANTS[name];
      const made = p.make(ctx, innerRounds, threads);
      const env = threadEnv(p.defaults ? null : threads);
      if (!made) unavailable[name] = ctx.cpp.error;
      else for (const [i, job] of (p.perRow ? made : [made]).entries()) jobs.push({ key: p.perRow ? `${name}#${i}` : name, name, ...job, env, firstRoundOnly: p.firstRoundOnly });
    } // prettier-ignore
    const outputs = interleave(jobs, ctx.rounds, (job, out) => progress(`inference: ${job.key} ${out.error ?? 'done'}`));
    // The C++ peer's per-row processes merged into one output per round.
    for (const name of names.filter((n) => PARTICIPANTS[n].perRow && !unavailable[n])) {
      const parts = jobs.filter((job) => job.name === name).map((job) => outputs[job.key]);
      outputs[name] = parts[0].map((_, round) => {
        const failed = parts.find((part) => part[round].error)?.[round];
        return (
          failed ?? { usPerCall: Object.fromEntries(parts.map((part, i) => [`${ROWS[i].model}:${ROWS[i].batch}`, part[round].usPerCall])) }
        );
      });
    }
    const rows = ROWS.map((row) => {
      const key = `${row.model}:${row.batch}`;
      const values = {};
      const notes = {};
      for (const name of names) {
        // nodetorch's layer-by-layer way names the models it cannot split (not a Sequential).
        const outs = (outputs[name] ?? []).map(({ unsupported, ...out }) => (unsupported?.[key] ? { unsupported: unsupported[key] } : out));
        // Each process's median round, then the median over processes.
        const { value, note } = unavailable[name]
          ? { value: null, note: unavailable[name] }
          : cell(outs, (out) => median(out.usPerCall[key]));
        values[name] = value;
        if (note) notes[name] = note;
      }
      const plan = values['nodetorch (native plan)'];
      return {
        key: `${row.model}-b${row.batch}-t${threads}`,
        label: row.label,
        values,
        notes,
        ratios: Object.fromEntries(Object.entries(RATIOS).map(([name, [a, b]]) => [name, ratio(values[a], values[b])])),
        extras: {
          'nodetorch samples/s': Number.isFinite(plan) ? (row.batch * 1e6) / plan : null,
          'nodetorch % of SGEMM peak': fractionOfPeak(forwardFlops(row.model, row.batch), plan / 1000, ctx.peakGflops[threads]),
        },
      };
    });
    return {
      id: this.id,
      title: this.title,
      notes: [
        `1 thread for every participant (tfjs has no thread setting). Each process times ${innerRounds} rounds per row after a warm-up; a cell is the median over processes of their median round.`,
        'tfjs reads each result back (dataSync) so that its work is done; tfjs-cpu runs a twentieth of the calls, in one round.',
      ],
      // Not tfjs-wasm: its XNNPACK kernels against LibTorch's OpenBLAS measure which suits the CPU (a
      // fresh-clone CI machine ran LibTorch 3.6x slower at batch 1 and tfjs as fast), not nodetorch.
      checkedRatios: ['nodetorch / Python', 'nodetorch / C++'],
      columns: names,
      rows,
    };
  },
};
