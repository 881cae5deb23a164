// torch.sweep's configuration side: W&B sweep files parsed with W&B's inference and defaults, the
// errors bad files get, grid search in W&B's order, random search's reproducibility, every
// distribution's draws (ranges and simple statistics at fixed seeds), and Hydra overrides.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as sweep from '../lib/sweep/index.ts';
import { betaCdf, betaPpf } from '../lib/sweep/beta.ts';
import { normalCdf, normalPpf, logNormalCdf } from '../lib/sweep/normal.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/sweep/${name}`, import.meta.url), 'utf8');
const parameterOf = (text: string): sweep.Parameter => sweep.parseSweepConfig(`method: random\nparameters:\n  p:\n${text}`).parameters.p!;

test("W&B's documented example parses with its inferred distributions and defaults", () => {
  const config = sweep.parseSweepConfig(fixture('wandb-bayes.yaml'));
  assert.equal(config.method, 'bayes');
  assert.equal(config.program, 'train.py');
  assert.equal(config.name, 'sweepdemo');
  assert.deepEqual(config.metric, { name: 'validation_loss', goal: 'minimize' });
  assert.deepEqual(config.parameters, {
    learning_rate: { distribution: 'uniform', min: 0.0001, max: 0.1 },
    batch_size: { distribution: 'categorical', values: [16, 32, 64] },
    epochs: { distribution: 'categorical', values: [5, 10, 15] },
    optimizer: { distribution: 'categorical', values: ['adam', 'sgd'] },
  });
  assert.deepEqual(config.early_terminate, { type: 'hyperband', min_iter: 3, eta: 3, strict: true });
});

test('nested parameters, every distribution family and the other W&B keys', () => {
  const config = sweep.parseSweepConfig(fixture('wandb-nested.yaml'));
  assert.equal(config.run_cap, 20);
  assert.equal(config.entity, 'my-team');
  assert.deepEqual(config.command, ['${env}', '${interpreter}', '${program}', '${args}']);
  assert.deepEqual(config.metric, { name: 'val/acc', goal: 'maximize', target: 0.99 });
  assert.deepEqual(config.parameters.optimizer, {
    parameters: {
      lr: { distribution: 'log_uniform_values', min: 1e-5, max: 0.1 },
      name: { distribution: 'constant', value: 'adam' },
      betas: {
        distribution: 'categorical',
        values: [
          [0.9, 0.999],
          [0.8, 0.99],
        ],
      },
    },
  });
  assert.deepEqual(config.parameters.dropout, { distribution: 'q_uniform', min: 0, max: 0.5, q: 0.1 });
  assert.deepEqual(config.parameters.layers, { distribution: 'int_uniform', min: 1, max: 4 });
  assert.deepEqual(config.parameters.momentum, { distribution: 'uniform', min: 0, max: 1 });
  assert.deepEqual(config.parameters.weight_decay, { distribution: 'normal', mu: 0, sigma: 1 });
  assert.deepEqual(config.parameters.init, { distribution: 'beta', a: 2, b: 5 });
  assert.deepEqual(config.parameters.activation, {
    distribution: 'categorical',
    values: ['relu', 'gelu', 'tanh'],
    probabilities: [0.5, 0.3, 0.2],
  });
  // W&B's leaf order: sorted names at every level, a group's leaves where its name sorts.
  assert.deepEqual(
    sweep.leavesOf(config.parameters).map((leaf) => leaf.key),
    ['activation', 'dropout', 'hidden', 'init', 'layers', 'momentum', 'optimizer.betas', 'optimizer.lr', 'optimizer.name', 'weight_decay'],
  );
});

test("W&B's inference: integer bounds → int_uniform, a float bound → uniform (YAML's 1.0 is a float)", () => {
  assert.deepEqual(parameterOf('    min: 1\n    max: 10'), { distribution: 'int_uniform', min: 1, max: 10 });
  assert.deepEqual(parameterOf('    min: 1.0\n    max: 10.0'), { distribution: 'uniform', min: 1, max: 10 });
  assert.deepEqual(parameterOf('    min: 1\n    max: 10.5'), { distribution: 'uniform', min: 1, max: 10.5 });
  assert.deepEqual(parameterOf('    min: 1e-4\n    max: 1'), { distribution: 'uniform', min: 1e-4, max: 1 });
  assert.deepEqual(parameterOf('    value: 0.5'), { distribution: 'constant', value: 0.5 });
  assert.deepEqual(parameterOf('    value: null'), { distribution: 'constant', value: null });
  assert.deepEqual(parameterOf('    distribution: categorical_w_probabilities\n    values: [a, b]\n    probabilities: [0.25, 0.75]'), {
    distribution: 'categorical',
    values: ['a', 'b'],
    probabilities: [0.25, 0.75],
  });
  // From a JS object every integral number counts as an int (there is no 1.0 to tell apart).
  const fromObject = sweep.parseSweepConfig({ method: 'random', parameters: { a: { min: 1, max: 10 }, b: { min: 0, max: 0.5 } } });
  assert.deepEqual(fromObject.parameters, {
    a: { distribution: 'int_uniform', min: 1, max: 10 },
    b: { distribution: 'uniform', min: 0, max: 0.5 },
  });
});

test("every distribution's defaults are W&B's", () => {
  const cases: [string, sweep.Parameter][] = [
    ['q_uniform\n    min: 0\n    max: 1', { distribution: 'q_uniform', min: 0, max: 1, q: 1 }],
    ['log_uniform\n    min: -5\n    max: 0', { distribution: 'log_uniform', min: -5, max: 0 }],
    ['q_log_uniform\n    min: 0\n    max: 5', { distribution: 'q_log_uniform', min: 0, max: 5, q: 1 }],
    ['q_log_uniform_values\n    min: 1\n    max: 100', { distribution: 'q_log_uniform_values', min: 1, max: 100, q: 1 }],
    ['inv_log_uniform\n    min: 0\n    max: 3', { distribution: 'inv_log_uniform', min: 0, max: 3 }],
    ['inv_log_uniform_values\n    min: 0.01\n    max: 1', { distribution: 'inv_log_uniform_values', min: 0.01, max: 1 }],
    ['normal', { distribution: 'normal', mu: 0, sigma: 1 }],
    ['q_normal\n    mu: 3', { distribution: 'q_normal', mu: 3, sigma: 1, q: 1 }],
    ['log_normal\n    sigma: 0.5', { distribution: 'log_normal', mu: 0, sigma: 0.5 }],
    ['q_log_normal', { distribution: 'q_log_normal', mu: 0, sigma: 1, q: 1 }],
    ['beta', { distribution: 'beta', a: 1, b: 1 }],
    ['q_beta\n    q: 0.1', { distribution: 'q_beta', a: 1, b: 1, q: 0.1 }],
    ['uniform\n    min: 1\n    max: 2', { distribution: 'uniform', min: 1, max: 2 }],
    ['constant\n    value: [1, 2]', { distribution: 'constant', value: [1, 2] }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parameterOf(`    distribution: ${text}`), expected, text);
});

test('early_terminate: hyperband with max_iter and s, and the median rule', () => {
  const config = sweep.parseSweepConfig(
    'method: random\nmetric: {name: loss}\nparameters: {a: {values: [1]}}\nearly_terminate: {type: hyperband, max_iter: 27, s: 2, eta: 3, strict: false}',
  );
  assert.deepEqual(config.early_terminate, { type: 'hyperband', max_iter: 27, s: 2, eta: 3, strict: false });
  const median = sweep.parseSweepConfig(
    'method: random\nmetric: {name: loss}\nparameters: {a: {values: [1]}}\nearly_terminate: {type: median}',
  );
  assert.deepEqual(median.early_terminate, { type: 'median', min_iter: 1, min_runs: 5 });
});

/** Parsing `text` throws a SweepConfigError at `path` whose message matches `pattern`. */
function rejects(text: string | Record<string, unknown>, path: string, pattern: RegExp): void {
  assert.throws(
    () => sweep.parseSweepConfig(text),
    (error: unknown) => {
      assert.ok(error instanceof sweep.SweepConfigError, String(error));
      assert.equal(error.path, path);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

test('bad configurations: each error names the key path and what was expected', () => {
  const p = (spec: string): string => `method: random\nparameters:\n  lr: ${spec}`;
  rejects(
    'method: hill_climb\nparameters: {a: {value: 1}}',
    'method',
    /unknown method 'hill_climb'; expected one of: grid, random, bayes$/,
  );
  rejects('parameters: {a: {value: 1}}', 'method', /required; expected one of: grid, random, bayes/);
  rejects(
    p('{distribution: lognormal, mu: 0}'),
    'parameters.lr.distribution',
    /unknown distribution 'lognormal'; expected one of: constant, categorical, int_uniform, uniform, q_uniform, log_uniform, log_uniform_values, q_log_uniform, q_log_uniform_values, inv_log_uniform, inv_log_uniform_values, normal, q_normal, log_normal, q_log_normal, beta, q_beta$/,
  );
  rejects(p('{distribution: uniform, max: 1}'), 'parameters.lr.min', /required for distribution uniform/);
  rejects(
    p('{distribution: int_uniform, min: 0.5, max: 4}'),
    'parameters.lr.min',
    /expected an integer for distribution int_uniform, got 0.5/,
  );
  rejects(p('{min: 3, max: 3}'), 'parameters.lr', /min 3 is not less than max 3/);
  rejects(
    p('{distribution: log_uniform_values, min: 0, max: 1}'),
    'parameters.lr.min',
    /expected a value > 0 for distribution log_uniform_values/,
  );
  rejects(p('{distribution: normal, sigma: -1}'), 'parameters.lr.sigma', /expected a value > 0/);
  rejects(p('{distribution: q_uniform, min: 0, max: 1, q: 0}'), 'parameters.lr.q', /expected a value > 0/);
  rejects(
    p('{min: 0.1, max: 1, mu: 3}'),
    'parameters.lr',
    /unexpected key 'mu' for distribution uniform \(allowed: distribution, min, max\)/,
  );
  rejects(p('{values: [1, 2], value: 1}'), 'parameters.lr', /unexpected key 'value' for distribution categorical/);
  rejects(p('{values: []}'), 'parameters.lr.values', /expected a non-empty list/);
  rejects(p('{values: [a, b], probabilities: [0.5]}'), 'parameters.lr.probabilities', /expected a list of 2 probabilities/);
  rejects(p('{values: [a, b], probabilities: [0.5, 0.6]}'), 'parameters.lr.probabilities', /sum to 1, got a sum of 1.1/);
  rejects(p('{mu: 1}'), 'parameters.lr', /cannot tell the distribution from keys \[mu\]/);
  rejects(p('{min: a, max: 1}'), 'parameters.lr.min', /expected a number, got 'a'/);
  rejects(p('0.1'), 'parameters.lr', /expected a mapping, got 0.1/);
  rejects(
    'method: random\nparameters:\n  opt:\n    parameters:\n      lr: {distribution: foo}',
    'parameters.opt.parameters.lr.distribution',
    /unknown distribution 'foo'/,
  );
  rejects('method: random\nparameters:\n  opt: {parameters: {}}', 'parameters.opt.parameters', /at least one parameter/);
  rejects('method: random\nparameters: {}', 'parameters', /at least one parameter/);
  rejects('method: random', 'parameters', /required/);
  rejects('method: random\nparameters: {9lives: {value: 1}}', 'parameters.9lives', /invalid parameter name/);
  rejects(
    'method: random\nparameters: {a: {value: 1}}\nparameter: {}',
    '',
    /unexpected key 'parameter' at the top level \(allowed: method, parameters, metric/,
  );
  rejects('method: bayes\nparameters: {a: {min: 0.0, max: 1.0}}', 'metric', /required for method bayes/);
  rejects(
    'method: random\nmetric: {name: loss, goal: lower}\nparameters: {a: {value: 1}}',
    'metric.goal',
    /unknown goal 'lower'; expected one of: minimize, maximize/,
  );
  rejects('method: random\nmetric: {goal: minimize}\nparameters: {a: {value: 1}}', 'metric.name', /expected a string, got undefined/);
  rejects('method: random\nrun_cap: 0\nparameters: {a: {value: 1}}', 'run_cap', /expected an integer >= 1, got 0/);
  rejects('method: random\nrun_cap: 2.5\nparameters: {a: {value: 1}}', 'run_cap', /expected an integer, got 2.5/);
  const et = (spec: string): string => `method: random\nmetric: {name: loss}\nparameters: {a: {value: 1}}\nearly_terminate: ${spec}`;
  rejects(
    'method: random\nparameters: {a: {value: 1}}\nearly_terminate: {type: hyperband, min_iter: 3}',
    'metric',
    /required with early_terminate/,
  );
  rejects(et('{type: asha}'), 'early_terminate.type', /unknown early_terminate type 'asha'; expected one of: hyperband, median/);
  rejects(et('{type: hyperband, max_iter: 27}'), 'early_terminate.s', /required with max_iter/);
  rejects(et('{type: hyperband}'), 'early_terminate', /needs min_iter, or max_iter and s/);
  rejects(et('{type: hyperband, min_iter: 3, eta: 1}'), 'early_terminate.eta', /expected a number > 1, got 1/);
  rejects(et('{type: hyperband, min_iter: 0}'), 'early_terminate.min_iter', /expected an integer >= 1, got 0/);
  rejects(et('{type: hyperband, max_iter: 2, s: 1}'), 'early_terminate', /no brackets/);
  rejects(et('{type: hyperband, min_iter: 3, strict: yes}'), 'early_terminate.strict', /expected true or false, got 'yes'/);
  rejects(et('{type: hyperband, min_iter: 3, bands: [1]}'), 'early_terminate', /unexpected key 'bands' for hyperband/);
  rejects(
    'method: grid\nparameters: {a: {values: [1, 2]}, b: {min: 0.0, max: 1.0}}',
    'parameters.b',
    /grid search needs values, value, int_uniform or q_uniform .*got distribution uniform/,
  );
  rejects('method: grid\nparameters: {a: {values: [1, 2], probabilities: [0.5, 0.5]}}', 'parameters.a', /got values with probabilities/);
  rejects('method: [', '', /not valid YAML/);
  rejects('- 1\n- 2', '', /expected a mapping, got \[1, 2\]/);
});

/** Suggestions until the search is done, each trial reported finished. */
function drain(search: sweep.Search, limit = 1000): sweep.Params[] {
  const history: sweep.HistoryEntry[] = [];
  for (let trial = search.suggest(history); trial && history.length < limit; trial = search.suggest(history))
    history.push({ params: trial.params, value: 0, state: 'finished' });
  return history.map((e) => e.params);
}

test("grid: W&B's order (sorted names, the last fastest), int_uniform expanded, then exhausted", () => {
  const config = sweep.parseSweepConfig(fixture('wandb-grid.yaml'));
  const trials = drain(sweep.createSearch(config));
  assert.equal(sweep.gridSize(sweep.leavesOf(config.parameters)), 12);
  assert.equal(trials.length, 12);
  const expected: sweep.Params[] = [];
  for (const batch_size of [32, 64])
    for (const layers of [1, 2, 3]) for (const optimizer of ['sgd', 'adam']) expected.push({ batch_size, epochs: 3, layers, optimizer });
  assert.deepEqual(trials, expected);
  // W&B's own doctest: the first suggestion of a one-parameter grid is its first value.
  const first = sweep.createSearch(sweep.parseSweepConfig({ method: 'grid', parameters: { a: { values: [1, 2, 3] } } })).suggest([]);
  assert.deepEqual(first, { params: { a: 1 } });
});

test('grid: skips combinations already in the history (any state), nests, honours run_cap', () => {
  const config = sweep.parseSweepConfig({
    method: 'grid',
    run_cap: 5,
    parameters: {
      opt: { parameters: { name: { values: ['sgd', 'adam'] }, lr: { distribution: 'q_uniform', min: 0, max: 0.3, q: 0.1 } } },
    },
  });
  const search = sweep.createSearch(config);
  // numpy's arange(0, 0.3, 0.1) leaves out 0.3 and keeps its float steps.
  assert.deepEqual(search.suggest([]), { params: { opt: { lr: 0, name: 'sgd' } } });
  const history: sweep.HistoryEntry[] = [
    { params: { opt: { lr: 0, name: 'sgd' } }, state: 'failed' },
    { params: { opt: { name: 'adam', lr: 0 } }, state: 'running' },
  ];
  assert.deepEqual(search.suggest(history), { params: { opt: { lr: 0.1, name: 'sgd' } } });
  assert.deepEqual(
    drain(search).map((p) => (p.opt as { lr: number }).lr),
    [0, 0, 0.1, 0.1, 0.2],
  );
  const uncapped = sweep.createSearch({ ...config, run_cap: undefined });
  assert.deepEqual(
    drain(uncapped).map((p) => (p.opt as { lr: number }).lr),
    [0, 0, 0.1, 0.1, 0.2, 0.2],
  );
  const constants = sweep.createSearch(sweep.parseSweepConfig({ method: 'grid', parameters: { a: { value: 1 } } }));
  assert.deepEqual(drain(constants), [{ a: 1 }]);
});

test('random: reproducible per seed, a pure function of the history length; run_cap and metric.target end it', () => {
  const config = sweep.parseSweepConfig(fixture('wandb-nested.yaml'));
  const a = drain(sweep.createSearch({ ...config, run_cap: 8 }, { seed: 7 }));
  const b = drain(sweep.createSearch({ ...config, run_cap: 8 }, { seed: 7 }));
  const c = drain(sweep.createSearch({ ...config, run_cap: 8 }, { seed: 8 }));
  assert.equal(a.length, 8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const search = sweep.createSearch(config, { seed: 7 });
  const fake = (n: number): sweep.HistoryEntry[] => Array.from({ length: n }, () => ({ params: {}, state: 'running' as const }));
  assert.deepEqual(search.suggest(fake(3)), { params: a[3] });
  assert.equal(drain(search).length, 20); // run_cap: 20
  assert.equal(search.suggest(fake(20)), null);
  // metric.target (maximize, 0.99): a finished run at 0.995 ends the sweep; a running one does not.
  assert.notEqual(search.suggest([{ params: {}, value: 0.995, state: 'running' }]), null);
  assert.notEqual(search.suggest([{ params: {}, value: 0.98, state: 'finished' }]), null);
  assert.equal(search.suggest([{ params: {}, value: 0.995, state: 'finished' }]), null);
  assert.throws(() => sweep.createSearch(config, { seed: 0.5 }), /createSearch: seed must be a safe integer, got 0.5/);
});

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

/** `n` draws of `spec`'s parameter from one seeded stream. */
function draws(spec: Record<string, unknown>, n = 4000, seed = 1): number[] {
  const d = sweep.parseSweepConfig({ method: 'random', parameters: { p: spec } }).parameters.p as sweep.Distribution;
  const rng = sweep.mulberry32(seed);
  return Array.from({ length: n }, () => sweep.sampleValue(d, rng) as number);
}

const isMultiple = (x: number, q: number): boolean => Math.abs(x / q - Math.round(x / q)) < 1e-9;

test("distributions: draws stay in range and match each distribution's mean and spread", () => {
  // 4000 draws: a mean is off by more than 4 standard errors about once in 16000 runs (and the seeds are fixed).
  const se = (sigma: number): number => (4 * sigma) / Math.sqrt(4000);
  const uniform = draws({ distribution: 'uniform', min: 2, max: 5 });
  assert.ok(uniform.every((x) => x >= 2 && x <= 5));
  assert.ok(Math.abs(mean(uniform) - 3.5) < se(3 / Math.sqrt(12)));

  const ints = draws({ distribution: 'int_uniform', min: 1, max: 6 });
  assert.deepEqual([...new Set(ints)].sort(), [1, 2, 3, 4, 5, 6]);
  assert.ok(Math.abs(mean(ints) - 3.5) < se(Math.sqrt(35 / 12)));

  const q = draws({ distribution: 'q_uniform', min: 0, max: 10, q: 2.5 });
  assert.deepEqual(
    [...new Set(q)].sort((x, y) => x - y),
    [0, 2.5, 5, 7.5, 10],
  );

  const logU = draws({ distribution: 'log_uniform', min: -3, max: 0 });
  assert.ok(logU.every((x) => x >= Math.exp(-3) && x <= 1));
  assert.ok(Math.abs(mean(logU.map(Math.log)) + 1.5) < se(3 / Math.sqrt(12)));

  const logV = draws({ distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 });
  assert.ok(logV.every((x) => x >= 1e-4 && x <= 1e-1));
  assert.ok(Math.abs(mean(logV.map(Math.log10)) + 2.5) < se(3 / Math.sqrt(12)));

  const qLog = draws({ distribution: 'q_log_uniform_values', min: 1, max: 1000, q: 1 });
  assert.ok(qLog.every((x) => Number.isInteger(x) && x >= 1 && x <= 1000));

  const invV = draws({ distribution: 'inv_log_uniform_values', min: 0.01, max: 1 });
  assert.ok(invV.every((x) => x >= 0.01 && x <= 1));
  assert.ok(Math.abs(mean(invV.map((x) => Math.log(1 / x))) - Math.log(100) / 2) < se(Math.log(100) / Math.sqrt(12)));

  const inv = draws({ distribution: 'inv_log_uniform', min: 0, max: 2 });
  assert.ok(inv.every((x) => x >= Math.exp(-2) && x <= 1));

  const normal = draws({ distribution: 'normal', mu: 5, sigma: 2 });
  assert.ok(Math.abs(mean(normal) - 5) < se(2));
  assert.ok(Math.abs(sd(normal) - 2) < 0.1);

  const qNormal = draws({ distribution: 'q_normal', mu: 0, sigma: 1, q: 0.5 });
  assert.ok(qNormal.every((x) => isMultiple(x, 0.5)));

  const logNormal = draws({ distribution: 'log_normal', mu: 0, sigma: 0.5 });
  assert.ok(logNormal.every((x) => x > 0));
  assert.ok(Math.abs(mean(logNormal.map(Math.log))) < se(0.5));
  assert.ok(Math.abs(sd(logNormal.map(Math.log)) - 0.5) < 0.025);

  const qLogNormal = draws({ distribution: 'q_log_normal', mu: 2, sigma: 0.5, q: 1 });
  assert.ok(qLogNormal.every((x) => Number.isInteger(x) && x >= 0));

  const beta = draws({ distribution: 'beta', a: 2, b: 5 });
  assert.ok(beta.every((x) => x > 0 && x < 1));
  assert.ok(Math.abs(mean(beta) - 2 / 7) < se(Math.sqrt(10 / (49 * 8))));

  const qBeta = draws({ distribution: 'q_beta', a: 2, b: 2, q: 0.1 });
  assert.ok(qBeta.every((x) => isMultiple(x, 0.1) && x >= 0 && x <= 1));
});

test('distributions: categorical draws follow their probabilities; constants stay constant', () => {
  const d = sweep.parseSweepConfig({ method: 'random', parameters: { p: { values: ['a', 'b', 'c'], probabilities: [0.7, 0.2, 0.1] } } })
    .parameters.p as sweep.Distribution;
  const rng = sweep.mulberry32(3);
  const counts = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 4000; i++) counts[sweep.sampleValue(d, rng) as 'a' | 'b' | 'c']++;
  assert.ok(Math.abs(counts.a / 4000 - 0.7) < 0.03 && Math.abs(counts.b / 4000 - 0.2) < 0.03 && Math.abs(counts.c / 4000 - 0.1) < 0.02);
  const uniform = draws({ values: [10, 20, 30, 40] });
  for (const v of [10, 20, 30, 40]) assert.ok(Math.abs(uniform.filter((x) => x === v).length / 4000 - 0.25) < 0.03);
  assert.deepEqual(new Set(draws({ value: 3 }, 50)), new Set([3]));
});

test('the generator: mulberry32 in (0, 1), reproducible; per-trial streams differ', () => {
  const a = sweep.mulberry32(42);
  const b = sweep.mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b.next()),
  );
  assert.ok(xs.every((x) => x > 0 && x < 1));
  assert.ok(Math.abs(mean(xs) - 0.5) < 0.04);
  assert.notEqual(sweep.trialRng(1, 0).next(), sweep.trialRng(1, 1).next());
  assert.notEqual(sweep.trialRng(1, 0).next(), sweep.trialRng(2, 0).next());
  assert.equal(sweep.trialRng(5, 3).next(), sweep.trialRng(5, 3).next());
});

test('special functions against reference values (scipy.stats)', () => {
  assert.ok(Math.abs(normalPpf(0.975) - 1.959963984540054) < 1e-14);
  assert.ok(Math.abs(normalPpf(1e-10) + 6.361340902404056) < 1e-12);
  assert.ok(Math.abs(normalCdf(-3) / 0.0013498980316300946 - 1) < 1e-13);
  assert.ok(Math.abs(logNormalCdf(-40) + 804.6084420137538) < 1e-9);
  for (let i = 1; i < 100; i++) assert.ok(Math.abs(normalCdf(normalPpf(i / 100)) - i / 100) < 1e-15);
  assert.ok(Math.abs(betaCdf(0.5, 2, 3) - 0.6875) < 1e-15);
  assert.ok(Math.abs(betaCdf(0.3, 0.5, 0.5) - (2 / Math.PI) * Math.asin(Math.sqrt(0.3))) < 1e-14);
  for (const [a, b] of [
    [2, 5],
    [0.5, 0.5],
    [30, 3],
  ] as const)
    for (let i = 1; i < 20; i++) assert.ok(Math.abs(betaCdf(betaPpf(i / 20, a, b), a, b) - i / 20) < 1e-12);
});

test('toOverrides: dotted keys, values in Hydra grammar, strings quoted when Hydra would not read them back as strings', () => {
  const overrides = sweep.toOverrides({
    optimizer: { lr: 0.01, name: 'adam', betas: [0.9, 0.999] },
    'model.depth': 3,
    tiny: 1e-7,
    flag: true,
    nothing: null,
    word: 'true',
    number: '1.5',
    path: 'data/mnist-v2.0',
    spaced: 'a b',
    comma: 'a,b',
    quote: "it's",
    slash: 'ends\\',
    interpolation: '${x}',
    empty: '',
    infinite: -Infinity,
    dict: [{ k: 'v' }],
  });
  assert.deepEqual(overrides, [
    'optimizer.lr=0.01',
    'optimizer.name=adam',
    'optimizer.betas=[0.9,0.999]',
    'model.depth=3',
    'tiny=1e-7',
    'flag=true',
    'nothing=null',
    "word='true'",
    "number='1.5'",
    'path=data/mnist-v2.0',
    "spaced='a b'",
    "comma='a,b'",
    "quote='it\\'s'",
    "slash='ends\\\\'",
    "interpolation='\\${x}'",
    "empty=''",
    'infinite=-inf',
    'dict=[{k:v}]',
  ]);
  assert.deepEqual(sweep.toOverrides({ lr: 0.1 }, { prefix: '+' }), ['+lr=0.1']);
  assert.throws(() => sweep.toOverrides({ 'bad key': 1 }), /'bad key' is not a key Hydra's override grammar accepts/);
});

test.run();
