import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Test } from 'uvu';
import * as torch from '../lib/index.ts';

/** A tensor as the golden generators encode it. */
export interface Encoded {
  values: (number | string)[];
  shape: number[];
  dtype: torch.DType;
  requiresGrad?: boolean;
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

const number = (value: number | string): number => (typeof value === 'string' ? Number(value.replace('inf', 'Infinity')) : value);

/** Rebuilds an encoded tensor. */
export function decode(encoded: Encoded): torch.Tensor {
  const values = encoded.values.map(number);
  const flat = encoded.dtype === 'bool' ? values.map((v) => v !== 0) : values;
  const t = torch.tensor(flat, { dtype: encoded.dtype }).reshape(encoded.shape);
  if (encoded.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Asserts shape, dtype and values (NaN equal to NaN) within a relative+absolute tolerance. */
export function assertTensorClose(actual: torch.Tensor, expected: Encoded, tolerance = 1e-5, label = ''): void {
  assert.deepEqual(actual.shape, expected.shape, `${label} shape`);
  assert.equal(actual.dtype, expected.dtype, `${label} dtype`);
  const got = Array.from(actual.toTypedArray(), Number);
  const want = expected.values.map(number);
  assert.equal(got.length, want.length, `${label} numel`);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (Number.isNaN(w)) {
      assert.ok(Number.isNaN(g), `${label}[${i}]: expected NaN, got ${g}`);
    } else if (!Number.isFinite(w)) {
      assert.equal(g, w, `${label}[${i}]`);
    } else {
      assert.ok(Math.abs(g - w) <= tolerance * (1 + Math.abs(w)), `${label}[${i}]: expected ${w}, got ${g}`);
    }
  }
}

/** Asserts that nested arrays of numbers agree within a tolerance. */
export function assertArrayClose(actual: torch.NestedArray, expected: torch.NestedArray, tolerance = 1e-6): void {
  const flat = (value: torch.NestedArray): number[] => (Array.isArray(value) ? value.flatMap(flat) : [Number(value)]);
  const [got, want] = [flat(actual), flat(expected)];
  assert.equal(got.length, want.length, 'element count');
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= tolerance * (1 + Math.abs(w)), `[${i}]: expected ${w}, got ${got[i]}`));
}

/** Whether Debian's Python torch (the golden generators' interpreter) is installed, for interop checks. */
export const hasPythonTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** What a child process did: its exit status or the signal that killed it, and its output. */
export interface ChildOutcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an ES module script in a fresh Node process (with --expose-gc and tsx; `torch` is imported
 * from lib/ for it), for behaviour that could crash the process: a crash fails only the test.
 */
export function runIsolated(script: string, options: { timeoutMs?: number; flags?: string[] } = {}): ChildOutcome {
  const lib = JSON.stringify(new URL('../lib/index.ts', import.meta.url).pathname);
  const source = `import * as torch from ${lib};\n${script}`;
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', ...(options.flags ?? []), '--import', 'tsx', '--input-type=module', '-e', source],
    {
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 120_000,
    },
  );
  return { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

/** Asserts that the child exited normally (status 0), showing what it printed otherwise. */
export function assertSurvived(outcome: ChildOutcome, what: string): void {
  assert.ok(
    outcome.status === 0 && outcome.signal === null,
    `${what}: the process ${outcome.signal ? `was killed by ${outcome.signal}` : `exited with ${outcome.status}`}\n${outcome.stderr.slice(-2000)}`,
  );
}

/** A uvu test or suite (what `test` and `suite(...)` return). */
type Register = Test;

/**
 * Registers `fn` as `name`, or skips it when `skip` gives a reason; the reason is printed as a
 * `SKIP <name>: <reason>` line, which scripts/run-tests.mjs shows in its report.
 */
export function testOrSkip(register: Register, name: string, skip: string | false | undefined, fn: () => void | Promise<void>): void {
  if (!skip) {
    register(name, fn);
    return;
  }
  console.log(`SKIP ${name}: ${skip}`);
  register.skip(name, fn);
}

/** What a `nodetorch` command run by {@link runCli} did. */
export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `nodetorch ...args` (lib/cli/bin.ts through tsx) from the repository root. */
export function runCli(...args: string[]): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/bin.ts', ...args], { cwd: path.join(import.meta.dirname, '..') });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A CLI outcome for assertion messages. */
export const showCliOutcome = (o: CliOutcome): string => `exit ${o.code}\nstdout:\n${o.stdout}\nstderr:\n${o.stderr}`;

/**
 * Loads a TorchScript file in Python's torch.jit.load (Debian's python3-torch) on quantized
 * `engine` and runs it on the float32 tensor `values` reshaped to `shape`: its output, flattened.
 */
export function pythonJitForward(file: string, engine: string, input: { values: number[]; shape: number[] }): number[] {
  const script = `
import json, sys, torch
request = json.load(sys.stdin)
torch.backends.quantized.engine = request["engine"]
x = torch.tensor(request["values"], dtype=torch.float32).reshape(request["shape"])
print(json.dumps(torch.jit.load(request["file"])(x).reshape(-1).tolist()))
`;
  const request = JSON.stringify({ file, engine, values: input.values, shape: input.shape });
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: request, encoding: 'utf8' })) as number[];
}
