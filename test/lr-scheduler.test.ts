// Replays PyTorch's lr sequences (scripts/golden/lr_scheduler_cases.py) on plain-object optimizers, then
// checks state round trips, option validation and OneCycleLR's overrun error.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LRScheduler,
  lrScheduler,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SequentialLR,
  StepLR,
  type OptimizerLike,
  type ParamGroupLike,
  type SchedulerState,
} from '../lib/optim/lr-scheduler/index.ts';

interface SchedulerSpec {
  type: string;
  options: Record<string, unknown>;
}

interface GoldenCase extends SchedulerSpec {
  name: string;
  optimizer: 'sgd' | 'adam';
  groups: ParamGroupLike[];
  steps: number;
  metrics?: number[];
  lrs: number[][];
  momentums?: number[][];
}

const { cases } = JSON.parse(readFileSync(new URL('./fixtures/lr_scheduler_golden.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[];
};

type Scheduler = LRScheduler | ReduceLROnPlateau;
type SchedulerClass = new (optimizer: OptimizerLike, options: never) => Scheduler;

const CLASSES: Record<string, SchedulerClass> = {
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LinearLR,
  OneCycleLR,
  ReduceLROnPlateau,
};

function optimizerOf(groups: ParamGroupLike[]): OptimizerLike {
  return { paramGroups: structuredClone(groups) };
}

function build(optimizer: OptimizerLike, spec: SchedulerSpec): Scheduler {
  if (spec.type !== 'SequentialLR') return new CLASSES[spec.type]!(optimizer, spec.options as never);
  const children = (spec.options.schedulers as SchedulerSpec[]).map((child) => build(optimizer, child) as LRScheduler);
  return new SequentialLR(optimizer, { schedulers: children, milestones: spec.options.milestones as number[] });
}

function advance(scheduler: Scheduler, c: GoldenCase, step: number): void {
  if (scheduler instanceof ReduceLROnPlateau) scheduler.step(c.metrics![step]!);
  else scheduler.step();
}

const momentumOf = (group: ParamGroupLike): number => (group.betas ? group.betas[0] : group.momentum!);

// Relative 1e-10, floored at 1e-15 absolute for tiny lrs (a plain 1e-10 absolute bound would accept any lr below it).
function assertClose(actual: number[], expected: number[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: group count`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    assert.ok(Math.abs(a - e) <= 1e-10 * Math.max(Math.abs(e), 1e-5), `${label} group ${i}: expected ${e}, got ${a}`);
  });
}

/** Asserts that the lrs (and momentums) after step `step` (0: construction) match the fixture. */
function assertStep(optimizer: OptimizerLike, scheduler: Scheduler, c: GoldenCase, step: number): void {
  const lrs = optimizer.paramGroups.map((g) => g.lr);
  assertClose(lrs, c.lrs[step]!, `lr after step ${step}`);
  assert.deepEqual(scheduler.getLastLr(), lrs, `getLastLr after step ${step}`);
  if (c.momentums) assertClose(optimizer.paramGroups.map(momentumOf), c.momentums[step]!, `momentum after step ${step}`);
}

test('golden fixture covers at least 20 configurations of every scheduler', () => {
  assert.ok(cases.length >= 20, `${cases.length} cases`);
  const types = new Set(cases.map((c) => c.type));
  for (const type of [...Object.keys(CLASSES), 'SequentialLR']) assert.ok(types.has(type), type);
});

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    const optimizer = optimizerOf(c.groups);
    const scheduler = build(optimizer, c);
    assertStep(optimizer, scheduler, c, 0);
    for (let step = 1; step <= c.steps; step++) {
      advance(scheduler, c, step - 1);
      assertStep(optimizer, scheduler, c, step);
    }
  });

  test(`resume from stateDict: ${c.name}`, () => {
    const optimizer = optimizerOf(c.groups);
    const scheduler = build(optimizer, c);
    const half = Math.floor(c.steps / 2);
    for (let step = 0; step < half; step++) advance(scheduler, c, step);
    const state = scheduler.stateDict();
    const saved = JSON.parse(JSON.stringify(state)) as SchedulerState;
    assert.deepEqual(saved, state, 'stateDict is plain JSON');

    // As in PyTorch: build a new optimizer and scheduler, then load the optimizer's and the scheduler's states.
    const resumedOptimizer = optimizerOf(c.groups);
    const resumed = build(resumedOptimizer, c);
    resumedOptimizer.paramGroups.splice(0, Infinity, ...structuredClone(optimizer.paramGroups));
    resumed.loadStateDict(saved);
    assert.deepEqual(resumed.stateDict(), state, 'loaded state');
    for (let step = half + 1; step <= c.steps; step++) {
      advance(resumed, c, step - 1);
      assertStep(resumedOptimizer, resumed, c, step);
    }
  });
}

test('loadStateDict restores hyperparameters too, as PyTorch does', () => {
  const a = new StepLR(optimizerOf([{ lr: 1 }]), { stepSize: 2, gamma: 0.5 });
  const optimizer = optimizerOf([{ lr: 1 }]);
  const b = new StepLR(optimizer, { stepSize: 7 });
  b.loadStateDict(a.stateDict());
  for (let i = 0; i < 4; i++) b.step();
  assert.deepEqual(b.getLastLr(), [0.25]);
  assert.equal(optimizer.paramGroups[0]!.lr, 0.25);
});

test('ReduceLROnPlateau state keeps an infinite best value through JSON', () => {
  const scheduler = new ReduceLROnPlateau(optimizerOf([{ lr: 0.1 }]), { mode: 'max' });
  const saved = JSON.parse(JSON.stringify(scheduler.stateDict())) as SchedulerState;
  const other = new ReduceLROnPlateau(optimizerOf([{ lr: 0.1 }]), { mode: 'max' });
  other.best = 3;
  other.loadStateDict(saved);
  assert.equal(other.best, -Infinity);
});

test('schedulers record initialLr and change the lr only by assigning group.lr', () => {
  const writes: number[] = [];
  let lr = 0.1;
  const group: ParamGroupLike = {
    get lr() {
      return lr;
    },
    set lr(value: number) {
      writes.push(value);
      lr = value;
    },
  };
  const scheduler = new ExponentialLR({ paramGroups: [group] }, { gamma: 0.5 });
  assert.equal(group.initialLr, 0.1);
  scheduler.step();
  assert.deepEqual(writes, [0.1, 0.05]);
  assert.deepEqual(scheduler.baseLrs, [0.1]);
  assert.equal(scheduler.lastEpoch, 1);
});

test('ReduceLROnPlateau.step takes a one-element tensor', () => {
  const optimizer = optimizerOf([{ lr: 1 }]);
  const scheduler = new ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5 });
  scheduler.step({ item: () => 1 });
  scheduler.step({ item: () => 1 });
  assert.equal(optimizer.paramGroups[0]!.lr, 0.5);
});

test('OneCycleLR allows totalSteps steps and throws on the one after, like PyTorch', () => {
  const scheduler = new OneCycleLR(optimizerOf([{ lr: 0.1, momentum: 0.9 }]), { maxLr: 1, totalSteps: 10 });
  for (let i = 0; i < 10; i++) scheduler.step();
  assert.throws(() => scheduler.step(), {
    name: 'RangeError',
    message: 'OneCycleLR: Tried to step 12 times. The specified number of total steps is 10',
  });
});

test('OneCycleLR sets cycle bounds in each group and moves Adam betas[0] only', () => {
  const optimizer = optimizerOf([{ lr: 0.1, betas: [0.9, 0.99] }]);
  new OneCycleLR(optimizer, { maxLr: 2, totalSteps: 10, divFactor: 4, finalDivFactor: 10 });
  const group = optimizer.paramGroups[0]!;
  assert.deepEqual([group.initialLr, group.maxLr, group.minLr, group.maxMomentum, group.baseMomentum], [0.5, 2, 0.05, 0.95, 0.85]);
  assert.equal(group.betas![1], 0.99);
  assert.equal(group.lr, 0.5);
});

test('lrScheduler holds every scheduler class', () => {
  const names = [
    'LRScheduler',
    'StepLR',
    'MultiStepLR',
    'ExponentialLR',
    'CosineAnnealingLR',
    'LinearLR',
    'OneCycleLR',
    'SequentialLR',
    'ReduceLROnPlateau',
  ];
  assert.deepEqual(Object.keys(lrScheduler).sort(), names.sort());
  assert.ok(new lrScheduler.StepLR(optimizerOf([{ lr: 1 }]), { stepSize: 1 }) instanceof LRScheduler);
});

const sgd = (): OptimizerLike => optimizerOf([{ lr: 0.1, momentum: 0.9 }]);

const INVALID: [string, () => unknown, RegExp | string][] = [
  ['StepLR stepSize 0', () => new StepLR(sgd(), { stepSize: 0 }), 'StepLR: stepSize must be a positive integer, got 0'],
  ['StepLR stepSize 1.5', () => new StepLR(sgd(), { stepSize: 1.5 }), 'StepLR: stepSize must be a positive integer, got 1.5'],
  ['StepLR stepSize string', () => new StepLR(sgd(), { stepSize: '3' as never }), "StepLR: stepSize must be a positive integer, got '3'"],
  ['StepLR gamma NaN', () => new StepLR(sgd(), { stepSize: 2, gamma: NaN }), 'StepLR: gamma must be a non-negative number, got NaN'],
  ['StepLR lastEpoch -2', () => new StepLR(sgd(), { stepSize: 2, lastEpoch: -2 }), 'StepLR: lastEpoch must be an integer >= -1, got -2'],
  [
    'resume without initialLr',
    () => new StepLR(sgd(), { stepSize: 2, lastEpoch: 3 }),
    'StepLR: paramGroups[0].initialLr must be a number (needed to resume at lastEpoch 3), got undefined',
  ],
  [
    'optimizer without groups',
    () => new StepLR({ paramGroups: [] }, { stepSize: 2 }),
    /StepLR: optimizer must have a non-empty paramGroups/,
  ],
  [
    'MultiStepLR negative milestone',
    () => new MultiStepLR(sgd(), { milestones: [3, -1] }),
    /MultiStepLR: milestones must be an array of non-negative integers/,
  ],
  ['ExponentialLR gamma -1', () => new ExponentialLR(sgd(), { gamma: -1 }), 'ExponentialLR: gamma must be a non-negative number, got -1'],
  [
    'StepLR without options',
    () => new StepLR(sgd(), undefined as never),
    'StepLR: options { stepSize, gamma? } are required, got undefined',
  ],
  [
    'ExponentialLR without options',
    () => new ExponentialLR(sgd(), undefined as never),
    'ExponentialLR: options { gamma } are required, got undefined',
  ],
  [
    'ExponentialLR without gamma',
    () => new ExponentialLR(sgd(), {} as never),
    'ExponentialLR: gamma must be a non-negative number, got undefined',
  ],
  [
    'CosineAnnealingLR tMax 0',
    () => new CosineAnnealingLR(sgd(), { tMax: 0 }),
    'CosineAnnealingLR: tMax must be a positive integer, got 0',
  ],
  ['LinearLR startFactor 0', () => new LinearLR(sgd(), { startFactor: 0 }), 'LinearLR: startFactor must be a number in (0, 1], got 0'],
  ['LinearLR endFactor 1.5', () => new LinearLR(sgd(), { endFactor: 1.5 }), 'LinearLR: endFactor must be a number in [0, 1], got 1.5'],
  ['LinearLR totalIters 0', () => new LinearLR(sgd(), { totalIters: 0 }), 'LinearLR: totalIters must be a positive integer, got 0'],
  ['OneCycleLR without steps', () => new OneCycleLR(sgd(), { maxLr: 1 }), 'OneCycleLR: give totalSteps, or epochs and stepsPerEpoch'],
  [
    'OneCycleLR epochs only',
    () => new OneCycleLR(sgd(), { maxLr: 1, epochs: 3 }),
    'OneCycleLR: stepsPerEpoch must be a positive integer, got undefined',
  ],
  [
    'OneCycleLR totalSteps 0',
    () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 0 }),
    'OneCycleLR: totalSteps must be a positive integer, got 0',
  ],
  [
    'OneCycleLR pctStart 1.2',
    () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 9, pctStart: 1.2 }),
    'OneCycleLR: pctStart must be a number in [0, 1], got 1.2',
  ],
  [
    'OneCycleLR annealStrategy',
    () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 9, annealStrategy: 'cosine' as never }),
    "OneCycleLR: annealStrategy must be one of 'cos', 'linear', got 'cosine'",
  ],
  [
    'OneCycleLR maxLr count',
    () => new OneCycleLR(sgd(), { maxLr: [1, 2], totalSteps: 9 }),
    'OneCycleLR: maxLr must have one value per param group (1), got 2',
  ],
  [
    'OneCycleLR divFactor 0',
    () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 9, divFactor: 0 }),
    'OneCycleLR: divFactor must be a positive number, got 0',
  ],
  [
    'OneCycleLR no momentum',
    () => new OneCycleLR(optimizerOf([{ lr: 0.1 }]), { maxLr: 1, totalSteps: 9 }),
    /OneCycleLR: cycleMomentum needs every param group/,
  ],
  ['SequentialLR milestone count', () => sequential([4, 8]), 'SequentialLR: expected 1 milestones for 2 schedulers, got 2'],
  ['SequentialLR milestones order', () => sequential([0]), 'SequentialLR: milestones must be increasing positive integers, got [0]'],
  [
    'SequentialLR other optimizer',
    () => new SequentialLR(sgd(), { schedulers: [new StepLR(sgd(), { stepSize: 1 })], milestones: [] }),
    'SequentialLR: schedulers[0] belongs to a different optimizer',
  ],
  [
    'ReduceLROnPlateau factor 1',
    () => new ReduceLROnPlateau(sgd(), { factor: 1 }),
    'ReduceLROnPlateau: factor must be a number in [0, 1), got 1',
  ],
  [
    'ReduceLROnPlateau mode',
    () => new ReduceLROnPlateau(sgd(), { mode: 'avg' as never }),
    "ReduceLROnPlateau: mode must be one of 'min', 'max', got 'avg'",
  ],
  [
    'ReduceLROnPlateau thresholdMode',
    () => new ReduceLROnPlateau(sgd(), { thresholdMode: 'ratio' as never }),
    "ReduceLROnPlateau: thresholdMode must be one of 'rel', 'abs', got 'ratio'",
  ],
  [
    'ReduceLROnPlateau patience -1',
    () => new ReduceLROnPlateau(sgd(), { patience: -1 }),
    'ReduceLROnPlateau: patience must be a non-negative integer, got -1',
  ],
  [
    'ReduceLROnPlateau minLr count',
    () => new ReduceLROnPlateau(sgd(), { minLr: [0, 0] }),
    'ReduceLROnPlateau: minLr must have one value per param group (1), got 2',
  ],
  [
    'ReduceLROnPlateau metric',
    () => new ReduceLROnPlateau(sgd()).step('low' as never),
    "ReduceLROnPlateau: metric must be a number or a one-element tensor, got 'low'",
  ],
];

function sequential(milestones: number[]): SequentialLR {
  const optimizer = sgd();
  const schedulers = [new LinearLR(optimizer), new ExponentialLR(optimizer, { gamma: 0.9 })];
  return new SequentialLR(optimizer, { schedulers, milestones });
}

for (const [name, make, message] of INVALID) {
  test(`rejects ${name}`, () => {
    assert.throws(make, typeof message === 'string' ? { message } : message);
  });
}

test('a rejected OneCycleLR leaves the param groups untouched', () => {
  const optimizer = sgd();
  assert.throws(
    () => new OneCycleLR(optimizer, { maxLr: 1, totalSteps: 9, baseMomentum: [0.8, 0.9] }),
    /baseMomentum must have one value per param group/,
  );
  assert.deepEqual(optimizer.paramGroups, [{ lr: 0.1, momentum: 0.9 }]);
});

test.run();
