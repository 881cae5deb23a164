// Peak RSS of a 10-epoch MNIST training run on the embedded digits: the repo's own command
// (`nodetorch train trainer.max_epochs=10`, the default config: an MLP 784-128-10, SGD, batch 64,
// a test pass per epoch, CSV logs, checkpoints and curves) against Python torch doing the same
// training and evaluation (without the logs and plots).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cell } from '../harness/cells.mjs';
import { threadEnv } from '../harness/machine.mjs';
import { measurePeakRss } from '../harness/peak-rss.mjs';
import { PYTHON, benchDir, peer, progress, repoRoot, runParticipant } from '../harness/processes.mjs';
import { ratio } from '../harness/stats.mjs';

const EPOCHS = 10;

export default {
  id: 'peak-rss',
  title: `Peak RSS (MB) of a ${EPOCHS}-epoch MNIST training run`,
  run(ctx) {
    const threads = 1;
    const env = threadEnv(threads);
    const dir = path.join(benchDir, '.build', 'mnist');
    runParticipant({ command: 'node', args: [peer('export-mnist.mjs'), dir], env });
    const runs = { nodetorch: [], Python: [] };
    for (let round = 0; round < ctx.rounds; round++) {
      // The CLI writes its run folder (outputs/...) under the working directory: a fresh one each time.
      const cwd = mkdtempSync(path.join(os.tmpdir(), 'nodetorch-bench-'));
      const cli = path.join(repoRoot, 'dist', 'cli.js');
      runs.nodetorch.push(measurePeakRss({ command: 'node', args: [cli, 'train', `trainer.max_epochs=${EPOCHS}`, 'trainer.enable_progress_bar=false'], env, cwd }));
      rmSync(cwd, { recursive: true, force: true });
      runs.Python.push(measurePeakRss({ command: PYTHON, args: [peer('python', 'mnist_rss.py'), dir, EPOCHS, threads], env }));
      progress(`peak RSS: nodetorch ${runs.nodetorch.at(-1).mb?.toFixed(0) ?? runs.nodetorch.at(-1).error} MB, Python ${runs.Python.at(-1).mb?.toFixed(0) ?? runs.Python.at(-1).error} MB`);
    } // prettier-ignore
    const values = {};
    const notes = {};
    const extras = {};
    for (const [name, outs] of Object.entries(runs)) {
      const { value, note } = cell(outs, (out) => out.mb);
      values[name] = value;
      if (note) notes[name] = note;
      extras[`${name} wall time (s)`] = cell(outs, (out) => out.seconds).value;
    }
    return {
      id: this.id,
      title: this.title,
      notes: ['Maximum resident set size from /usr/bin/time -v, median over rounds; 1 thread; lower is better.'],
      columns: Object.keys(runs),
      rows: [
        {
          key: `mnist-mlp-${EPOCHS}-epochs`,
          label: `nodetorch train trainer.max_epochs=${EPOCHS} / the same in Python`,
          values,
          notes,
          ratios: { 'nodetorch / Python': ratio(values.nodetorch, values.Python) },
          extras,
        },
      ],
    };
  },
};
