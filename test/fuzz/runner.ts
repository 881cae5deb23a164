/**
 * Runs fuzz cases in child processes, in batches, and reports every case that crashed the process,
 * hung, or threw something that is not an Error, with a reproducer. A batch that dies is resumed
 * after the case that killed it, so one crash does not hide the next.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzCategory, FuzzMode } from './case.ts';
import { PRELUDE } from './case.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child.ts');
/**
 * glibc's checking malloc, with nodetorch's block cache off: a write past a buffer then aborts at
 * the next free, in the case that made it, instead of corrupting memory that a later case trips over.
 */
const MALLOC_DEBUG = '/lib/x86_64-linux-gnu/libc_malloc_debug.so.0';
const HEAP_CHECKS: Record<string, string> = existsSync(MALLOC_DEBUG)
  ? { LD_PRELOAD: MALLOC_DEBUG, MALLOC_CHECK_: '3', NODETORCH_CPU_CACHE_MB: '0' }
  : { NODETORCH_CPU_CACHE_MB: '0' };
/** 8 GiB of data per child: V8 and LibTorch fit, a 2^31-element float tensor does not. */
const MEMORY_LIMIT_KB = 8 * 1024 * 1024;

/** One case that failed. */
export interface FuzzFailure {
  category: string;
  seed: number;
  index: number;
  /** How it failed: 'signal SIGSEGV', 'exit 133', 'hung', 'threw a non-Error', 'wrong result: ...'. */
  outcome: string;
  title: string;
  /** A standalone ESM program that repeats the case. */
  reproducer: string;
  /** The end of the child's stderr. */
  output: string;
}

export interface RunOptions {
  seed: number;
  mode: FuzzMode;
  /** Cases per child process. */
  batch?: number;
  /** Child processes at once. */
  concurrency?: number;
  /** A case running longer than this counts as hung (default: the category's, else 30 s). */
  caseTimeoutMs?: number;
}

interface BatchResult {
  /** The index to resume at, or null when the batch finished. */
  diedAt: number | null;
  outcome: string;
  output: string;
  /** Cases that threw a non-Error or reported a wrong result, with what they said. */
  odd: { index: number; outcome: string }[];
}

function runBatch(category: string, seed: number, first: number, count: number, caseTimeoutMs: number, mode: string): Promise<BatchResult> {
  return new Promise((resolve, reject) => {
    // Under a data-size cap, a request for a huge tensor fails at once (an out-of-memory TorchError)
    // instead of taking the machine's memory; bash sets it (Node cannot). RLIMIT_DATA, not the
    // address-space limit: WebAssembly (which tsx uses) reserves far more address space than it uses.
    const command = `ulimit -d ${MEMORY_LIMIT_KB} && exec "$0" "$@"`;
    const argv = [process.execPath, '--expose-gc', '--import', 'tsx', CHILD, category, String(seed), String(first), String(count)];
    const child = spawn('bash', ['-c', command, ...argv], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODETORCH_FUZZ_MODE: mode, ...HEAP_CHECKS },
    });
    let stderr = '';
    let current: number | null = null;
    let finished = false;
    const odd: { index: number; outcome: string }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => child.kill('SIGKILL'), caseTimeoutMs);
    };
    arm();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
      for (const line of chunk.split('\n')) {
        const started = /^case (\d+)$/.exec(line);
        if (started) {
          current = Number(started[1]);
          arm();
        }
        const strange = /^(not-an-error|mismatch) (\d+) ?(.*)$/.exec(line);
        if (strange)
          odd.push({ index: Number(strange[2]), outcome: strange[1] === 'mismatch' ? `wrong result: ${strange[3]}` : 'threw a non-Error' });
        if (line === 'done') finished = true;
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (finished && code === 0) return resolve({ diedAt: null, outcome: 'ok', output: '', odd });
      const outcome = signal === 'SIGKILL' ? 'hung' : signal ? `signal ${signal}` : `exit ${code}`;
      if (current === null) reject(new Error(`a fuzz child failed to start (${outcome}):\n${stderr.slice(-2000)}`));
      else resolve({ diedAt: current, outcome, output: stderr.slice(-4000), odd });
    });
  });
}

function reproducer(category: FuzzCategory, seed: number, index: number, mode: FuzzMode): { title: string; code: string } {
  const fuzzCase = category.make(seed, index, mode);
  return { title: fuzzCase.title, code: `${PRELUDE}${fuzzCase.code};\nconsole.log('no crash');\n` };
}

/**
 * The case to blame when a batch died at `diedAt`: that case if it dies on its own, else the latest
 * earlier case from which running on to `diedAt` still dies (it corrupted memory that a later case
 * tripped over), found by bisection.
 */
async function findCulprit(category: string, options: RunOptions, first: number, diedAt: number, caseTimeoutMs: number): Promise<number> {
  const dies = async (from: number) =>
    (await runBatch(category, options.seed, from, diedAt - from + 1, caseTimeoutMs, options.mode)).diedAt !== null;
  if (await dies(diedAt)) return diedAt;
  if (!(await dies(first))) return diedAt; // not reproducible: report where it happened
  let low = first; // dies when started here
  let high = diedAt; // does not
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await dies(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/** Runs the category's cases for the mode and returns the failures. */
export async function runCategory(category: FuzzCategory, options: RunOptions): Promise<FuzzFailure[]> {
  const total = category.counts[options.mode];
  const batch = options.batch ?? 250;
  const caseTimeoutMs = options.caseTimeoutMs ?? category.caseTimeoutMs?.[options.mode] ?? 30_000;
  const failures: FuzzFailure[] = [];
  const queue: [number, number][] = [];
  for (let first = 0; first < total; first += batch) queue.push([first, Math.min(batch, total - first)]);
  const fail = (index: number, outcome: string, output: string) => {
    const { title, code } = reproducer(category, options.seed, index, options.mode);
    failures.push({ category: category.name, seed: options.seed, index, outcome, title, reproducer: code, output });
  };
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const [first, count] = job;
      const result = await runBatch(category.name, options.seed, first, count, caseTimeoutMs, options.mode);
      for (const { index, outcome } of result.odd) fail(index, outcome, '');
      if (result.diedAt === null) continue;
      const culprit = await findCulprit(category.name, options, first, result.diedAt, caseTimeoutMs);
      const later = culprit === result.diedAt ? '' : ` (the process died later, at case ${result.diedAt})`;
      fail(culprit, result.outcome + later, result.output);
      const next = result.diedAt + 1;
      if (next < first + count) queue.push([next, first + count - next]);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker));
  return failures.sort((a, b) => a.index - b.index);
}

/** A failure as a report paragraph. */
export function formatFailure(failure: FuzzFailure): string {
  return (
    `[${failure.category}] case ${failure.index} (seed ${failure.seed}): ${failure.outcome}: ${failure.title}\n` +
    `replay: npm run fuzz -- ${failure.category} --seed ${failure.seed} --case ${failure.index}\n` +
    `--- reproducer ---\n${failure.reproducer}--- output (tail) ---\n${failure.output.split('\n').slice(-12).join('\n')}\n`
  );
}
