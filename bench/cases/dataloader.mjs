// DataLoader throughput on EmbeddedMNIST's training digits through the MNIST training transforms
// (random crop with padding, random affine, normalize), batch 64, against numWorkers 0, 1, 2 and
// persistent workers; Python torch's DataLoader on the same digits with the same transforms and
// workers (processes there, worker threads here). "startup" is the wait for the first batch: worker
// start-up (and the dataset's load in each worker), every epoch unless the workers persist.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cell } from '../harness/cells.mjs';
import { threadEnv } from '../harness/machine.mjs';
import { PYTHON, benchDir, interleave, peer, progress, runParticipant } from '../harness/processes.mjs';
import { median, ratio } from '../harness/stats.mjs';

const BATCH = 64;
const CONFIGS = [
  { workers: 0, persistent: false, quick: true },
  { workers: 1, persistent: false },
  { workers: 1, persistent: true },
  { workers: 2, persistent: false },
  { workers: 2, persistent: true, quick: true },
];

/** The digits as raw files for Python, exported once by nodetorch. */
function mnistFiles(env) {
  const dir = path.join(benchDir, '.build', 'mnist');
  if (!existsSync(path.join(dir, 'train-labels.u8'))) runParticipant({ command: 'node', args: [peer('export-mnist.mjs'), dir], env });
  return dir;
}

const medianOf = (epochs, field) => median(epochs.map((epoch) => epoch[field]));

export default {
  id: 'dataloader',
  title: `DataLoader: ms per batch of ${BATCH} transformed MNIST digits`,
  run(ctx) {
    const threads = 1;
    const env = threadEnv(threads);
    const epochs = ctx.quick ? 2 : 3;
    const limit = ctx.quick ? 2048 : 4096;
    const dir = mnistFiles(env);
    const configs = CONFIGS.filter((c) => !ctx.quick || c.quick);
    const jobs = configs.flatMap((c) => [
      { key: `nodetorch ${c.workers}${c.persistent}`, command: 'node', args: [peer('nodetorch-dataloader.mjs'), c.workers, Number(c.persistent), epochs, BATCH, limit], env },
      { key: `Python ${c.workers}${c.persistent}`, command: PYTHON, args: [peer('python', 'dataloader.py'), dir, c.workers, Number(c.persistent), epochs, BATCH, limit, threads], env },
    ]); // prettier-ignore
    const outputs = interleave(jobs, ctx.rounds, (job, out) => progress(`dataloader: ${job.key} ${out.error ?? 'done'}`));
    const rows = configs.map((c) => {
      const values = {};
      const notes = {};
      const extras = {};
      for (const name of ['nodetorch', 'Python']) {
        const outs = outputs[`${name} ${c.workers}${c.persistent}`];
        const { value, note } = cell(outs, (out) => medianOf(out.epochs, 'msPerBatch'));
        values[name] = value;
        if (note) notes[name] = note;
        extras[`${name} startup, epoch 1 (s)`] = cell(outs, (out) => out.epochs[0].startup).value;
        extras[`${name} startup, later (s)`] = cell(outs, (out) => medianOf(out.epochs.slice(1), 'startup')).value;
      }
      extras['nodetorch images/s'] = Number.isFinite(values.nodetorch) ? (BATCH * 1000) / values.nodetorch : null;
      return {
        key: `workers${c.workers}${c.persistent ? '-persistent' : ''}`,
        label: `numWorkers ${c.workers}${c.persistent ? ', persistent' : ''}`,
        values,
        notes,
        ratios: { 'nodetorch / Python': ratio(values.nodetorch, values.Python) },
        extras,
      };
    });
    return {
      id: this.id,
      title: this.title,
      notes: [
        `${limit} digits, ${epochs} epochs per process, 1 compute thread. A cell is the median epoch's ms per batch after its first batch (the startup columns cover that wait).`,
      ],
      columns: ['nodetorch', 'Python'],
      rows,
    };
  },
};
