// The machine and the thread settings every participant runs with, printed with each result.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** CPU model (lscpu's when os.cpus() has none), core count, Node and OS. */
export function describeMachine() {
  let model = os.cpus()[0]?.model?.trim();
  if (!model) {
    try {
      model = /Model name:\s*(.+)/.exec(execFileSync('lscpu', { encoding: 'utf8' }))?.[1]?.trim();
    } catch {
      // no lscpu: the model stays unknown
    }
  }
  return { cpu: model ?? 'unknown CPU', cores: os.cpus().length, node: process.version, os: `${os.type()} ${os.release()}` };
}

const THREAD_VARIABLES = ['NODETORCH_NUM_THREADS', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'];

/**
 * The OpenBLAS kernels and OpenMP wait policy nodetorch picks at load (lib/native.ts), read from a
 * nodetorch process once: pinned participants all get them, so Python and C++ run the same kernels.
 */
export const libraryEnv = (() => {
  const script =
    "const t = await import('nodetorch'); console.log(JSON.stringify({ OPENBLAS_CORETYPE: t.config().blasCore, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? '' }))";
  const found = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim());
  return Object.fromEntries(Object.entries(found).filter(([, value]) => value !== ''));
})();

/**
 * The environment of a participant pinned to `threads` (LibTorch intra-op and OpenBLAS alike), or,
 * with threads null, the environment without any thread variable (a library's own defaults).
 */
export function threadEnv(threads) {
  const env = { ...process.env };
  for (const name of THREAD_VARIABLES) delete env[name];
  if (threads === null) return env;
  for (const name of THREAD_VARIABLES) env[name] = String(threads);
  return { ...env, ...libraryEnv };
}

/** Human-readable thread setting of a participant. */
export const threadLabel = (threads) => (threads === null ? 'library defaults (no thread variables)' : `${threads}`);
