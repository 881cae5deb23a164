// Early termination on constructed metric histories: W&B's hyperband brackets and thresholds
// (the doctest case of W&B's hyperband_stop_runs among them), its strict variant, maximized
// metrics, and the median stopping rule.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as sweep from '../lib/sweep/index.ts';

const configWith = (earlyTerminate: string, goal = 'minimize'): sweep.SweepConfig =>
  sweep.parseSweepConfig(
    `method: random\nmetric: {name: loss, goal: ${goal}}\nparameters: {a: {values: [1]}}\nearly_terminate: ${earlyTerminate}`,
  );
const hyperbandOf = (earlyTerminate: string): sweep.HyperbandConfig => configWith(earlyTerminate).early_terminate as sweep.HyperbandConfig;

const run = (id: string, values: number[], state: sweep.TrialState = 'running'): sweep.RunMetrics => ({ id, values, state });

/** shouldStop for every running run of `runs`, as a map from id to the decision. */
function decisions(config: sweep.SweepConfig, runs: readonly sweep.RunMetrics[]): Record<string, boolean> {
  const stopper = sweep.createStopper(config);
  return Object.fromEntries(
    runs.filter((r) => r.state === 'running').map((r) => [r.id, stopper.shouldStop(r.id, r.values.length, r.values, runs)]),
  );
}

test("brackets as W&B's documentation lists them", () => {
  // min_iter: 3 → [3, 9, 27, 81, ...] (W&B lists 100 of them).
  const fromMin = sweep.hyperbandBands(hyperbandOf('{type: hyperband, min_iter: 3}'));
  assert.deepEqual(fromMin.slice(0, 4), [3, 9, 27, 81]);
  assert.equal(fromMin.length, 33); // 3^33 is the last below 2^53
  // max_iter: 27, s: 2 → [27/eta, 27/eta/eta] = [9, 3], ascending.
  assert.deepEqual(sweep.hyperbandBands(hyperbandOf('{type: hyperband, max_iter: 27, s: 2}')), [3, 9]);
  // Truncated to integers, and no bracket below 1: 5/2 = 2.5 → 2, 1.25 → 1, 0.625 dropped.
  assert.deepEqual(sweep.hyperbandBands(hyperbandOf('{type: hyperband, max_iter: 5, eta: 2, s: 3}')), [1, 2]);
  assert.deepEqual(sweep.hyperbandBands(hyperbandOf('{type: hyperband, min_iter: 2, eta: 2.5}')).slice(0, 4), [2, 5, 12, 31]);
  // max_iter wins when both are given, as in W&B.
  assert.deepEqual(sweep.hyperbandBands(hyperbandOf('{type: hyperband, max_iter: 81, s: 3, min_iter: 2}')), [3, 9, 27]);
});

// The runs of the doctest in W&B's hyperband_stop_runs (max_iter 5, eta 2, s 2: brackets [1, 2]).
const DOCTEST_RUNS = [
  run('a', [10, 9], 'finished'),
  run('b', [10, 10]),
  run('c', [10, 8, 8]),
  run('d', [10, 7, 7]),
  run('e', [10, 6, 6], 'finished'),
];

test("W&B's doctest: thresholds 10 and 8; only run b (best 10 > 8 at bracket 2) stops", () => {
  const config = configWith('{type: hyperband, max_iter: 5, eta: 2, s: 2}');
  const hyperband = config.early_terminate as sweep.HyperbandConfig;
  // At bracket 1 all five logged 10; at bracket 2 the sorted values [6, 7, 8, 9, 10] at index floor(5 / 2) give 8.
  assert.deepEqual(
    sweep.hyperbandThresholds(
      hyperband,
      DOCTEST_RUNS.map((r) => r.values),
    ),
    [10, 8],
  );
  assert.deepEqual(decisions(config, DOCTEST_RUNS), { b: true, c: false, d: false });
  // The same with strict (W&B's default): b's value at bracket 2 is 10 > 8 too.
  assert.deepEqual(decisions(configWith('{type: hyperband, max_iter: 5, eta: 2, s: 2, strict: true}'), DOCTEST_RUNS), {
    b: true,
    c: false,
    d: false,
  });
});

test('strict compares the value at the bracket; non-strict the best so far', () => {
  // Brackets [3, 9, ...]; nobody has reached 9.
  const runs = [
    run('early-star', [5, 4, 9, 9]), // best 4 and 9 at the bracket: stops either way
    run('faded', [1, 1.5, 9]), // best 1 passes non-strict; 9 at the bracket fails strict
    run('steady', [3, 2, 1]), // 1 at the bracket and best: passes both
    run('late', [8, 8, 3, 3], 'finished'),
    run('other', [6, 5, 4], 'finished'),
  ];
  const nonStrict = configWith('{type: hyperband, min_iter: 3, strict: false}');
  const strict = configWith('{type: hyperband, min_iter: 3, strict: true}');
  const hyperband = nonStrict.early_terminate as sweep.HyperbandConfig;
  assert.deepEqual(
    sweep
      .hyperbandThresholds(
        hyperband,
        runs.map((r) => r.values),
      )
      .slice(0, 2),
    [3, Infinity],
  );
  // Sorted values at bracket 3: [1, 3, 4, 9, 9] → index 1 → 3.
  assert.deepEqual(decisions(nonStrict, runs), { 'early-star': true, faded: false, steady: false });
  assert.deepEqual(decisions(strict, runs), { 'early-star': true, faded: true, steady: false });
  // The default is strict, as W&B's engine fills it from its schema.
  assert.deepEqual(decisions(configWith('{type: hyperband, min_iter: 3}'), runs), decisions(strict, runs));
});

test('a run before the first bracket never stops; a lone run sets its own threshold', () => {
  const config = configWith('{type: hyperband, min_iter: 3}');
  const stopper = sweep.createStopper(config);
  const others = [run('x', [1, 1, 1, 1], 'finished'), run('y', [1, 1, 1], 'finished')];
  assert.equal(stopper.shouldStop('z', 2, [100, 100], others), false);
  assert.equal(stopper.shouldStop('z', 3, [100, 100, 100], others), true);
  // Only the first `iteration` values count, and an entry for the run itself is replaced.
  assert.equal(stopper.shouldStop('z', 2, [100, 100, 100], [...others, run('z', [100, 100, 100])]), false);
  assert.equal(stopper.shouldStop('solo', 9, [5, 5, 5, 5, 5, 5, 5, 5, 5], []), false);
});

test('maximized metrics and non-finite values', () => {
  const config = configWith('{type: hyperband, min_iter: 2, eta: 2, strict: false}', 'maximize');
  const runs = [run('good', [0.5, 0.9]), run('bad', [0.2, 0.3]), run('mid', [0.4, 0.6], 'finished'), run('ok', [0.1, 0.7], 'finished')];
  // Negated at bracket 2: [-0.9, -0.7, -0.6, -0.3] → index floor(4/2) = 2 → -0.6; bad's best -0.3 > -0.6.
  assert.deepEqual(decisions(config, runs), { good: false, bad: true });
  // W&B filters values that are not finite before counting iterations.
  const stopper = sweep.createStopper(config);
  assert.equal(stopper.shouldStop('bad', 3, [NaN, 0.2, 0.3], runs), true);
  assert.equal(stopper.shouldStop('bad', 2, [NaN, 0.3], runs), false);
});

test('no early_terminate: nothing stops', () => {
  const config = sweep.parseSweepConfig('method: random\nparameters: {a: {values: [1]}}');
  assert.equal(
    sweep.createStopper(config).shouldStop(
      'a',
      50,
      Array.from({ length: 50 }, () => 1e9),
      DOCTEST_RUNS,
    ),
    false,
  );
});

test("median stopping (Optuna's MedianPruner): best so far against the finished runs' median at that iteration", () => {
  const config = configWith('{type: median, min_iter: 2, min_runs: 3}');
  const stopper = sweep.createStopper(config);
  const finished = [run('f1', [5, 4, 3], 'finished'), run('f2', [6, 5, 4], 'finished'), run('f3', [7, 6, 5, 4], 'finished')];
  // Median at iteration 2 of [4, 5, 6] is 5.
  assert.equal(stopper.shouldStop('r', 2, [9, 5.5], finished), true);
  assert.equal(stopper.shouldStop('r', 2, [9, 5], finished), false); // not worse than the median
  assert.equal(stopper.shouldStop('r', 2, [4.5, 9], finished), false); // its best so far is better
  assert.equal(stopper.shouldStop('r', 1, [100], finished), false); // before min_iter
  // At iteration 4 only f3 reached it: the median is its 4.
  assert.equal(stopper.shouldStop('r', 4, [9, 9, 9, 4.5], finished), true);
  assert.equal(stopper.shouldStop('r', 5, [9, 9, 9, 9, 9], finished), false); // no finished run got that far
  // Running runs do not count toward min_runs, nor toward the median.
  const fewer = [...finished.slice(0, 2), run('busy', [1, 1, 1])];
  assert.equal(stopper.shouldStop('r', 2, [9, 9], fewer), false);
  // Maximizing: the median of the negated values.
  const up = sweep.createStopper(configWith('{type: median, min_runs: 2}', 'maximize'));
  const accuracies = [run('a', [0.5, 0.7], 'finished'), run('b', [0.6, 0.8], 'finished')];
  assert.equal(up.shouldStop('r', 2, [0.6, 0.7], accuracies), true); // best 0.7 < median 0.75
  assert.equal(up.shouldStop('r', 2, [0.6, 0.76], accuracies), false);
});

test.run();
