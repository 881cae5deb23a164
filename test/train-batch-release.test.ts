// The Trainer frees the batches a DataLoader made once their step is done (not the step's outputs,
// not tensors of the user's own iterables, not with keepBatches), and a TensorDataset's batches
// come from one index_select per tensor with the same values as a row-by-row stack.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { tidyOwning } from '../lib/tensor/scope.ts';

const { Trainer, SupervisedModule, LightningModule, callbacks } = torch.train;
const { nn, optim, data } = torch;

function dataset(n = 24): torch.data.TensorDataset {
  torch.manualSeed(3);
  return new data.TensorDataset(torch.randn([n, 4]), torch.randint(0, 3, [n]));
}

function module(): InstanceType<typeof SupervisedModule> {
  torch.manualSeed(42);
  return new SupervisedModule(new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3)), {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.SGD(params, { lr: 0.1 }),
  });
}

const quiet = {
  enableProgressBar: false,
  enableCheckpointing: false,
  enableCurves: false,
  logger: false as const,
  nativeLoop: false as const,
};

// Keeps every batch and step output a hook sees.
class Recorder extends callbacks.Callback {
  batches: unknown[] = [];
  outputs: unknown[] = [];
  onTrainBatchEnd(_t: unknown, _m: unknown, output: unknown, batch: unknown): void {
    this.batches.push(batch);
    this.outputs.push(output);
  }
  onValidationBatchEnd(_t: unknown, _m: unknown, _output: unknown, batch: unknown): void {
    this.batches.push(batch);
  }
}

const tensorsOf = (batches: unknown[]): torch.Tensor[] => batches.flatMap((batch) => batch as torch.Tensor[]);

test('tidyOwning lists the tensors fn made and returned, not those it passed through', () => {
  const outside = torch.ones([2]);
  const { result, created } = tidyOwning(() => {
    const dropped = torch.zeros([2]);
    void dropped;
    return [outside, torch.ones([3])];
  });
  assert.equal(created.length, 1);
  assert.equal(created[0], result[1]);
  assert.equal(outside.isDisposed, false);
});

test('fit frees each training and validation batch after its hooks, keeps the step outputs', async () => {
  const recorder = new Recorder();
  const loader = new data.DataLoader(dataset(), { batchSize: 8 });
  await new Trainer({ ...quiet, maxEpochs: 2, callbacks: [recorder] }).fit(module(), loader, loader);
  assert.equal(recorder.batches.length, 12); // 3 train + 3 val batches per epoch
  assert.ok(tensorsOf(recorder.batches).every((t) => t.isDisposed));
  assert.ok((recorder.outputs as torch.Tensor[]).every((loss) => !loss.isDisposed && Number.isFinite(loss.item())));
});

test('keepBatches leaves batches alive for callbacks that hold them', async () => {
  const recorder = new Recorder();
  const loader = new data.DataLoader(dataset(), { batchSize: 8 });
  await new Trainer({ ...quiet, maxEpochs: 1, keepBatches: true, callbacks: [recorder] }).fit(module(), loader);
  assert.equal(recorder.batches.length, 3);
  assert.ok(tensorsOf(recorder.batches).every((t) => !t.isDisposed));
  assert.throws(() => new Trainer({ keepBatches: 'yes' as never }), /keepBatches/);
});

test("the tensors of a user's own iterable of batches are not freed (they train every epoch)", async () => {
  const { tensors } = dataset();
  const batches = [
    [tensors[0]!.slice(0, 0, 12), tensors[1]!.slice(0, 0, 12)],
    [tensors[0]!, tensors[1]!],
  ];
  const recorder = new Recorder();
  await new Trainer({ ...quiet, maxEpochs: 3, callbacks: [recorder] }).fit(module(), batches);
  assert.equal(recorder.batches.length, 6);
  assert.ok(batches.flat().every((t) => !t.isDisposed));
});

test('batches the user pulled from a DataLoader stay theirs: fit, predict and validate leave them alive', async () => {
  const collected: torch.Tensor[][] = [];
  for await (const batch of new data.DataLoader(dataset(), { batchSize: 8 })) collected.push(batch);
  const trainer = new Trainer({ ...quiet, maxEpochs: 2 });
  await trainer.fit(module(), collected);
  await trainer.validate(module(), collected);
  await trainer.predict(module(), collected);
  assert.ok(collected.flat().every((t) => !t.isDisposed));
});

test("a collate function's batches are not freed (it may pass through tensors the dataset keeps)", async () => {
  const cached = [torch.randn([4, 4]), torch.randint(0, 3, [4])];
  const loader = new data.DataLoader(dataset(8), { batchSize: 4, collateFn: () => cached });
  await new Trainer({ ...quiet, maxEpochs: 2 }).fit(module(), loader);
  assert.ok(cached.every((t) => !t.isDisposed));
});

test('activations a forward hook keeps during a SupervisedModule step stay alive', async () => {
  const lit = module();
  const kept: torch.Tensor[] = [];
  const [first] = [...(lit.model as torch.nn.Sequential)];
  first!.registerForwardHook((_m: unknown, _input: unknown, output: unknown) => void kept.push(output as torch.Tensor));
  const loader = new data.DataLoader(dataset(), { batchSize: 8 });
  await new Trainer({ ...quiet, maxEpochs: 1 }).fit(lit, loader, loader);
  assert.equal(kept.length, 6);
  assert.ok(kept.every((t) => !t.isDisposed && t.shape[1] === 8));
});

test('a DataLoader passing a dataset tensor through (batchSize null) does not have it freed', async () => {
  const samples = [
    [torch.randn([5, 4]), torch.randint(0, 3, [5])],
    [torch.randn([5, 4]), torch.randint(0, 3, [5])],
  ];
  const passThrough = { length: samples.length, get: (i: number) => samples[i]! };
  const loader = new data.DataLoader(passThrough, { batchSize: null });
  await new Trainer({ ...quiet, maxEpochs: 2 }).fit(module(), loader);
  assert.ok(samples.flat().every((t) => !t.isDisposed));
});

test('predict returns live predictions, even a step that returns its batch', async () => {
  class Echo extends LightningModule {
    layer = this.registerModule('layer', new nn.Identity());
    trainingStep(): torch.Tensor {
      throw new Error('not trained');
    }
    override predictStep(batch: unknown): unknown {
      return (batch as torch.Tensor[])[0];
    }
    configureOptimizers(): torch.optim.Optimizer {
      return new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
    }
  }
  const loader = new data.DataLoader(dataset(), { batchSize: 8 });
  const predictions = (await new Trainer(quiet).predict(new Echo(), loader)) as torch.Tensor[];
  assert.equal(predictions.length, 3);
  assert.deepEqual(
    predictions.map((p) => p.shape),
    [
      [8, 4],
      [8, 4],
      [8, 4],
    ],
  );
  assert.ok(predictions.every((p) => !p.isDisposed));
});

// A subclass that reads rows itself does not get the index_select path (and still works).
class RowByRow extends data.TensorDataset {
  override get(index: number): torch.Tensor[] {
    return super.get(index);
  }
}

test("a TensorDataset's batches equal the row-by-row stack: shuffled, negative indices, workers, channels-last", async () => {
  const { tensors: plain } = dataset(30);
  const image = torch.randn([30, 3, 2, 2]).contiguous('channels_last');
  const tensors = [...plain, image];
  const fast = new data.TensorDataset(...tensors);
  const slow = new RowByRow(...tensors);
  const batchSampler = [
    [3, -1, 0],
    [29, -30, 7, 7],
  ];
  for (const options of [{ batchSize: 7, shuffle: true, seed: 5 }, { batchSampler }, { batchSize: 8, numWorkers: 1 }] as const) {
    const a: torch.Tensor[][] = [];
    const b: torch.Tensor[][] = [];
    for await (const batch of new data.DataLoader(fast, options)) a.push(batch);
    for await (const batch of new data.DataLoader(slow, options)) b.push(batch);
    assert.equal(a.length, b.length);
    a.forEach((batch, i) => {
      batch.forEach((t, j) => {
        assert.equal(t.dtype, b[i]![j]!.dtype);
        assert.deepEqual(t.shape, b[i]![j]!.shape);
        assert.deepEqual(t.stride(), b[i]![j]!.stride());
        assert.ok(t.equal(b[i]![j]!), `batch ${i}, tensor ${j} (${JSON.stringify(options)})`);
      });
    });
  }
});

test("a TensorDataset batch with an index out of range names it, as get does; an empty batch is defaultCollate's error", async () => {
  const fast = dataset(10);
  await assert.rejects(async () => {
    for await (const _ of new data.DataLoader(fast, { batchSampler: [[1, 10]] })) void _;
  }, /TensorDataset\.get: index 10 is out of range for length 10/);
  await assert.rejects(async () => {
    for await (const _ of new data.DataLoader(fast, { batchSampler: [[]] })) void _;
  }, /defaultCollate: the batch is empty/);
});

test.run();
