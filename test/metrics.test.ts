// torch.metrics against scikit-learn (scripts/golden/metrics_cases.py): every metric's class
// (updated batch by batch, and through forward) and functional form (on the concatenation), then
// state handling (reset, forward, tidy scopes, autograd), torchmetrics' documented examples, and
// the errors bad input gets.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { assertTensorClose, decode, readFixture, type Encoded } from './helpers.ts';

const { metrics } = torch;
const F = metrics.functional;

interface Batch {
  preds: Encoded;
  target: Encoded;
}
interface Case {
  name: string;
  metric: keyof typeof metrics;
  fn: keyof typeof F;
  options: Record<string, unknown>;
  inputs: number;
  expected: Encoded;
}

const { inputs, cases } = readFixture<{ inputs: Batch[][]; cases: Case[] }>('metrics_golden.json');
const TOLERANCE = 1e-6;

type MetricClass = new (options?: unknown) => torch.metrics.Metric;
type MetricFunction = (preds: torch.Tensor, target: torch.Tensor, options?: unknown) => torch.Tensor;

const classOf = (c: Case): MetricClass => metrics[c.metric] as unknown as MetricClass;
const functionOf = (c: Case): MetricFunction => F[c.fn] as unknown as MetricFunction;
const batchesOf = (c: Case) => inputs[c.inputs]!.map((b) => ({ preds: decode(b.preds), target: decode(b.target) }));

test('golden cases cover every metric', () => {
  const names = new Set(cases.map((c) => c.metric));
  for (const metric of [
    'Accuracy',
    'Precision',
    'Recall',
    'F1Score',
    'ConfusionMatrix',
    'AUROC',
    'AveragePrecision',
    'MeanSquaredError',
    'MeanAbsoluteError',
    'R2Score',
  ])
    assert.ok(names.has(metric as Case['metric']), metric);
  assert.ok(cases.length >= 100, `${cases.length} cases`);
});

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    const batches = batchesOf(c);
    const preds = torch.cat(batches.map((b) => b.preds));
    const target = torch.cat(batches.map((b) => b.target));
    assertTensorClose(functionOf(c)(preds, target, c.options), c.expected, TOLERANCE, 'functional');

    const metric = new (classOf(c))(c.options);
    for (const b of batches) metric.update(b.preds, b.target);
    assert.equal(metric.updateCount, batches.length);
    assertTensorClose(metric.compute(), c.expected, TOLERANCE, 'update per batch');

    // forward: each batch's own value, while the state accumulates all of them.
    metric.reset();
    for (const b of batches) {
      const batchValue = metric.forward(b.preds, b.target);
      const alone = functionOf(c)(b.preds, b.target, c.options);
      assertTensorClose(
        batchValue,
        { values: Array.from(alone.toTypedArray(), Number), shape: alone.shape, dtype: alone.dtype },
        TOLERANCE,
        'forward',
      );
    }
    assertTensorClose(metric.compute(), c.expected, TOLERANCE, 'after forward');
  });
}

const close = (actual: torch.Tensor, expected: number | number[], label = '') => {
  const want = typeof expected === 'number' ? [expected] : expected;
  const got = Array.from(actual.toTypedArray(), Number);
  assert.equal(got.length, want.length, `${label} numel`);
  want.forEach((w, i) =>
    assert.ok(Number.isNaN(w) ? Number.isNaN(got[i]) : Math.abs(got[i]! - w) <= 1e-4, `${label}[${i}]: expected ${w}, got ${got[i]}`),
  );
};

// ---- torchmetrics' documented examples -----------------------------------------------------------

test("torchmetrics' examples: multiclass accuracy micro and macro", () => {
  const [target, preds] = [torch.tensor([2, 1, 0, 0]), torch.tensor([2, 1, 0, 1])];
  close(F.accuracy(preds, target, { task: 'multiclass', numClasses: 3 }), 0.75);
  close(F.accuracy(preds, target, { task: 'multiclass', numClasses: 3, average: 'macro' }), 0.8333);
  close(F.accuracy(preds, target, { task: 'multiclass', numClasses: 3, average: 'none' }), [0.5, 1, 1]);
});

test("torchmetrics' examples: multiclass AUROC and average precision (a class never in target)", () => {
  const preds = torch.tensor([
    [0.75, 0.05, 0.05, 0.05, 0.05],
    [0.05, 0.75, 0.05, 0.05, 0.05],
    [0.05, 0.05, 0.75, 0.05, 0.05],
    [0.05, 0.05, 0.05, 0.75, 0.05],
  ]);
  const target = torch.tensor([0, 1, 3, 2]);
  const options = { task: 'multiclass', numClasses: 5 } as const;
  close(F.auroc(preds, target, options), 0.5333);
  close(F.auroc(preds, target, { ...options, average: 'none' }), [1, 1, 0.3333, 0.3333, 0]);
  close(F.averagePrecision(preds, target, options), 0.625);
  close(F.averagePrecision(preds, target, { ...options, average: 'none' }), [1, 1, 0.25, 0.25, NaN]);
});

test("torchmetrics' examples: binary average precision, r2, confusion matrix", () => {
  close(F.averagePrecision([0, 0.5, 0.7, 0.8], [0, 1, 1, 0], { task: 'binary' }), 0.5833);
  close(F.r2Score([2.5, 0.0, 2, 8], [3, -0.5, 2, 7]), 0.9486);
  const cm = F.confusionMatrix([0.35, 0.85, 0.48, 0.01], [1, 1, 0, 0], { task: 'binary' });
  assert.deepEqual(cm.toArray(), [
    [2, 0],
    [1, 1],
  ]);
  assert.equal(cm.dtype, 'int64');
});

// ---- semantics -----------------------------------------------------------------------------------

test('results are 0-d float32 tensors; float64 preds give float64 for the regression and ranking metrics', () => {
  const acc = F.accuracy([0.2, 0.8], [0, 1], { task: 'binary' });
  assert.deepEqual([acc.shape, acc.dtype], [[], 'float32']);
  assert.equal(acc.item(), 1);
  const p64 = torch.tensor([0.5, 1.5, 2.5], { dtype: 'float64' });
  const t64 = torch.tensor([1, 1, 3], { dtype: 'float64' });
  assert.equal(F.meanSquaredError(p64, t64).dtype, 'float64');
  assert.equal(F.r2Score(p64, t64).dtype, 'float64');
  assert.equal(F.auroc(torch.tensor([0.1, 0.9], { dtype: 'float64' }), [0, 1], { task: 'binary' }).dtype, 'float64');
  assert.equal(F.meanSquaredError([1, 2], [1, 3]).dtype, 'float32');
  assert.equal(F.confusionMatrix([1, 0], [1, 1], { task: 'binary', normalize: 'all' }).dtype, 'float32');
});

test('binary: the threshold applies to probabilities, and logits get a sigmoid first', () => {
  const target = [0, 1, 1, 0];
  close(F.recall([0.2, 0.45, 0.7, 0.1], target, { task: 'binary' }), 0.5);
  close(F.recall([0.2, 0.45, 0.7, 0.1], target, { task: 'binary', threshold: 0.4 }), 1);
  close(F.accuracy([-2, 0.5, 3, -1], target, { task: 'binary' }), 1); // sigmoid(0.5) > 0.5
  close(F.accuracy([true, false, true, false], target, { task: 'binary' }), 0.5);
  // Average is a multiclass option: binary ignores it, as torchmetrics.
  close(F.precision([1, 1, 0, 0], target, { task: 'binary', average: 'macro' }), 0.5);
});

test('binary AUROC and AP depend on the order of the scores only, so huge logits do not tie', () => {
  const target = [0, 1, 0, 1];
  close(F.auroc([40, 50, 60, 70], target, { task: 'binary' }), 0.75);
  close(
    F.averagePrecision([40, 50, 60, 70], target, { task: 'binary' }),
    F.averagePrecision([0.1, 0.2, 0.3, 0.4], target, { task: 'binary' }).item(),
  );
});

test('degenerate targets: AUROC 0 without positives or negatives, AP NaN without positives (left out of averages)', () => {
  close(F.auroc([0.1, 0.7, 0.4], [0, 0, 0], { task: 'binary' }), 0);
  close(F.auroc([0.1, 0.7, 0.4], [1, 1, 1], { task: 'binary' }), 0);
  close(F.averagePrecision([0.1, 0.7, 0.4], [0, 0, 0], { task: 'binary' }), NaN);
  close(F.averagePrecision([0.1, 0.7, 0.4], [1, 1, 1], { task: 'binary' }), 1);
  const preds = torch.tensor([
    [0.7, 0.2, 0.1],
    [0.3, 0.6, 0.1],
    [0.6, 0.3, 0.1],
  ]);
  const options = { task: 'multiclass', numClasses: 3 } as const;
  close(F.averagePrecision(preds, [0, 1, 1], { ...options, average: 'none' }), [1, 1, NaN]);
  close(F.averagePrecision(preds, [0, 1, 1], options), 1);
  close(F.averagePrecision(preds, [0, 1, 1], { ...options, average: 'weighted' }), 1);
});

test('multiclass accepts labels, scores [N, C] and scores [N, C, ...] (extra dimensions flattened)', () => {
  const logits = torch.tensor([
    [
      [2, 0],
      [0, 1],
      [1, 0],
    ],
  ]); // [1, 3, 2]: argmax over dim 1 -> [0, 1]
  const options = { task: 'multiclass', numClasses: 3 } as const;
  close(F.accuracy(logits.float(), [[0, 2]], options), 0.5);
  close(F.accuracy([0, 1], [[0, 2]].flat(), options), 0.5);
  assert.deepEqual(F.confusionMatrix(logits.float(), [[0, 2]], options).toArray(), [
    [1, 0, 0],
    [0, 0, 0],
    [0, 1, 0],
  ]);
});

test('plain arrays and tensors give the same results', () => {
  const preds = [
    [0.1, 0.8, 0.1],
    [0.6, 0.3, 0.1],
    [0.2, 0.2, 0.6],
  ];
  const options = { task: 'multiclass', numClasses: 3, average: 'macro' } as const;
  for (const fn of [F.accuracy, F.precision, F.recall, F.f1Score]) {
    assert.equal(fn(preds, [1, 0, 0], options).item(), fn(torch.tensor(preds), torch.tensor([1, 0, 0]), options).item());
  }
  assert.equal(F.meanAbsoluteError([1, 2, 3], [1, 1, 1]).item(), 1);
});

test('reset forgets the batches; compute before any update is an error', () => {
  const metric = new metrics.F1Score({ task: 'multiclass', numClasses: 3, average: 'macro' });
  metric.update([0, 1, 2, 2], [0, 1, 1, 2]);
  const first = metric.compute().item();
  metric.update([0, 0, 0], [1, 2, 1]);
  assert.notEqual(metric.compute().item(), first);
  metric.reset();
  assert.equal(metric.updateCount, 0);
  assert.throws(() => metric.compute(), { message: 'F1Score.compute: no data: call update() before compute()' });
  metric.update([0, 1, 2, 2], [0, 1, 1, 2]);
  assert.equal(metric.compute().item(), first);
  // A result is the caller's: reset does not free it, and freeing it leaves the state alone.
  const confusion = new metrics.ConfusionMatrix({ task: 'binary' });
  confusion.update([1, 0, 1], [1, 1, 1]);
  const counts = confusion.compute();
  counts.dispose();
  const again = confusion.compute();
  confusion.reset();
  assert.deepEqual(again.toArray(), [
    [0, 0],
    [1, 2],
  ]);
});

test('updates across batches equal one update on the concatenation, for every metric', () => {
  torch.manualSeed(0);
  const probs = torch.rand([30, 4]).softmax(1);
  const labels = torch.randint(0, 4, [30]);
  const values = torch.randn([30]);
  const made: [torch.metrics.Metric, torch.Tensor, torch.Tensor][] = [
    [new metrics.Accuracy({ task: 'multiclass', numClasses: 4, average: 'weighted' }), probs, labels],
    [new metrics.Precision({ task: 'multiclass', numClasses: 4, average: 'macro', topK: 2 }), probs, labels],
    [new metrics.Recall({ task: 'binary' }), probs.select(1, 0), labels.remainder(2)],
    [new metrics.F1Score({ task: 'multiclass', numClasses: 4, average: 'none' }), probs, labels],
    [new metrics.ConfusionMatrix({ task: 'multiclass', numClasses: 4, normalize: 'pred' }), probs, labels],
    [new metrics.AUROC({ task: 'multiclass', numClasses: 4, average: 'weighted' }), probs, labels],
    [new metrics.AveragePrecision({ task: 'binary' }), probs.select(1, 0), labels.remainder(2)],
    [new metrics.MeanSquaredError({ squared: false }), values, values.flip([0])],
    [new metrics.MeanAbsoluteError(), values, values.flip([0])],
    [new metrics.R2Score(), values, values.mul(0.5).add(0.1)],
  ];
  for (const [metric, preds, target] of made) {
    for (const [a, b] of [
      [0, 7],
      [7, 19],
      [19, 30],
    ] as const)
      metric.update(preds.narrow(0, a, b - a), target.narrow(0, a, b - a));
    const split = metric.compute();
    metric.reset();
    metric.update(preds, target);
    const whole = metric.compute();
    close(split, Array.from(whole.toTypedArray(), Number), metric.constructor.name);
  }
});

test('state survives torch.tidy, and the caller keeps its tensors', () => {
  const metric = new metrics.MeanSquaredError();
  const preds = torch.tensor([1, 2, 3], { dtype: 'float32' });
  torch.tidy(() => metric.update(preds, torch.tensor([1, 2, 5], { dtype: 'float32' })));
  torch.tidy(() => metric.update(torch.tensor([0], { dtype: 'float32' }), torch.tensor([1], { dtype: 'float32' })));
  close(metric.compute(), 5 / 4);
  const auroc = new metrics.AUROC({ task: 'binary' });
  const scores = torch.tensor([0.1, 0.9, 0.4]);
  torch.tidy(() => auroc.update(scores, [0, 1, 1]));
  close(auroc.compute(), 1);
  auroc.reset();
  metric.reset();
  assert.equal(preds.isDisposed, false);
  assert.equal(scores.isDisposed, false);
  const kept = torch.tidy(() => {
    const m = new metrics.Accuracy({ task: 'binary' });
    m.update([1, 0], [1, 1]);
    return m.compute();
  });
  assert.equal(kept.isDisposed, false);
  assert.equal(kept.item(), 0.5);
});

test('updates record no autograd graph', () => {
  const preds = torch.tensor([0.5, 1.5, 2.5], { requiresGrad: true });
  const result = F.meanSquaredError(preds, [1, 1, 1]);
  assert.equal(result.requiresGrad, false);
  const metric = new metrics.R2Score();
  metric.update(preds, [0, 2, 2]);
  assert.equal(metric.forward(preds, [1, 2, 2]).requiresGrad, false);
  assert.equal(metric.compute().requiresGrad, false);
});

test('a forward that throws leaves the state as it was', () => {
  const metric = new metrics.Accuracy({ task: 'binary' });
  metric.update([1, 0, 1], [1, 1, 1]);
  assert.throws(() => metric.forward([1, 0], [1, 2]), /target must hold only 0 and 1/);
  assert.equal(metric.updateCount, 1);
  close(metric.compute(), 2 / 3);
  close(metric.forward([1], [1]), 1);
  close(metric.compute(), 3 / 4);
  assert.equal(metric.updateCount, 2);
});

test('R2Score: multioutput, adjusted, at least two samples, same outputs in every batch', () => {
  const preds = [
    [1, 2],
    [2, 4],
    [3, 5],
  ];
  const target = [
    [1, 2],
    [2, 5],
    [3, 4],
  ];
  close(F.r2Score(preds, target, { multioutput: 'raw_values' }), [1, 1 - 2 / (14 / 3)]);
  close(F.r2Score(preds, target), (2 - 2 / (14 / 3)) / 2);
  // adjusted k >= n - 1 falls back to the plain score, as torchmetrics
  close(F.r2Score([1, 2, 3], [1, 2, 2], { adjusted: 2 }), F.r2Score([1, 2, 3], [1, 2, 2]).item());
  assert.throws(() => F.r2Score([1], [2]), { name: 'RangeError', message: 'r2Score: R2 needs at least two samples, got 1' });
  const metric = new metrics.R2Score();
  metric.update(preds, target);
  assert.throws(() => metric.update([1, 2], [1, 2]), { name: 'RangeError', message: /do not match earlier batches' preds \[N, 2\]/ });
  assert.throws(() => F.r2Score([[[1]], [[2]]], [[[1]], [[2]]]), /preds must be of shape \[N\] or \[N, outputs\]/);
});

// ---- errors --------------------------------------------------------------------------------------

test('bad options name the option, the expected values and what was given', () => {
  const cases: [() => unknown, string | RegExp, string][] = [
    [
      () => new metrics.Accuracy({ task: 'multiclass' }),
      "Accuracy: numClasses must be an integer of at least 2 for task 'multiclass', got undefined",
      'TypeError',
    ],
    [
      () => F.accuracy([0], [0], { task: 'multiclass', numClasses: 1 }),
      "accuracy: numClasses must be an integer of at least 2 for task 'multiclass', got 1",
      'RangeError',
    ],
    [
      () => new metrics.Precision({ task: 'multilabel' as never }),
      "Precision: task must be 'binary' or 'multiclass', got 'multilabel'",
      'TypeError',
    ],
    [
      () => new metrics.Recall(undefined as never),
      /Recall: options \{ task: 'binary' \| 'multiclass', \.\.\. \} are required, got undefined/,
      'TypeError',
    ],
    [
      () => new metrics.F1Score({ task: 'multiclass', numClasses: 3, average: 'samples' as never }),
      "F1Score: average must be one of 'micro', 'macro', 'weighted' or 'none', got 'samples'",
      'TypeError',
    ],
    [
      () => new metrics.Accuracy({ task: 'multiclass', num_classes: 3 } as never),
      "Accuracy: unknown option 'num_classes' (options: task, numClasses, threshold, average, topK)",
      'TypeError',
    ],
    [
      () => new metrics.Accuracy({ task: 'multiclass', numClasses: 3, topK: 4 }),
      'Accuracy: topK must be at most numClasses (3), got 4',
      'RangeError',
    ],
    [
      () => new metrics.Accuracy({ task: 'multiclass', numClasses: 3, topK: 0 }),
      'Accuracy: topK must be a positive integer, got 0',
      'RangeError',
    ],
    [
      () => new metrics.Accuracy({ task: 'binary', threshold: 1.5 }),
      'Accuracy: threshold must be a number in [0, 1], got 1.5',
      'RangeError',
    ],
    [
      () => new metrics.AUROC({ task: 'multiclass', numClasses: 3, average: 'micro' as never }),
      "AUROC: average must be one of 'macro', 'weighted' or 'none', got 'micro'",
      'TypeError',
    ],
    [
      () => new metrics.ConfusionMatrix({ task: 'binary', normalize: 'rows' as never }),
      "ConfusionMatrix: normalize must be one of 'true', 'pred', 'all' or 'none', got 'rows'",
      'TypeError',
    ],
    [() => new metrics.MeanSquaredError({ squared: 'no' as never }), "MeanSquaredError: squared must be a boolean, got 'no'", 'TypeError'],
    [
      () => new metrics.R2Score({ multioutput: 'uniformAverage' as never }),
      /R2Score: multioutput must be one of 'uniform_average', 'raw_values' or 'variance_weighted'/,
      'TypeError',
    ],
    [() => new metrics.R2Score({ adjusted: -1 }), 'R2Score: adjusted must be a non-negative integer, got -1', 'RangeError'],
  ];
  for (const [fn, message, name] of cases) assert.throws(fn, { name, message });
});

test('bad inputs name the metric, the input and the problem', () => {
  const multi = { task: 'multiclass', numClasses: 3 } as const;
  const cases: [() => unknown, string | RegExp, string][] = [
    [
      () => F.accuracy([0, 1], [0, 1, 1], { task: 'binary' }),
      'accuracy: preds and target must have the same shape, got preds [2] and target [3]',
      'RangeError',
    ],
    [
      () => new metrics.Recall(multi).update([0, 1], [0, 1, 1]),
      'Recall.update: preds and target must have the same shape, got preds [2] and target [3]',
      'RangeError',
    ],
    [() => F.precision([0, 3], [0, 1], multi), 'precision: preds must hold class labels in [0, 2] (numClasses 3), got 3', 'RangeError'],
    [() => F.precision([0, 1], [0, -1], multi), 'precision: target must hold class labels in [0, 2] (numClasses 3), got -1', 'RangeError'],
    [
      () => F.recall([0.2, 0.9], [0, 2], { task: 'binary' }),
      "recall: target must hold only 0 and 1 for task 'binary', got 2",
      'RangeError',
    ],
    [
      () => F.recall([0.2, 0.9], [0, 0.5], { task: 'binary' }),
      "recall: target must hold only 0 and 1 for task 'binary', got 0.5",
      'RangeError',
    ],
    [() => F.recall([0, 3], [0, 1], { task: 'binary' }), "recall: preds must hold only 0 and 1 for task 'binary', got 3", 'RangeError'],
    [
      () => F.f1Score([[0.2, 0.8]], [1], multi),
      'f1Score: preds must have numClasses (3) scores in dimension 1, got shape [1,2]',
      'RangeError',
    ],
    [
      () => F.f1Score([[[0.2, 0.8, 0]]], [1], multi),
      "f1Score: preds must be labels of target's shape or scores of shape [N, C, ...], got preds [1,1,3] and target [1]",
      'RangeError',
    ],
    [
      () => F.f1Score(torch.rand([2, 3]), [1, 0, 2], multi),
      'f1Score: preds must be scores of shape [N, C, ...] for target [N, ...], got preds [2,3] and target [3]',
      'RangeError',
    ],
    [
      () => F.accuracy([0, 1], [0, 1], { ...multi, topK: 2 }),
      'accuracy: topK 2 needs scores of shape [N, C, ...], got labels of shape [2]',
      'TypeError',
    ],
    [
      () => F.auroc([0, 1, 2], [0, 1, 2], multi),
      /auroc: preds must be scores of shape \[N, C, \.\.\.\] for target \[N, \.\.\.\], got preds \[3\] and target \[3\]/,
      'RangeError',
    ],
    [() => F.auroc([[0, 1, 2]], [1], multi), 'auroc: preds of shape [N, C, ...] must be floating-point scores, got int64', 'TypeError'],
    [() => F.averagePrecision([], [], { task: 'binary' }), 'averagePrecision: no samples: preds and target are empty', 'RangeError'],
    [
      () => F.meanSquaredError('1, 2' as never, [1, 2]),
      "meanSquaredError: preds must be a Tensor or nested arrays of numbers, got '1, 2'",
      'TypeError',
    ],
    [
      () => F.meanAbsoluteError([1, 2], [[1, 2], [3]] as never),
      /meanAbsoluteError: target must be a Tensor or nested arrays of numbers \(tensor\(\): ragged/,
      'TypeError',
    ],
    [
      () => new metrics.MeanAbsoluteError().update([1, 2], [1, 2, 3]),
      'MeanAbsoluteError.update: preds and target must have the same shape, got preds [2] and target [3]',
      'RangeError',
    ],
  ];
  for (const [fn, message, name] of cases) assert.throws(fn, { name, message });
  const disposed = torch.tensor([1, 2]);
  disposed.dispose();
  assert.throws(() => F.meanAbsoluteError(disposed, [1, 2]), {
    name: 'TypeError',
    message: 'meanAbsoluteError: preds is a disposed tensor',
  });
});

test('stateDict / loadStateDict: a restored metric goes on as the original (sum and cat states)', () => {
  const preds = torch.tensor([0.9, 0.2, 0.7, 0.4], { dtype: 'float32' });
  const target = torch.tensor([1, 0, 0, 1], { dtype: 'int64' });
  for (const make of [() => new metrics.Accuracy({ task: 'binary' }), () => new metrics.AUROC({ task: 'binary' })]) {
    const original = make();
    original.update(preds, target);
    const restored = make();
    restored.loadStateDict(original.stateDict());
    assert.equal(restored.updateCount, 1);
    original.update(preds.flip([0]), target);
    restored.update(preds.flip([0]), target);
    assert.equal(restored.compute().item(), original.compute().item());
  }
  assert.throws(
    () => new metrics.Accuracy({ task: 'binary' }).loadStateDict({ updates: 1, states: { nope: { sum: null, parts: [] } } }),
    /no state 'nope'/,
  );
});

test.run();
