// Macro cases run each participant as its own process (a clean heap, allocator and thread pool) and
// interleave them in rounds, so that a noisy moment of this shared machine hits every peer alike.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const repoRoot = path.dirname(benchDir);
export const PYTHON = '/usr/bin/python3';

/** Path of a peer script under bench/peers/. */
export const peer = (...parts) => path.join(benchDir, 'peers', ...parts);

/**
 * Runs one participant and parses the last line of its stdout as JSON. A participant that fails
 * gives { error } (the end of its stderr) instead of failing the suite: its cells read n/a.
 */
export function runParticipant({ command, args, env, cwd = repoRoot, timeoutMs = 600_000 }) {
  const exe = command === 'node' ? process.execPath : command;
  const result = spawnSync(exe, args.map(String), { encoding: 'utf8', env, cwd, timeout: timeoutMs, maxBuffer: 64 << 20 });
  const last = result.stdout?.trim().split('\n').at(-1) ?? '';
  if (result.status === 0) {
    try {
      return JSON.parse(last);
    } catch {
      // fall through: report what it printed
    }
  }
  const why = result.error?.message ?? (result.stderr || last).trim().split('\n').slice(-3).join(' ');
  return { error: `${path.basename(exe)} exited ${result.status ?? result.signal}: ${why}`.slice(0, 400) };
}

/**
 * Runs every job once per round (a job with firstRoundOnly only in the first), in the same order each round; returns, per job key, the list of
 * its outputs (one per round). `onRun` sees each output as it arrives (progress on stderr).
 */
export function interleave(jobs, rounds, onRun = () => {}) {
  const outputs = Object.fromEntries(jobs.map((job) => [job.key, []]));
  for (let round = 0; round < rounds; round++) {
    for (const job of jobs) {
      if (job.firstRoundOnly && round > 0) continue; // a slow peer: one process is all it gets
      const output = runParticipant(job);
      outputs[job.key].push(output);
      onRun(job, output, round);
    }
  }
  return outputs;
}

/** Progress line on stderr (stdout is the report). */
export const progress = (message) => process.stderr.write(`  ${message}\n`);
