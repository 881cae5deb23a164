// Int8 inference (issue 14): latency at batch 1 and throughput at batch 64 of the suite's MLP and
// CNN in fp32 and quantized to int8 (dynamic: the Linear layers; static: conv-relu / linear-relu
// fused, calibrated, converted), eager and traced, against Python torch quantizing the same
// models the same way on the same engine. A participant is one process per round timing every
// way of every row, interleaved, so 'int8 / fp32' is measured seconds apart.
import { cell } from '../harness/cells.mjs';
import { threadEnv } from '../harness/machine.mjs';
import { PYTHON, interleave, peer, progress } from '../harness/processes.mjs';
import { median, ratio } from '../harness/stats.mjs';

const ROWS = [
  { model: 'mlp', batch: 1, int8: 'dynamic', label: 'MLP 784-256-128-10, batch 1 (latency)' },
  { model: 'mlp', batch: 64, int8: 'dynamic', label: 'MLP 784-256-128-10, batch 64 (throughput)' },
  { model: 'cnn', batch: 1, int8: 'static', label: 'CNN (2 conv), batch 1 (latency)' },
  { model: 'cnn', batch: 64, int8: 'static', label: 'CNN (2 conv), batch 64 (throughput)' },
];
const specs = ROWS.map((row) => `${row.model}:${row.batch}`);

// Milliseconds each way's round runs for, quick and full.
const ROUND_MS = [60, 250];

const PROCESSES = {
  nodetorch: {
    ways: {
      fp32: 'nodetorch fp32',
      'dynamic int8': 'nodetorch dynamic int8',
      'dynamic int8 traced': 'nodetorch dynamic int8 traced',
      'static int8': 'nodetorch static int8',
      'static int8 traced': 'nodetorch static int8 traced',
    },
    make: (ms, r, t) => ({ command: 'node', args: [peer('nodetorch-compress.mjs'), r, t, ms, ...specs] }),
  },
  Python: {
    ways: { fp32: 'Python fp32', 'dynamic int8': 'Python dynamic int8', 'static int8': 'Python static int8' },
    make: (ms, r, t) => ({ command: PYTHON, args: [peer('python', 'compress.py'), r, t, ms, ...specs] }),
  },
};

// The targets: the int8 way a row is about over fp32, both from the nodetorch process.
const TARGETS = { dynamic: { key: 'mlp-b64-', target: 2.5 }, static: { key: 'cnn-b64-', target: 2 } };

function targetNote(rows) {
  const parts = Object.entries(TARGETS).map(([kind, { key, target }]) => {
    const speedUp = rows.find((row) => row.key.startsWith(key))?.extras['fp32 / int8 (best of eager, traced)'];
    const measured = Number.isFinite(speedUp)
      ? `${speedUp.toFixed(2)}x in this run: ${speedUp >= target ? 'met' : 'not met'}`
      : 'not measured';
    return `${kind} int8 ${key.startsWith('mlp') ? 'MLP' : 'CNN'} at batch 64 >= ${target}x fp32: ${measured}`;
  });
  return `Targets (issue 14; speed-up = fp32 / int8, the faster of eager and traced): ${parts.join('; ')}.`;
}

export default {
  id: 'compress',
  title: 'Int8 inference: us per forward call, fp32 and dynamic / static int8',
  run(ctx) {
    const threads = 1;
    const innerRounds = 3;
    const ms = ROUND_MS[ctx.quick ? 0 : 1];
    const jobs = Object.entries(PROCESSES).map(([name, p]) => ({
      key: name,
      ...p.make(ms, innerRounds, threads),
      env: threadEnv(threads),
    }));
    const outputs = interleave(jobs, ctx.rounds, (job, out) => progress(`compress: ${job.key} ${out.error ?? 'done'}`));
    const columns = Object.values(PROCESSES).flatMap((p) => Object.values(p.ways));
    const engines = [...new Set(Object.values(outputs).flatMap((outs) => outs.map((out) => out.engine).filter(Boolean)))];
    const rows = ROWS.map((row) => {
      const key = `${row.model}:${row.batch}`;
      const values = {};
      const notes = {};
      for (const [name, p] of Object.entries(PROCESSES)) {
        for (const [way, column] of Object.entries(p.ways)) {
          const outs = outputs[name].map((out) =>
            out.error ? out : out.failures?.[way]?.[key] ? { error: out.failures[way][key] } : { us: out.usPerCall[way][key] },
          );
          const { value, note } = cell(outs, (out) => median(out.us));
          values[column] = value;
          if (note) notes[column] = note;
        }
      }
      const int8 = `${row.int8} int8`;
      const best = Math.min(...[values[`nodetorch ${int8}`], values[`nodetorch ${int8} traced`]].filter(Number.isFinite));
      return {
        key: `${row.model}-b${row.batch}-t${threads}`,
        label: `${row.label}: ${int8}`,
        values,
        notes,
        ratios: {
          'int8 / fp32': ratio(values[`nodetorch ${int8}`], values['nodetorch fp32']),
          'int8 traced / fp32': ratio(values[`nodetorch ${int8} traced`], values['nodetorch fp32']),
          'nodetorch int8 / Python int8': ratio(values[`nodetorch ${int8}`], values[`Python ${int8}`]),
        },
        extras: {
          'fp32 / int8 (best of eager, traced)': Number.isFinite(best) ? ratio(values['nodetorch fp32'], best) : null,
          'Python fp32 / int8': ratio(values['Python fp32'], values[`Python ${int8}`]),
        },
      };
    });
    return {
      id: this.id,
      title: this.title,
      notes: [
        `1 thread for every participant, every forward without autograd, quantized engine ${engines.join(', ') || 'unknown'}. Each process times ${innerRounds} rounds of every way of a row, interleaved, each round about ${ms} ms after a warm-up of as long; a cell is the median over processes of their median round. Weights are the seeded random initialization (timing does not depend on training); static int8 calibrates on 4 random batches of the row's size.`,
        'fp32: the float model eager, NCHW (nodetorch: its native plan); dynamic int8: quantizeDynamic on the Linear layers (the CNN has one); static int8: fuseModules on the conv-relu / linear-relu runs by name, QuantWrapper, getDefaultQconfig(engine), prepare, calibrate, convert; traced: torch.jit.trace of the int8 module (its output checked against the eager one). Python: quantize_dynamic and the same eager-mode steps.',
        targetNote(rows),
        "Each row's int8 is the one its label names (the MLP's dynamic, the CNN's static); the other ways are in the columns. No ratio is checked in CI yet: 'int8 traced / fp32' moved by up to 2.8x between runs on the busy VM (the NCHW fp32 CNN alone took 20-28 ms at batch 64), more than the check's 1.75x margin.",
      ],
      // Reported only: see the last note (checking it would flake on this VM).
      checkedRatios: [],
      columns,
      rows,
    };
  },
};
