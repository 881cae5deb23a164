// `nodetorch sweep`: trials as `nodetorch train` child processes (a real grid through the real
// command), random / bayes with run_cap, hyperband stopping fed by the per-epoch progress file,
// the state file with Ctrl-C and resume (no trial lost or run twice), the results (results.csv,
// best.json, best-config.yaml, the parallel-coordinates plot) and the usage errors (exit code 2).
// The fast cases run a fake trial program (a few lines of Node below) in place of `nodetorch train`.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { main } from '../lib/cli/main.ts';
import { PROGRESS_ENV, SweepProgress, progressCallbackFromEnv } from '../lib/cli/sweep/progress-callback.ts';
import { readProgress } from '../lib/cli/sweep/progress.ts';
import { writeReport } from '../lib/cli/sweep/report.ts';
import { SweepRunner } from '../lib/cli/sweep/runner.ts';
import { loadState, openState, type SweepState } from '../lib/cli/sweep/state.ts';
import { parseSweepConfig } from '../lib/sweep/index.ts';

const root = path.resolve(import.meta.dirname, '..');
const fixture = (name: string) => path.join(root, 'test', 'fixtures', 'sweep', name);
const scratch = () => mkdtempSync(path.join(tmpdir(), 'nodetorch-sweep-'));
const TINY = [
  'trainer.max_epochs=1',
  'data.train_size=256',
  'data.test_size=100',
  'trainer.enable_progress_bar=false',
  'trainer.enable_curves=false',
];

// The fake trial: reads key=value overrides, reports loss = x + 1/(epoch+1) per epoch to the
// progress file, on SIGINT writes checkpoints/interrupted.ckpt (its epoch) and stops; appends its
// argv to runs.jsonl (one line per run), writes result.json; `fail=true` exits 3 without one.
const FAKE_TRIAL = `
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const argv = process.argv.slice(2);
const args = Object.fromEntries(argv.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1).replace(/^'(.*)'$/, '$1')]));
const dir = args['hydra.run.dir'];
mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
appendFileSync(path.join(dir, 'runs.jsonl'), JSON.stringify(argv) + '\\n');
const x = Number(args.x ?? 0), epochs = Number(args.epochs ?? 3), ms = Number(args.ms ?? 10);
const loss = (epoch) => x + 1 / (epoch + 1);
let epoch = args.ckpt_path ? JSON.parse(readFileSync(args.ckpt_path, 'utf8')).epoch : 0;
let stop = false;
process.on('SIGINT', () => (stop = true));
while (epoch < epochs && !stop) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  if (stop) break;
  appendFileSync(process.env.NODETORCH_SWEEP_PROGRESS, JSON.stringify({ epoch, metrics: { loss: loss(epoch) } }) + '\\n');
  epoch++;
}
if (stop) writeFileSync(path.join(dir, 'checkpoints', 'interrupted.ckpt'), JSON.stringify({ epoch }));
if (args.fail === 'true') process.exit(3);
writeFileSync(path.join(dir, 'result.json'), JSON.stringify({ runDir: dir, metrics: { loss: loss(epoch - 1) }, bestModelPath: null }));
`;
const fakeProgram = (() => {
  const file = path.join(scratch(), 'fake-trial.mjs');
  writeFileSync(file, FAKE_TRIAL);
  return file;
})();

/** A state for `fixtureName` in a new folder, and a runner over it with the fake trial program. */
function fakeSweep(fixtureName: string, options: { seed?: number; agents?: number; sweepDir?: string; extra?: string[] } = {}) {
  const sweepDir = options.sweepDir ?? scratch();
  const sweepFile = fixture(fixtureName);
  const state = openState(
    sweepDir,
    { sweepFile, config: parseSweepConfig(readFileSync(sweepFile, 'utf8')), seed: options.seed, extraOverrides: options.extra },
    { configDir: root, configName: 'config' },
  );
  const runner = new SweepRunner({
    sweepDir,
    state,
    trialCommand: [process.execPath, fakeProgram],
    agents: options.agents,
    pollMs: 15,
    log: () => {},
  });
  return { sweepDir, state, runner };
}

/** Runs the CLI in a child process (`node --import tsx lib/cli/bin.ts ...` from the repo root). */
function cli(args: string[], onStart?: (child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/bin.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  onStart?.(child);
  return new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
}

/** main() in this process, with what it writes to stderr. */
async function mainCaptured(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const [write, log] = [process.stderr.write.bind(process.stderr), console.log];
  process.stderr.write = (chunk: string | Uint8Array) => ((stderr += chunk.toString()), true);
  console.log = () => {}; // the sweep's progress lines
  try {
    return { code: await main(args), stderr };
  } finally {
    process.stderr.write = write;
    console.log = log;
  }
}

const until = async (ok: () => boolean, what: string, timeoutMs = 60_000) => {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
const runsOf = (runDir: string) =>
  readFileSync(path.join(runDir, 'runs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[]);
const stateOf = (sweepDir: string): SweepState => loadState(sweepDir)!;

test('a grid through the real nodetorch train, 2 agents: state file, results.csv, best.json, best-config.yaml, the plot', async () => {
  const sweepDir = scratch();
  const started = performance.now();
  const { code, out } = await cli(['sweep', fixture('cli-grid.yaml'), '--agents', '2', '--sweep-dir', sweepDir, ...TINY]);
  assert.equal(code, 0, out);
  const seconds = (performance.now() - started) / 1000;
  const state = stateOf(sweepDir);
  assert.equal(state.trials.length, 2);
  assert.deepEqual(
    state.trials.map((t) => [t.id, t.state, t.overrides]),
    [
      [0, 'finished', ['optimizer.lr=0.1']],
      [1, 'finished', ['optimizer.lr=0.3']],
    ],
  );
  assert.deepEqual(state.extraOverrides, TINY);
  for (const trial of state.trials) {
    assert.equal(trial.runDir, path.join(sweepDir, 'trials', String(trial.id)));
    const result = JSON.parse(readFileSync(path.join(trial.runDir, 'result.json'), 'utf8')) as { metrics: Record<string, number> };
    assert.equal(trial.value, result.metrics['val/acc'], 'the value is the final val/acc of result.json');
    // The trial ran with the extra overrides and in its folder: Hydra's overrides.yaml says so.
    const hydraOverrides = readFileSync(path.join(trial.runDir, '.hydra', 'overrides.yaml'), 'utf8');
    assert.match(hydraOverrides, /trainer\.max_epochs=1/);
    assert.ok(trial.startedAt <= trial.endedAt!);
  }
  const best = state.trials.reduce((a, b) => (b.value! > a.value! ? b : a));
  const csv = readFileSync(path.join(sweepDir, 'results.csv'), 'utf8').trim().split('\n');
  assert.deepEqual(csv, [
    'trial,state,val/acc,optimizer.lr',
    `0,finished,${state.trials[0]!.value},0.1`,
    `1,finished,${state.trials[1]!.value},0.3`,
  ]);
  const bestFile = JSON.parse(readFileSync(path.join(sweepDir, 'best.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(bestFile.id, best.id);
  assert.equal(bestFile.value, best.value);
  assert.deepEqual(bestFile.params, best.params);
  assert.deepEqual(bestFile.overrides, [...best.overrides, ...TINY]);
  assert.equal(bestFile.runDir, best.runDir);
  assert.ok(existsSync(bestFile.bestModelPath as string), 'best.json names the best checkpoint');
  assert.equal(
    readFileSync(path.join(sweepDir, 'best-config.yaml'), 'utf8'),
    readFileSync(path.join(best.runDir, '.hydra', 'config.yaml'), 'utf8'),
  );
  const svg = readFileSync(path.join(sweepDir, 'parallel-coordinates.svg'), 'utf8');
  assert.match(svg, /^<svg /);
  for (const text of ['optimizer.lr', 'val/acc', '2 trials']) assert.ok(svg.includes(text), `the plot names ${text}`);
  const png = readFileSync(path.join(sweepDir, 'parallel-coordinates.png'));
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  // The printed table marks the best trial.
  assert.match(out, new RegExp(`^\\* ${best.id} +finished`, 'm'));
  console.log(`  (real 2-trial grid with 2 agents: ${seconds.toFixed(1)} s)`);
});

test('random and bayes stop at run_cap; the same seed suggests the same trials, another seed others', async () => {
  const a = fakeSweep('cli-random.yaml', { seed: 7, agents: 2 });
  await a.runner.run();
  assert.equal(a.state.trials.length, 5);
  assert.ok(a.state.trials.every((t) => t.state === 'finished'));
  for (const t of a.state.trials) {
    const x = t.params.x as number;
    assert.ok(x >= 0 && x <= 3 && ['sgd', 'adam'].includes(t.params.opt as string));
    assert.ok(Math.abs(t.value! - (x + 1 / 2)) < 1e-12, 'the value is the final loss the trial reported');
  }
  const b = fakeSweep('cli-random.yaml', { seed: 7 });
  await b.runner.run();
  assert.deepEqual(
    b.state.trials.map((t) => t.params),
    a.state.trials.map((t) => t.params),
  );
  const c = fakeSweep('cli-random.yaml', { seed: 8 });
  await c.runner.run();
  assert.notDeepEqual(
    c.state.trials.map((t) => t.params),
    a.state.trials.map((t) => t.params),
  );
  const bayes = fakeSweep('cli-bayes.yaml');
  await bayes.runner.run();
  assert.equal(bayes.state.trials.length, 6);
  assert.ok(bayes.state.trials.every((t) => t.state === 'finished' && (t.params.x as number) >= 0.01 && (t.params.x as number) <= 10));
  // Each trial ran once, in its own folder, with its params as overrides.
  for (const t of bayes.state.trials) assert.deepEqual(runsOf(t.runDir)[0]!.slice(0, 3), [...t.overrides]);
});

test('hyperband: the worse trials get SIGINT after their 2nd epoch and are marked stopped with their last value', async () => {
  const { state, runner, sweepDir } = fakeSweep('cli-hyperband.yaml');
  await runner.run();
  assert.deepEqual(
    state.trials.map((t) => t.state),
    ['finished', 'finished', 'stopped', 'stopped'],
  );
  for (const t of state.trials.slice(0, 2)) assert.equal(t.values.length, 8);
  for (const t of state.trials.slice(2)) {
    assert.ok(t.values.length >= 2 && t.values.length < 8, `trial ${t.id} stopped early (${t.values.length} epochs)`);
    assert.equal(t.value, t.values[t.values.length - 1]);
    assert.ok(existsSync(path.join(t.runDir, 'checkpoints', 'interrupted.ckpt')), 'it was sent SIGINT');
  }
  // The report: the stopped trials in the table, the best finished one in best.json (no .hydra here: no config copy).
  const report = await writeReport(sweepDir, state);
  assert.equal(report.best?.id, 0);
  assert.equal(report.best?.config, null);
  const csv = readFileSync(path.join(sweepDir, 'results.csv'), 'utf8');
  assert.match(csv, /^trial,state,loss,epochs,ms,x\n0,finished,0\.125,8,60,0\n1,finished,1\.125,8,60,1\n/);
  assert.match(csv, /\n3,stopped,3\.\d+,8,60,3\n$/);
  assert.ok(readFileSync(path.join(sweepDir, 'parallel-coordinates.svg'), 'utf8').includes('4 trials'));
});

test('interrupt and resume: the running trial continues from its interrupted.ckpt, none is lost or run twice', async () => {
  const first = fakeSweep('cli-resume.yaml');
  const run = first.runner.run();
  await until(() => (first.state.trials[1]?.values.length ?? 0) >= 2, 'trial 1 to report 2 epochs');
  first.runner.interrupt();
  const outcome = await run;
  assert.equal(outcome.interrupted, true);
  const saved = stateOf(first.sweepDir);
  assert.deepEqual(
    saved.trials.map((t) => t.state),
    ['finished', 'running'],
  );
  const ckpt = path.join(saved.trials[1]!.runDir, 'checkpoints', 'interrupted.ckpt');
  assert.ok(existsSync(ckpt));

  // Resume from the state file alone, as `nodetorch sweep --sweep-dir` does.
  const resumed = fakeSweep('cli-resume.yaml', { sweepDir: first.sweepDir });
  assert.equal(resumed.state.trials.length, 2, 'the state was loaded');
  await resumed.runner.run();
  const final = stateOf(first.sweepDir);
  assert.deepEqual(
    final.trials.map((t) => [t.id, t.state, t.attempts]),
    [
      [0, 'finished', 1],
      [1, 'finished', 2],
      [2, 'finished', 1],
    ],
  );
  assert.equal(final.trials[1]!.resumedFrom, ckpt);
  const runs = final.trials.map((t) => runsOf(t.runDir));
  assert.deepEqual(
    runs.map((r) => r.length),
    [1, 2, 1],
  );
  assert.ok(
    runs[1]![1]!.some((arg) => arg === `ckpt_path='${ckpt}'`),
    'the re-run resumes from the checkpoint',
  );
  assert.ok(!runs[1]![0]!.some((arg) => arg.startsWith('ckpt_path=')));
  // Its epochs: those before the interruption and those after, each once.
  assert.equal(final.trials[1]!.values.length, 6);
  // Nothing left to do: a third run starts nothing.
  const again = fakeSweep('cli-resume.yaml', { sweepDir: first.sweepDir });
  await again.runner.run();
  assert.deepEqual(runsOf(final.trials[2]!.runDir).length, 1);
});

test('SIGINT to the real sweep process: exit 130, the trial is resumed, every trial ends finished and ran to the end once', async () => {
  const sweepDir = scratch();
  const args = ['sweep', fixture('cli-real-resume.yaml'), '--sweep-dir', sweepDir, ...TINY, 'trainer.max_epochs=4'];
  const trialLog = path.join(sweepDir, 'trials', '0', 'trial.log');
  const first = await cli(args, (child) => {
    // Once trial 0 has started its fit, Ctrl-C the sweep (the sweep alone: trials run in their own process group).
    void until(() => existsSync(trialLog) && readFileSync(trialLog, 'utf8').includes('run folder:'), 'the fit to start').then(() =>
      child.kill('SIGINT'),
    );
  });
  assert.equal(first.code, 130, first.out);
  assert.match(first.out, /resume with: nodetorch sweep/);
  const saved = stateOf(sweepDir);
  assert.deepEqual(
    saved.trials.map((t) => t.state),
    ['running'],
  );
  const second = await cli(args);
  assert.equal(second.code, 0, second.out);
  const final = stateOf(sweepDir);
  assert.deepEqual(
    final.trials.map((t) => [t.state, t.attempts]),
    [
      ['finished', 2],
      ['finished', 1],
    ],
  );
  // When SIGINT came after a checkpoint was written (interrupted.ckpt, or ModelCheckpoint's after an epoch), the re-run resumed from it.
  const resumedFrom = final.trials[0]!.resumedFrom;
  if (resumedFrom) assert.ok(resumedFrom.startsWith(final.trials[0]!.runDir) && resumedFrom.endsWith('.ckpt') && existsSync(resumedFrom));
  // Trial 1 ran once; trial 0's fit ran to the end once (the interrupted fit stopped early).
  const finishedFits = (id: number) => readFileSync(path.join(sweepDir, 'trials', String(id), 'trial.log'), 'utf8').match(/test accuracy/g);
  assert.equal(finishedFits(1)?.length, 1);
  assert.ok((finishedFits(0)?.length ?? 0) <= 2);
  assert.equal(readFileSync(path.join(sweepDir, 'results.csv'), 'utf8').trim().split('\n').length, 3);
});

test('SweepProgress appends every epoch of a real fit; progressCallbackFromEnv reads NODETORCH_SWEEP_PROGRESS', async () => {
  assert.equal(progressCallbackFromEnv({}), null);
  const file = path.join(scratch(), 'progress.jsonl');
  const callback = progressCallbackFromEnv({ [PROGRESS_ENV]: file });
  assert.ok(callback instanceof SweepProgress && callback.file === file);
  torch.manualSeed(0);
  const x = torch.randn([64, 2]);
  const data = new torch.data.DataLoader(new torch.data.TensorDataset(x, x.sum(1).gt(0).to('int64')), { batchSize: 16 });
  const module = new torch.train.SupervisedModule(new torch.nn.Linear(2, 2), {
    loss: new torch.nn.CrossEntropyLoss(),
    optimizer: (params) => new torch.optim.SGD(params, { lr: 0.1 }),
    metrics: { acc: new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 2 }) },
  });
  const trainer = new torch.train.Trainer({
    maxEpochs: 3,
    callbacks: [callback],
    enableProgressBar: false,
    enableCheckpointing: false,
    enableCurves: false,
    logger: false,
  });
  await trainer.fit(module, data, data);
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { epoch: number; metrics: Record<string, number> });
  assert.deepEqual(
    lines.map((l) => l.epoch),
    [0, 1, 2],
  );
  assert.ok(lines.every((l) => typeof l.metrics['val/acc'] === 'number' && typeof l.metrics['val/loss'] === 'number'));
  assert.equal(readProgress(file, 'val/acc').length, 3);
  // A repeated epoch (a resumed fit) counts once, the later line winning; an unterminated last line waits.
  writeFileSync(file, '{"epoch":0,"metrics":{"m":1}}\n{"epoch":1,"metrics":{"m":2}}\n{"epoch":1,"metrics":{"m":3}}\n{"epoch":2,"metr');
  assert.deepEqual(readProgress(file, 'm'), [1, 3]);
});

test('usage errors exit 2 before anything runs: unknown method or distribution, a bad extra override, a changed sweep', async () => {
  const sweepDir = scratch();
  const cases: [string[], RegExp][] = [
    [['sweep', fixture('cli-unknown-method.yaml')], /sweep config: method: .*annealing/],
    [['sweep', fixture('cli-unknown-distribution.yaml')], /parameters\.optimizer\.lr.*lognormal_values/],
    [['sweep', fixture('cli-grid.yaml'), 'trainer.max_epochs=[1'], /trainer\.max_epochs=\[1/],
    [['sweep', fixture('cli-grid.yaml'), 'trainer.max_epochs=1,2'], /sweeps/],
    [['sweep', fixture('cli-grid.yaml'), 'trainer.max_epoch=1'], /max_epoch/],
    [['sweep', fixture('cli-grid.yaml'), 'optimizer.lr=abc'], /lr/],
    [['sweep', fixture('missing.yaml')], /cannot read the sweep file/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await mainCaptured([...args, '--sweep-dir', sweepDir]);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
    assert.ok(!existsSync(path.join(sweepDir, 'trials')), 'nothing started');
  }
  // A sweep folder holding another sweep is not resumed with this one.
  const other = fakeSweep('cli-random.yaml');
  await other.runner.run();
  const changed = await mainCaptured(['sweep', fixture('cli-grid.yaml'), '--sweep-dir', other.sweepDir]);
  assert.equal(changed.code, 2);
  assert.match(changed.stderr, /another sweep configuration/);
  const seed = await mainCaptured(['sweep', fixture('cli-random.yaml'), '--sweep-dir', other.sweepDir, '--seed', '3']);
  assert.equal(seed.code, 2);
  assert.match(seed.stderr, /seed 0, not 3/);
});

test('a metric no trial logs: exit 2 naming what the trial logged', async () => {
  const sweepDir = scratch();
  const { code, stderr } = await mainCaptured(['sweep', fixture('cli-bad-metric.yaml'), '--sweep-dir', sweepDir, ...TINY]);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /metric 'val\/accuracy'.*never logged.*val\/acc/);
  assert.equal(stateOf(sweepDir).trials[0]!.state, 'failed');
});

test('a failing trial is marked failed with the end of its log; the sweep goes on', async () => {
  const { state, runner } = fakeSweep('cli-random.yaml', { extra: ['fail=true'] });
  await runner.run();
  assert.equal(state.trials.length, 5);
  assert.ok(state.trials.every((t) => t.state === 'failed' && t.value === null && /exited with code 3, no result\.json/.test(t.error!)));
});

test.run();
