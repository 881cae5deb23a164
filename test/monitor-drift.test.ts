// torch.monitor's drift tests against scipy and numpy (scripts/golden/drift_cases.py): KS exact and
// asymptotic, chi-squared and Z as Evidently computes them, Wasserstein, Jensen-Shannon and PSI on
// Evidently's bins, MMD, image statistics and dataDrift's choice of test per column; then the
// errors bad input gets.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { readFixture } from './helpers.ts';

const { monitor } = torch;

// Relative, where the math allows: exact KS, chi-squared, Z and the distances are the same
// arithmetic as scipy's; the asymptotic KS tail sums Smirnov's series in logs (scipy in
// double-double), which agrees to ~1e-11.
const TOLERANCE = 1e-9;

type Value = number | string | null;
interface Golden {
  ks: { name: string; a: number[]; b: number[]; statistic: number; pValue: number; method: string }[];
  chisquare: { name: string; reference: number[]; current: number[]; statistic: number | string; pValue: number; df: number }[];
  z: { name: string; a: (number | string)[]; b: (number | string)[]; statistic: number; pValue: number }[];
  wasserstein: { name: string; a: number[]; b: number[]; statistic: number }[];
  binned: {
    name: string;
    a: (number | string)[];
    b: (number | string)[];
    options: { bins?: number; base?: number };
    jensenShannon: number;
    psi: number;
  }[];
  mmd: { name: string; x: number[][]; y: number[][]; statistic: number; bandwidth: number; pValue: number; permutations: number }[];
  images: {
    name: string;
    dtype: torch.DType;
    shape: number[];
    values: number[];
    brightness: number[];
    contrast: number[];
    sharpness: number[];
  }[];
  dataDrift: {
    name: string;
    reference: Record<string, Value[]>;
    current: Record<string, Value[]>;
    categorical: string[];
    share: number;
    datasetDrift: boolean;
    features: Record<string, { test: string; statistic: number; pValue: number | null; threshold: number; drifted: boolean }>;
  }[];
}
const golden = readFixture<Golden>('drift_golden.json');

const throwsMonitor = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (error: Error) => error instanceof monitor.MonitorError && pattern.test(error.message), String(pattern));
const number = (value: number | string): number => (typeof value === 'string' ? Number(value.replace('inf', 'Infinity')) : value);

function assertClose(actual: number, expected: number, tolerance: number, label: string): void {
  if (actual === expected) return;
  const error = Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(error <= tolerance, `${label}: ${actual} vs ${expected} (relative error ${error.toExponential(2)}, tolerance ${tolerance})`);
}

test('golden cases cover exact and asymptotic KS, ties, and every test', () => {
  assert.ok(golden.ks.some((c) => c.method === 'exact') && golden.ks.some((c) => c.method === 'asymp'));
  assert.ok(golden.ks.some((c) => c.name.includes('ties')));
  for (const key of ['chisquare', 'z', 'wasserstein', 'binned', 'mmd', 'images', 'dataDrift'] as const)
    assert.ok(golden[key].length > 0, key);
});

for (const c of golden.ks)
  test(`ksTest: ${c.name}`, () => {
    const result = monitor.ksTest(c.a, c.b);
    assert.equal(result.method, c.method);
    assertClose(result.statistic, c.statistic, TOLERANCE, 'statistic');
    assertClose(result.pValue, c.pValue, TOLERANCE, 'p-value');
  });

test('ksTest takes 1-D tensors and is symmetric in its p-value', () => {
  const c = golden.ks[1]!;
  const result = monitor.ksTest(torch.tensor(c.a, { dtype: 'float64' }), torch.tensor(c.b, { dtype: 'float64' }));
  assertClose(result.pValue, c.pValue, TOLERANCE, 'tensor p-value');
  assertClose(monitor.ksTest(c.b, c.a).pValue, c.pValue, TOLERANCE, 'swapped p-value');
});

for (const c of golden.chisquare)
  test(`chiSquareTest: ${c.name}`, () => {
    const result = monitor.chiSquareTest(c.reference, c.current);
    assertClose(result.statistic, number(c.statistic), TOLERANCE, 'statistic');
    assertClose(result.pValue, c.pValue, TOLERANCE, 'p-value');
    assert.equal(result.df, c.df);
  });

test('chiSquareTest takes counts keyed by category, a missing key counting 0', () => {
  const byKey = monitor.chiSquareTest({ a: 50, b: 30, c: 20 }, { c: 19, a: 48, b: 33 });
  assertClose(byKey.pValue, golden.chisquare[0]!.pValue, TOLERANCE, 'keyed');
  const missing = monitor.chiSquareTest({ a: 10, b: 20 }, { a: 10, b: 20, c: 5 });
  assert.equal(missing.statistic, Infinity);
  assert.equal(missing.pValue, 0);
  assert.deepEqual(monitor.chiSquareTest([7], [3]), { statistic: 0, pValue: 1, df: 0 });
});

for (const c of golden.z)
  test(`zTest: ${c.name}`, () => {
    const result = monitor.zTest(c.a, c.b);
    assertClose(result.statistic, c.statistic, TOLERANCE, 'statistic');
    assertClose(result.pValue, c.pValue, TOLERANCE, 'p-value');
  });

for (const c of golden.wasserstein)
  test(`wassersteinDistance: ${c.name}`, () => {
    const result = monitor.wassersteinDistance(c.a, c.b);
    assertClose(result.statistic, c.statistic, TOLERANCE, 'distance');
    assert.equal(result.pValue, undefined);
  });

for (const c of golden.binned)
  test(`jensenShannonDistance and psi: ${c.name}`, () => {
    assertClose(monitor.jensenShannonDistance(c.a, c.b, c.options).statistic, c.jensenShannon, TOLERANCE, 'Jensen-Shannon');
    assertClose(monitor.psi(c.a, c.b, { ...(c.options.bins ? { bins: c.options.bins } : {}) }).statistic, c.psi, TOLERANCE, 'PSI');
  });

test("jensenShannonDistance: scipy's natural log by default (Evidently's), base 2 on request", () => {
  const base2 = golden.binned.find((c) => c.options.base === 2)!;
  const natural = golden.binned.find((c) => c.name === 'numerical, sturges bins')!;
  assert.deepEqual([base2.a, base2.b], [natural.a, natural.b], 'the base-2 case has the samples of its natural-log twin');
  // sqrt(D / ln 2 / 2) against sqrt(D / 2): the base-2 distance is the natural one over sqrt(ln 2).
  assertClose(base2.jensenShannon, natural.jensenShannon / Math.sqrt(Math.LN2), 1e-12, 'scipy base 2 vs base e');
  const disjoint = monitor.jensenShannonDistance(['a', 'b'], ['c', 'd']).statistic;
  assertClose(disjoint, Math.sqrt(Math.LN2), 1e-15, 'disjoint samples: the natural-log bound sqrt(ln 2)');
  assertClose(monitor.jensenShannonDistance(['a', 'b'], ['c', 'd'], { base: 2 }).statistic, 1, 1e-15, 'base 2 bound');
  throwsMonitor(() => monitor.jensenShannonDistance([1], [2], { base: 1 }), /base must be a finite number > 0 other than 1, got 1/);
  const large = golden.dataDrift.find((c) => Object.values(c.features).some((f) => f.test === 'jensenshannon'))!;
  const result = monitor.dataDrift(large.reference, large.current, { categorical: large.categorical });
  for (const [name, feature] of Object.entries(result.features).filter(([, f]) => f.test === 'jensenshannon')) {
    assert.equal(feature.threshold, 0.1, `${name}: Evidently's threshold applies to the natural-log distance`);
    assert.equal(feature.drifted, feature.statistic >= 0.1, name);
  }
});

test('every test takes a 1-D tensor as it takes the array', () => {
  const same = (fromTensor: object, fromArray: object, label: string) => assert.deepEqual(fromTensor, fromArray, label);
  const f64 = (values: number[]) => torch.tensor(values, { dtype: 'float64' });
  const ks = golden.ks[0]!;
  same(monitor.ksTest(f64(ks.a), f64(ks.b)), monitor.ksTest(ks.a, ks.b), 'ksTest');
  const chi = golden.chisquare[2]!;
  same(
    monitor.chiSquareTest(torch.tensor(chi.reference), torch.tensor(chi.current)),
    monitor.chiSquareTest(chi.reference, chi.current),
    'chiSquareTest',
  );
  same(
    monitor.chiSquareTest(f64(chi.reference), chi.current),
    monitor.chiSquareTest(chi.reference, chi.current),
    'chiSquareTest, a float tensor and an array',
  );
  const z = golden.z[0]!;
  same(monitor.zTest(torch.tensor(z.a as number[]), torch.tensor(z.b as number[])), monitor.zTest(z.a, z.b), 'zTest');
  const w = golden.wasserstein[2]!;
  same(monitor.wassersteinDistance(f64(w.a), f64(w.b)), monitor.wassersteinDistance(w.a, w.b), 'wassersteinDistance');
  const binned = golden.binned[1]!;
  const [a, b] = [f64(binned.a as number[]), f64(binned.b as number[])];
  same(
    monitor.jensenShannonDistance(a, b, { bins: 10 }),
    monitor.jensenShannonDistance(binned.a, binned.b, { bins: 10 }),
    'jensenShannonDistance',
  );
  same(monitor.psi(a, b, { bins: 10 }), monitor.psi(binned.a, binned.b, { bins: 10 }), 'psi');
  throwsMonitor(() => monitor.chiSquareTest(torch.ones([2, 2]), [1, 2]), /referenceCounts must be a 1-D tensor, got shape \[2, 2\]/);
  throwsMonitor(
    () => monitor.chiSquareTest(torch.tensor([1, 2]), { a: 1 }),
    /pass both counts as arrays \(aligned by category\) or both as objects/,
  );
});

for (const c of golden.mmd)
  test(`mmdTest: ${c.name}`, () => {
    const result = monitor.mmdTest(c.x, c.y, { permutations: 500, seed: 3 });
    assertClose(result.bandwidth, c.bandwidth, TOLERANCE, 'bandwidth');
    assertClose(result.statistic, c.statistic, 1e-9, 'MMD^2');
    // numpy drew other permutations: the two p-values estimate the same number (standard error <= 0.023).
    assert.ok(Math.abs(result.pValue! - c.pValue) < 0.08, `p-value ${result.pValue} vs numpy's ${c.pValue}`);
    assert.equal(
      monitor.mmdTest(torch.tensor(c.x, { dtype: 'float64' }), c.y, { permutations: 500, seed: 3 }).pValue,
      result.pValue,
      'seeded',
    );
  });

test('mmdTest: a shift is found, the seed decides the p-value, 1-D samples work', () => {
  torch.manualSeed(0);
  const x = torch.randn([60, 4]);
  const shifted = torch.randn([60, 4]).add(1.5);
  const result = monitor.mmdTest(x, shifted, { permutations: 200, seed: 1 });
  assert.equal(result.pValue, 1 / 201);
  const same = monitor.mmdTest(x, torch.randn([60, 4]), { permutations: 200, seed: 1 });
  assert.ok(same.pValue! > 0.05, `p ${same.pValue}`);
  assert.equal(monitor.mmdTest(x, torch.randn([60, 4]), { permutations: 0 }).pValue, undefined);
  const oneD = monitor.mmdTest([1, 2, 3, 4, 5], [1.5, 2.5, 3.5], { permutations: 50, seed: 9 });
  assert.equal(oneD.pValue, monitor.mmdTest([1, 2, 3, 4, 5], [1.5, 2.5, 3.5], { permutations: 50, seed: 9 }).pValue);
});

for (const c of golden.images)
  test(`imageStatistics: ${c.name}`, () => {
    const images = torch.tensor(c.values, { dtype: c.dtype }).reshape(c.shape);
    const stats = monitor.imageStatistics(images);
    for (const key of ['brightness', 'contrast', 'sharpness'] as const)
      stats[key].forEach((value, i) => assertClose(value, c[key][i]!, 1e-12, `${key}[${i}]`));
  });

test('imageStatistics: blur lowers sharpness, a brighter copy raises brightness', () => {
  torch.manualSeed(1);
  const image = torch.rand([1, 16, 16]);
  const blurred = torch.nn.functional.avgPool2d(image.unsqueeze(0), 3, { stride: 1, padding: 1 }).squeeze(0);
  const [sharp, soft] = [monitor.imageStatistics(image), monitor.imageStatistics(blurred)];
  assert.ok(soft.sharpness[0]! < sharp.sharpness[0]! / 4, `${soft.sharpness[0]} vs ${sharp.sharpness[0]}`);
  assertClose(monitor.imageStatistics(image.add(0.25)).brightness[0]!, sharp.brightness[0]! + 0.25, 1e-6, 'brightness');
});

for (const c of golden.dataDrift)
  test(`dataDrift: ${c.name}`, () => {
    const result = monitor.dataDrift(c.reference, c.current, { categorical: c.categorical });
    assert.equal(result.share, c.share);
    assert.equal(result.datasetDrift, c.datasetDrift);
    assert.deepEqual(Object.keys(result.features), Object.keys(c.features));
    for (const [name, expected] of Object.entries(c.features)) {
      const actual = result.features[name]!;
      assert.equal(actual.test, expected.test, name);
      assert.equal(actual.drifted, expected.drifted, name);
      assert.equal(actual.threshold, expected.threshold, name);
      assertClose(actual.statistic, expected.statistic, TOLERANCE, `${name} statistic`);
      if (expected.pValue === null) assert.equal(actual.pValue, null, name);
      else assertClose(actual.pValue!, expected.pValue, TOLERANCE, `${name} p-value`);
    }
  });

test('dataDrift takes records as well as columns, drops and counts missing values', () => {
  const c = golden.dataDrift[0]!;
  const names = Object.keys(c.reference);
  const records = (columns: Record<string, Value[]>) =>
    columns[names[0]!]!.map((_, i) => Object.fromEntries(names.map((name) => [name, columns[name]![i]])));
  const fromRecords = monitor.dataDrift(records(c.reference), records(c.current), { categorical: c.categorical });
  const fromColumns = monitor.dataDrift(c.reference, c.current, { categorical: c.categorical });
  assert.deepEqual(fromRecords, fromColumns);
  assert.deepEqual(fromColumns.features.age!.current, { count: 149, missing: 1 });
});

test('dataDrift: columns, tests and thresholds options, tensors as columns', () => {
  const reference = { a: torch.arange(0, 200, 1, { dtype: 'float64' }), b: Array.from({ length: 200 }, (_, i) => i % 3) };
  const current = { a: torch.arange(50, 250, 1, { dtype: 'float64' }), b: Array.from({ length: 200 }, (_, i) => i % 3) };
  const result = monitor.dataDrift(reference, current, { columns: ['a'], tests: { a: 'psi' }, thresholds: { a: 5 } });
  assert.deepEqual(Object.keys(result.features), ['a']);
  assert.equal(result.features.a!.test, 'psi');
  assert.equal(result.features.a!.threshold, 5);
  assert.equal(result.features.a!.drifted, result.features.a!.statistic >= 5);
  const both = monitor.dataDrift(reference, current);
  assert.equal(both.features.a!.test, 'ks');
  assert.equal(both.features.b!.test, 'chisquare');
  assert.equal(both.features.b!.drifted, false);
  assert.equal(both.share, 0.5);
  assert.equal(both.datasetDrift, true, 'share 0.5 reaches the default driftShare');
  assert.equal(monitor.dataDrift(reference, current, { driftShare: 0.6 }).datasetDrift, false);
});

test('the report plots each p-value or distance against its threshold, one bar per column', () => {
  const reference = { a: Array.from({ length: 200 }, (_, i) => i / 200), b: Array.from({ length: 200 }, (_, i) => i % 3) };
  const current = { a: Array.from({ length: 200 }, (_, i) => 0.3 + i / 200), b: Array.from({ length: 200 }, (_, i) => i % 3) };
  const result = monitor.dataDrift(reference, current, { tests: { a: 'psi' } });
  const html = monitor.renderDriftReport({ reference, current, result });
  const chart = /<svg [^>]*id="test-chart"[^>]*>([\s\S]*?)<\/svg>/.exec(html)?.[1] ?? '';
  const bars = [...chart.matchAll(/<rect class="test-bar" data-column="([^"]+)" x="150" y="[\d.]+" width="([\d.]+)"/g)];
  assert.deepEqual(
    bars.map((bar) => bar[1]),
    ['a', 'b'],
  );
  const lines = [...chart.matchAll(/<line class="threshold" x1="([\d.]+)"/g)].map((line) => Number(line[1]));
  const { a, b } = result.features as Record<'a' | 'b', torch.monitor.FeatureDrift>;
  assert.equal(a.drifted, true);
  // A distance on a scale up to 1.25 times the larger of it and its threshold; a p-value on [0, 1].
  const top = 1.25 * Math.max(a.statistic, a.threshold);
  assert.equal(Number(bars[0]![2]), Number(((a.statistic / top) * 300).toFixed(1)), 'psi bar');
  assert.equal(lines[0], Number((150 + (a.threshold / top) * 300).toFixed(1)), 'psi threshold');
  assert.equal(Number(bars[1]![2]), Number(Math.max(b.pValue! * 300, 2).toFixed(1)), 'chi-squared p-value bar');
  assert.equal(lines[1], 150 + 0.05 * 300);
  assert.match(chart, /<title>a: psi [\d.]+ \(drift at &gt;= 0\.1\)<\/title>/);
});

test('dataDrift: Evidently default test by kind, reference size and distinct values', () => {
  assert.equal(monitor.defaultTest('numerical', 1000, 6), 'ks');
  assert.equal(monitor.defaultTest('numerical', 1000, 5), 'chisquare');
  assert.equal(monitor.defaultTest('numerical', 1000, 2), 'z');
  assert.equal(monitor.defaultTest('categorical', 10, 3), 'chisquare');
  assert.equal(monitor.defaultTest('categorical', 1001, 2), 'jensenshannon');
  assert.equal(monitor.defaultTest('numerical', 1001, 6), 'wasserstein');
  assert.equal(monitor.defaultTest('numerical', 1001, 5), 'jensenshannon');
});

test('bad input: empty samples, NaN, non-numbers, wrong shapes', () => {
  throwsMonitor(() => monitor.ksTest([], [1, 2]), /ksTest: a is empty/);
  throwsMonitor(() => monitor.ksTest([1, NaN], [1, 2]), /ksTest: a\[1\] is NaN: drop missing/);
  throwsMonitor(() => monitor.ksTest([1, 2], ['x' as unknown as number]), /ksTest: b\[0\] is 'x' \(a string\), not a number/);
  throwsMonitor(() => monitor.ksTest(torch.zeros([2, 2]), [1]), /1-D tensor, got shape \[2, 2\]/);
  throwsMonitor(() => monitor.wassersteinDistance([1, Infinity], [1]), /a\[1\] is Infinity/);
  throwsMonitor(() => monitor.zTest([1, 2, 3], [1]), /binary feature.*3 distinct values/);
  throwsMonitor(() => monitor.zTest([1, null as unknown as number], [1]), /zTest: a\[1\] is null/);
  throwsMonitor(() => monitor.chiSquareTest([1, 2], [1, 2, 3]), /2 categories but currentCounts has 3/);
  throwsMonitor(() => monitor.chiSquareTest([0, 0], [1, 2]), /referenceCounts are all zero/);
  throwsMonitor(() => monitor.chiSquareTest([1, -2], [1, 2]), /referenceCounts\[1\] is -2/);
  throwsMonitor(() => monitor.psi([1, 2], [1, 2], { bins: 0 }), /bins must be 'sturges' or a positive integer/);
  throwsMonitor(
    () =>
      monitor.mmdTest(
        [[1, 2]],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    /x has 1 rows/,
  );
  throwsMonitor(
    () =>
      monitor.mmdTest(
        [
          [1, 2],
          [3, 4],
        ],
        [[1], [2]],
      ),
    /x has 2 features per row but y has 1/,
  );
  throwsMonitor(
    () =>
      monitor.mmdTest(
        [
          [1, 2],
          [3, NaN],
        ],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    /x\[1\]\[1\] is NaN/,
  );
  throwsMonitor(() => monitor.mmdTest(torch.zeros([5000, 1]), torch.zeros([4000, 1])), /9000x9000 kernel matrices; subsample/);
  throwsMonitor(() => monitor.imageStatistics(torch.zeros([2, 2, 5, 5])), /1 or 3 channels, got 2/);
  throwsMonitor(() => monitor.imageStatistics(torch.zeros([3, 2, 5])), /at least 3x3/);
});

test('bad input: datasets with different columns or types, empty data, bad options', () => {
  const ref = { a: [1, 2, 3], b: ['x', 'y', 'x'] };
  throwsMonitor(
    () => monitor.dataDrift(ref, { a: [1, 2], c: ['x', 'y'] }),
    /different columns: only in the reference: b; only in the current data: c/,
  );
  throwsMonitor(() => monitor.dataDrift(ref, { a: [1, 2] }, { columns: ['b'] }), /column 'b' is not in the current dataset/);
  throwsMonitor(
    () => monitor.dataDrift(ref, { a: ['1', 'two'], b: ['x', 'y'] }),
    /column 'a' is numerical in the reference dataset but the current dataset holds '1' \(a string\)/,
  );
  throwsMonitor(
    () => monitor.dataDrift(ref, { a: [1, 'two'], b: ['x', 'y'] }),
    /column 'a' of the current dataset mixes numbers \(row 0: 1 \(a number\)\) and non-numbers \(row 1: 'two'/,
  );
  throwsMonitor(
    () => monitor.dataDrift(ref, { a: [null, NaN], b: ['x', 'y'] }),
    /column 'a' of the current dataset has no values \(2 missing of 2\)/,
  );
  throwsMonitor(() => monitor.dataDrift([], [{ a: 1 }]), /reference dataset is empty/);
  throwsMonitor(() => monitor.dataDrift(ref, { a: [], b: [] }), /current dataset is empty/);
  throwsMonitor(() => monitor.dataDrift(ref, { a: [1, 2], b: ['x'] }), /columns differ in length: 'a' has 2 values but 'b' has 1/);
  throwsMonitor(
    () => monitor.dataDrift([{ a: 1 }, 7 as unknown as Record<string, unknown>], [{ a: 1 }]),
    /row 1 of the reference dataset is 7/,
  );
  throwsMonitor(() => monitor.dataDrift({ a: [{}] }, { a: [1] }), /column 'a' of the reference dataset holds a object at row 0/);
  throwsMonitor(() => monitor.dataDrift(ref, ref, { categorical: ['zzz'] }), /categorical names 'zzz', which is not a compared column/);
  throwsMonitor(() => monitor.dataDrift(ref, ref, { tests: { b: 'ks' } }), /'ks' needs a numerical column, but 'b' is categorical/);
  throwsMonitor(() => monitor.dataDrift(ref, ref, { driftShare: 0 }), /driftShare must be a number in \(0, 1\]/);
  // Declared categorical, numbers are categories: no type error.
  const categorical = monitor.dataDrift(ref, { a: ['1', 'two', 2], b: ['x', 'y', 'y'] }, { categorical: ['a'] });
  assert.equal(categorical.features.a!.type, 'categorical');
});

test.run();
