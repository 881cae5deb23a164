// Micro cases: op dispatch overhead, tensor creation, typed-array transfer both ways and async call
// overhead (bench/peers/micro-cases.mjs), timed by Benchmark.js in a nodetorch process and, where
// Python has the same call, by timeit in a Python torch process (1 thread each). Cells are
// microseconds per call (Benchmark.js's mean); the statistics (relative margin of error, samples)
// come with them.
import { threadEnv } from '../harness/machine.mjs';
import { PYTHON, interleave, peer, progress } from '../harness/processes.mjs';
import { median, ratio } from '../harness/stats.mjs';
import { microCases } from '../peers/micro-cases.mjs';

export default {
  id: 'micro',
  title: 'Micro: us per call (Benchmark.js; Python via timeit)',
  run(ctx) {
    const env = threadEnv(1);
    const maxTime = ctx.quick ? 0.3 : 1.5;
    // The cases' labels and Python statements only: their functions are never called here.
    const cases = microCases({ ops: {} }, {});
    const statements = Object.fromEntries(cases.filter((c) => c.python).map((c) => [c.id, c.python]));
    const outputs = interleave(
      [
        { key: 'nodetorch', command: 'node', args: [peer('nodetorch-micro.mjs'), maxTime], env },
        { key: 'Python', command: PYTHON, args: [peer('python', 'micro.py'), maxTime, 1, JSON.stringify(statements)], env },
      ],
      ctx.rounds,
      (job, out) => progress(`micro: ${job.key} ${out.error ?? 'done'}`),
    );
    const errorOf = (runs) => runs.find((out) => out.error)?.error ?? 'not measured';
    // Over rounds: the median of the means; the margin of error and sample count of the first round.
    const side = (runs, id) => {
      const stats = runs.map((out) => out.cases?.[id]).filter(Boolean);
      return stats.length ? { ...stats[0], mean: median(stats.map((one) => one.mean)) } : undefined;
    };
    const rows = cases.map((c) => {
      const [n, p] = [side(outputs.nodetorch, c.id), c.python ? side(outputs.Python, c.id) : undefined];
      const values = { nodetorch: n ? n.mean * 1e6 : null, 'Python torch': p ? p.mean * 1e6 : null };
      const notes = {};
      if (!n) notes.nodetorch = errorOf(outputs.nodetorch);
      if (!p) notes['Python torch'] = c.python ? errorOf(outputs.Python) : 'no Python counterpart';
      return {
        key: c.id,
        label: c.label,
        unchecked: c.unchecked,
        values,
        notes,
        ratios: { 'nodetorch / Python': ratio(values.nodetorch, values['Python torch']) },
        extras: {
          'nodetorch ± (%)': n?.rme,
          'nodetorch samples': n?.samples,
          'Python ± (%)': p?.rme,
          'Python samples': p?.samples,
        },
      };
    });
    return {
      id: this.id,
      title: this.title,
      notes: [
        `Benchmark.js for up to ${maxTime} s per case; timeit in 10 batches over the same time. ± is the relative margin of error at 95%.`,
        'Python: `python` column statements in bench/peers/micro-cases.mjs (from_numpy shares memory as fromTypedArray does; numpy().copy() copies as toTypedArray does).',
        ...cases.filter((c) => c.unchecked).map((c) => `Not checked against the baseline: '${c.label}': ${c.unchecked}.`),
      ],
      columns: ['nodetorch', 'Python torch'],
      rows,
    };
  },
};
