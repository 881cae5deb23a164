// The benchmark suite's CI check (bench/harness/compare.mjs): which ratios a run hands to the
// baseline, and which changes against it fail (worse by more than the margin), pass, or are only listed.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import {
  DEFAULT_MARGIN,
  betterOfRuns,
  collectRatios,
  compareRatios,
  formatComparison,
  ratioKey,
  type CaseResult,
} from '../bench/harness/compare.mjs';

const cases: CaseResult[] = [
  {
    id: 'train-step',
    checkedRatios: ['best / Python'],
    rows: [
      { key: 'mlp-b64', ratios: { 'best / Python': 1.1, 'Trainer / JS loop': 1.0 } },
      { key: 'lstm-b64', ratios: { 'best / Python': null } },
    ],
  },
  {
    id: 'micro',
    rows: [
      { key: 'add', ratios: { 'nodetorch / Python': 0.9, other: Number.NaN } },
      { key: 'gc' },
      { key: 'transfer', unchecked: 'noisy', ratios: { 'nodetorch / Python': 9 } },
    ],
  },
];

test('collectRatios keeps the checked, finite ratios of checked rows, keyed by case, row and name', () => {
  assert.deepEqual(collectRatios(cases), { 'train-step/mlp-b64/best / Python': 1.1, 'micro/add/nodetorch / Python': 0.9 });
  assert.equal(ratioKey('a', 'b', 'c'), 'a/b/c');
});

test('a ratio worse than baseline x margin fails; one within the margin passes', () => {
  const baseline = { a: 1.0, b: 2.0 };
  const result = compareRatios({ a: 1.8, b: 3.4 }, baseline, 1.75);
  assert.equal(result.ok, false);
  assert.equal(result.checked, 2);
  assert.deepEqual(
    result.regressions.map((entry) => entry.key),
    ['a'],
  );
  assert.ok(Math.abs(result.regressions[0]!.factor - 1.8) < 1e-12);
  assert.equal(compareRatios({ a: 1.75, b: 2.0 }, baseline, 1.75).ok, true, 'exactly at the margin passes');
});

test('a much better ratio passes and is listed as an improvement', () => {
  const result = compareRatios({ a: 0.5 }, { a: 1.0 }, 1.75);
  assert.equal(result.ok, true);
  assert.deepEqual(
    result.improvements.map((entry) => entry.key),
    ['a'],
  );
});

test('ratios on one side only never fail: missing ones and new ones are listed', () => {
  const result = compareRatios({ b: 1.0, c: 9.0 }, { a: 1.0, b: 1.0 });
  assert.equal(result.ok, true);
  assert.deepEqual(result.missing, ['a']);
  assert.deepEqual(result.added, ['c']);
  assert.equal(result.margin, DEFAULT_MARGIN);
});

test('a confirming rerun keeps the better ratio of the two runs, so a regression must show in both', () => {
  const first = { a: 3.0, b: 1.0, c: 2.0 };
  const second = { a: 1.1, b: 1.5, d: 0.7 };
  assert.deepEqual(betterOfRuns(first, second), { a: 1.1, b: 1.0, c: 2.0, d: 0.7 });
  assert.equal(compareRatios(betterOfRuns(first, second), { a: 1.0, b: 1.0 }, 1.75).ok, true);
  assert.equal(compareRatios(betterOfRuns(first, { a: 2.0 }), { a: 1.0 }, 1.75).ok, false);
});

test('the margin must be at least 1', () => {
  assert.throws(() => compareRatios({}, {}, 0.5), /margin must be at least 1/);
});

test('formatComparison names every worse ratio with its baseline and factor', () => {
  const lines = formatComparison(compareRatios({ a: 4.0, b: 1.0 }, { a: 1.0, b: 1.0 }, 1.75));
  assert.match(lines[0]!, /2 ratios against bench\/baseline\.json \(margin x1\.75\): 1 worse/);
  assert.ok(lines.some((line) => line.includes('WORSE') && line.includes('a: 4.000 (baseline 1.000, x4.00)')));
});

test.run();
