// Serving (issue 15): `nodetorch serve` against a FastAPI + PyTorch server (uvicorn, the stack the
// seed names) serving the same TorchScript files of the MNIST CNN, fp32 and int8 (its Linear layer
// dynamically quantized), nodetorch with and without batching. autocannon on loopback sends one
// digit per request as {"data": [784 floats]}; each measurement is its own server process. Then a
// soak: 100,000 requests with one in ten malformed, the server's RSS sampled throughout.
// Full suite only (`node bench/run.mjs --only serve`): the quick suite and its baseline are unchanged.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cell } from '../harness/cells.mjs';
import { threadEnv } from '../harness/machine.mjs';
import { PYTHON, interleave, peer, progress, runParticipant } from '../harness/processes.mjs';
import { ratio } from '../harness/stats.mjs';

const CONNECTIONS = 16;
const SECONDS = 10;
const SOAK_REQUESTS = 100_000;
const MODELS = [
  { key: 'fp32', file: 'cnn.pt', label: 'MNIST CNN fp32' },
  { key: 'int8', file: 'cnn-int8.pt', label: 'MNIST CNN int8 (dynamic, Linear)' },
];
const SERVERS = [
  { key: 'nodetorch-b1', server: 'nodetorch', batch: 1, label: 'nodetorch' },
  { key: 'nodetorch-b8', server: 'nodetorch', batch: 8, label: 'nodetorch batched (8, 5 ms)' },
  { key: 'fastapi', server: 'fastapi', batch: 1, label: 'FastAPI + PyTorch' },
];
const COLUMNS = SERVERS.flatMap((s) => [`${s.label} req/s`, `${s.label} p50 ms`, `${s.label} p99 ms`]);

function sameLogits(a, b) {
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-4);
}

export default {
  id: 'serve',
  title: 'Serving: requests/s and latency over HTTP, nodetorch serve against FastAPI + PyTorch',
  run(ctx) {
    if (ctx.quick)
      return {
        id: this.id,
        title: this.title,
        notes: ['Runs in the full suite only (node bench/run.mjs --only serve).'],
        columns: [],
        rows: [],
      };
    const threads = 1;
    const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-bench-serve-'));
    const exported = runParticipant({ command: 'node', args: [peer('serve-export.mjs'), dir], env: threadEnv(threads) });
    if (exported.error) throw new Error(`serve: exporting the models failed: ${exported.error}`);
    const rows = MODELS.map((model) => {
      const jobs = SERVERS.map((s) => ({
        key: s.key,
        command: 'node',
        args: [peer('serve-load.mjs'), 'load', s.server, path.join(dir, model.file), s.batch, SECONDS, CONNECTIONS, threads],
        env: threadEnv(threads),
      }));
      const outputs = interleave(jobs, ctx.rounds, (job, out) =>
        progress(`serve ${model.key}: ${job.key} ${out.error ?? `${Math.round(out.requestsPerSecond)} req/s`}`),
      );
      const values = {};
      const notes = {};
      const reference = outputs.fastapi.find((out) => !out.error)?.logits;
      for (const s of SERVERS) {
        const outs = outputs[s.key].map((out) =>
          out.error
            ? out
            : reference && !sameLogits(out.logits, reference)
              ? { error: 'answers differ from the FastAPI peer (1e-4)' }
              : out,
        );
        for (const [suffix, pick] of [
          ['req/s', (out) => out.requestsPerSecond],
          ['p50 ms', (out) => out.p50],
          ['p99 ms', (out) => out.p99],
        ]) {
          const { value, note } = cell(outs, pick);
          values[`${s.label} ${suffix}`] = value;
          if (note) notes[`${s.label} ${suffix}`] = note;
        }
      }
      return {
        key: `serve-${model.key}`,
        label: model.label,
        values,
        notes,
        ratios: {
          'nodetorch / FastAPI req/s': ratio(values['nodetorch req/s'], values['FastAPI + PyTorch req/s']),
          'nodetorch batched / FastAPI req/s': ratio(values['nodetorch batched (8, 5 ms) req/s'], values['FastAPI + PyTorch req/s']),
          'nodetorch batched / FastAPI p99': ratio(values['nodetorch batched (8, 5 ms) p99 ms'], values['FastAPI + PyTorch p99 ms']),
        },
        extras: {},
      };
    });
    const soak = runParticipant({
      command: 'node',
      args: [peer('serve-load.mjs'), 'soak', 'nodetorch', path.join(dir, 'cnn.pt'), 8, SOAK_REQUESTS, CONNECTIONS, threads],
      env: threadEnv(threads),
    });
    progress(
      `serve soak: ${soak.error ?? `${soak.requests} requests, RSS ${soak.rssFirstQuarterMiB?.toFixed(1)} -> ${soak.rssLastQuarterMiB?.toFixed(1)} MiB`}`,
    );
    const soakNote = soak.error
      ? `Soak: failed: ${soak.error}`
      : `Soak (nodetorch batched, fp32): ${soak.requests} requests in ${Math.round(soak.requests / soak.requestsPerSecond)} s, ${soak.malformedAnswered} of them malformed and answered 4xx, ${soak.errors} connection errors or timeouts; RSS mean over the first quarter ${soak.rssFirstQuarterMiB.toFixed(1)} MiB, over the last ${soak.rssLastQuarterMiB.toFixed(1)} MiB (max ${soak.rssMaxMiB.toFixed(1)}); afterwards the server ${soak.stillServes ? 'still answered /ping and gave the same prediction' : 'did NOT answer as before'}.`;
    return {
      id: this.id,
      title: this.title,
      notes: [
        `${CONNECTIONS} autocannon connections for ${SECONDS} s per measurement (after 1 s of warm-up), on loopback, sharing the machine's cores with the server; 1 intra-op thread per server process. nodetorch: nodetorch serve --foreground with 2 workers (forwards on the thread pool), batch_size 1, or batch_size 8 with max_batch_delay 5 ms; FastAPI: ${PYTHON} with FastAPI and uvicorn (one process), a plain def endpoint run in its thread pool, torch.inference_mode. Both serve the same TorchScript file (traced by nodetorch; Python's torch.jit.load reads it) and their first answers are checked equal (1e-4). A cell is the median over rounds.`,
        'Target (issue 15): higher throughput than the FastAPI peer at equal or lower p99.',
        soakNote,
      ],
      // Reported, not checked: two servers and a load generator share 2 cores, too noisy for CI.
      checkedRatios: [],
      columns: COLUMNS,
      rows,
    };
  },
};
