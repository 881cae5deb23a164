// DataLoader on the main thread (numWorkers 0) and the dataset wrappers.
import assert from 'node:assert/strict';
import os from 'node:os';
import { suite } from 'uvu';
import * as torch from '../lib/index.ts';
import * as data from '../lib/data/index.ts';

const xs = torch.arange(20).float().reshape(10, 2);
const ys = torch.arange(10);

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const batch of loader) out.push(batch);
  return out;
}

const rows = (t: torch.Tensor) => t.toArray();

{
  const it = suite('datasets');
  it('TensorDataset gives rows of every tensor', () => {
    const ds = new data.TensorDataset(xs, ys);
    assert.equal(ds.length, 10);
    const [x, y] = ds.get(3);
    assert.deepEqual([x!.toArray(), y!.item()], [[6, 7], 3]);
    assert.deepEqual(ds.get(-1)[1]!.item(), 9);
    assert.throws(() => new data.TensorDataset(xs, torch.arange(9)), /size mismatch/);
    assert.throws(() => ds.get(10), /out of range/);
  });

  it('Subset and ConcatDataset map indices', () => {
    const a = { length: 3, get: (i: number) => `a${i}` };
    const b = { length: 2, get: (i: number) => `b${i}` };
    const both = new data.ConcatDataset([a, b]);
    assert.deepEqual(
      Array.from({ length: both.length }, (_, i) => both.get(i)),
      ['a0', 'a1', 'a2', 'b0', 'b1'],
    );
    assert.deepEqual(both.cumulativeSizes, [3, 5]);
    assert.equal(both.get(-1), 'b1');
    const sub = new data.Subset(both, [4, 0, 3]);
    assert.deepEqual([sub.length, sub.get(0), sub.get(1), sub.get(2)], [3, 'b1', 'a0', 'b0']);
    assert.throws(() => sub.get(3), /out of range/);
  });
  it.run();
}

{
  const it = suite('DataLoader (numWorkers 0)');
  it('batches in order and reports its length', async () => {
    const loader = new data.DataLoader(new data.TensorDataset(xs, ys), { batchSize: 4 });
    assert.equal(loader.length, 3);
    const batches = await collect(loader);
    assert.deepEqual(
      batches.map(([x, y]) => [x!.shape, rows(y!)]),
      [
        [
          [4, 2],
          [0, 1, 2, 3],
        ],
        [
          [4, 2],
          [4, 5, 6, 7],
        ],
        [
          [2, 2],
          [8, 9],
        ],
      ],
    );
    assert.deepEqual(rows(batches[2]![0]!), [
      [16, 17],
      [18, 19],
    ]);
  });

  it('drops the short last batch with dropLast', async () => {
    const loader = new data.DataLoader(new data.TensorDataset(ys), { batchSize: 4, dropLast: true });
    assert.equal(loader.length, 2);
    assert.deepEqual(
      (await collect(loader)).map(([y]) => rows(y!)),
      [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
      ],
    );
  });

  it('shuffles every index exactly once per epoch, differently per epoch', async () => {
    torch.manualSeed(1);
    const loader = new data.DataLoader(new data.TensorDataset(ys), { batchSize: 3, shuffle: true });
    const epoch = async () => (await collect(loader)).flatMap(([y]) => rows(y!) as number[]);
    const [first, second] = [await epoch(), await epoch()];
    assert.deepEqual(
      [...first].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.notDeepEqual(first, second);
  });

  it('collates objects of numbers, booleans and strings', async () => {
    const records = { length: 3, get: (i: number) => ({ id: i, score: i / 2, ok: i % 2 === 0, name: `n${i}` }) };
    const [batch] = await collect(new data.DataLoader(records, { batchSize: 3 }));
    assert.deepEqual(
      [batch!.id.dtype, rows(batch!.id), batch!.score.dtype, rows(batch!.score), rows(batch!.ok), batch!.name],
      ['int64', [0, 1, 2], 'float64', [0, 0.5, 1], [true, false, true], ['n0', 'n1', 'n2']],
    );
  });

  it('takes a sampler, a batchSampler, a custom collateFn, and batchSize null', async () => {
    const numbers = { length: 6, get: (i: number) => i * 10 };
    const sampled = await collect(
      new data.DataLoader(numbers, { batchSize: 2, sampler: [5, 3, 1] as Iterable<number> & { length: number } }),
    );
    assert.deepEqual(sampled.map(rows), [[50, 30], [10]]);
    const custom = await collect(
      new data.DataLoader(numbers, { batchSampler: [[0, 5], [2]], collateFn: (samples: number[]) => samples.join('+') }),
    );
    assert.deepEqual(custom, ['0+50', '20']);
    const single = await collect(new data.DataLoader(numbers, { batchSize: null }));
    assert.deepEqual(single, [0, 10, 20, 30, 40, 50]);
  });

  it('iterates an IterableDataset in batches', async () => {
    const stream: data.IterableDataset<number> = {
      length: 5,
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 5; i++) yield i;
      },
    };
    const loader = new data.DataLoader(stream, { batchSize: 2 });
    assert.equal(loader.length, 3);
    assert.deepEqual((await collect(loader)).map(rows), [[0, 1], [2, 3], [4]]);
    assert.deepEqual((await collect(new data.DataLoader(stream, { batchSize: 2, dropLast: true }))).map(rows), [
      [0, 1],
      [2, 3],
    ]);
    assert.throws(() => new data.DataLoader(stream, { shuffle: true }), /IterableDataset/);
  });

  it('frees the per-sample tensors and keeps the batch', async () => {
    const ds = new data.TensorDataset(torch.rand([64, 8]));
    const loader = new data.DataLoader(ds, { batchSize: 16 });
    const before = torch.memory().liveTensors;
    const batches = await collect(loader);
    assert.equal(torch.memory().liveTensors - before, batches.length);
    torch.dispose(batches);
  });

  it('pinMemory is a no-op without CUDA', async () => {
    const [batch] = await collect(new data.DataLoader(new data.TensorDataset(xs), { batchSize: 10, pinMemory: true }));
    const x = batch![0];
    assert.deepEqual(x!.shape, [10, 2]);
    if (!torch.cuda.isAvailable()) assert.equal(x!.device, 'cpu');
  });

  it('validates options like PyTorch', () => {
    const ds = new data.TensorDataset(ys);
    assert.throws(() => new data.DataLoader(ds, { sampler: [0], shuffle: true }), /mutually exclusive with shuffle/);
    assert.throws(() => new data.DataLoader(ds, { batchSampler: [[0]], batchSize: 2 }), /mutually exclusive/);
    assert.throws(() => new data.DataLoader(ds, { batchSize: 0 }), /positive integer/);
    assert.throws(() => new data.DataLoader(ds, { batchSize: null, dropLast: true }), /mutually exclusive with dropLast/);
    assert.throws(() => new data.DataLoader(ds, { numWorkers: -1 }), /non-negative/);
  });

  it('bounds numWorkers and warns above the machine parallelism', async () => {
    const ds = new data.TensorDataset(ys);
    assert.throws(() => new data.DataLoader(ds, { numWorkers: 1e9 }), {
      name: 'RangeError',
      message: 'DataLoader: numWorkers must be a non-negative integer up to 256, got 1000000000',
    });
    assert.throws(() => new data.DataLoader(ds, { numWorkers: 1.5 }), { name: 'RangeError', message: /numWorkers .* got 1\.5/ });
    assert.throws(() => new data.DataLoader(ds, { numWorkers: '2' as never }), { name: 'TypeError', message: /numWorkers .* got '2'/ });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      new data.DataLoader(ds, { numWorkers: os.availableParallelism() + 1 });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      new RegExp(
        `create ${os.availableParallelism() + 1} worker threads .* suggested max number of workers on this system is ${os.availableParallelism()}`,
      ),
    );
  });

  it('refuses a dataset whose length is not a non-negative integer', () => {
    for (const [length, type, shown] of [
      [-1, 'RangeError', '-1'],
      [NaN, 'RangeError', 'NaN'],
      [1.5, 'RangeError', '1.5'],
      ['4', 'TypeError', "'4'"],
    ] as const) {
      const bad = { length, get: (i: number) => i } as unknown as data.Dataset<number>;
      assert.throws(() => new data.DataLoader(bad), {
        name: type,
        message: `DataLoader: the dataset's length must be a non-negative integer, got ${shown}`,
      });
      assert.throws(() => [...new data.SequentialSampler(bad)], { name: type, message: /SequentialSampler: the dataset's length/ });
      assert.throws(() => new data.RandomSampler(bad), { name: type, message: /RandomSampler: the dataset's length/ });
    }
  });

  it('rejects asynchronous get()', async () => {
    const lazy = { length: 2, get: async (i: number) => i };
    await assert.rejects(collect(new data.DataLoader(lazy)), /returned a Promise/);
  });
  it.run();
}
