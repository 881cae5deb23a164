// DataLoader worker threads: same batches as numWorkers 0, seeded worker randomness, errors,
// start-up failures, and threads that end with the iteration.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import { promisify } from 'node:util';
import * as torch from '../lib/index.ts';
import * as data from '../lib/data/index.ts';
import { readFixture, testOrSkip } from './helpers.ts';
import {
  addOne,
  BadCleanupStream,
  BrokenDataset,
  CountingStream,
  ExitOnceDataset,
  RandomDrawDataset,
  SlowDataset,
  SquaresDataset,
  IntraOpThreadsDataset,
  ThreadIdDataset,
  WhoReadsDataset,
} from './data-fixtures.ts';

/** Every batch of an epoch as plain arrays (tensors as [dtype, shape, values]). */
async function epoch(loader: AsyncIterable<unknown>): Promise<unknown[]> {
  const plain = (value: unknown): unknown => {
    if (value instanceof torch.Tensor) return [value.dtype, value.shape, Array.from(value.toTypedArray(), Number)];
    if (Array.isArray(value)) return value.map(plain);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    return value;
  };
  const out: unknown[] = [];
  for await (const batch of loader) out.push(plain(batch));
  return out;
}

{
  const it = suite('DataLoader workers');
  it('give the same batches in the same order as numWorkers 0 (TensorDataset, shuffled)', async () => {
    const ds = new data.TensorDataset(torch.randn([37, 3]), torch.arange(37), torch.rand([37]).gt(0.5));
    const options = { batchSize: 5, shuffle: true, seed: 7 };
    const inline = await epoch(new data.DataLoader(ds, options));
    const threaded = await epoch(new data.DataLoader(ds, { ...options, numWorkers: 2, prefetchFactor: 3 }));
    assert.equal(threaded.length, 8);
    assert.deepEqual(threaded, inline);
  });

  it("run their ops with one intra-op thread, as PyTorch's workers, leaving the main thread's count", async () => {
    const before = torch.getNumThreads();
    torch.setNumThreads(2);
    try {
      const batches = await epoch(new data.DataLoader(new IntraOpThreadsDataset(4), { batchSize: 2, numWorkers: 2 }));
      const counts = batches.flatMap((batch) => (batch as { threads: [string, number[], number[]] }).threads[2]);
      assert.deepEqual(counts, [1, 1, 1, 1]);
      assert.equal(torch.getNumThreads(), 2, 'the main thread keeps its setting');
      const inline = await epoch(new data.DataLoader(new IntraOpThreadsDataset(2), { batchSize: 2 }));
      assert.deepEqual((inline[0] as { threads: [string, number[], number[]] }).threads[2], [2, 2]);
    } finally {
      torch.setNumThreads(before);
    }
  });

  it('give the same batches for EmbeddedMNIST with a normalize transform', async () => {
    const ds = new data.EmbeddedMNIST({ train: false, transform: data.normalize([0.1307], [0.3081]) });
    const inline = await epoch(new data.DataLoader(ds, { batchSize: 64 }));
    const threaded = await epoch(new data.DataLoader(ds, { batchSize: 64, numWorkers: 2 }));
    assert.equal(threaded.length, Math.ceil(2004 / 64));
    assert.deepEqual(threaded, inline);
  });

  it('rebuild nested recipes: Subset of ConcatDataset of user datasets, with a user transform', async () => {
    const ds = new data.Subset(new data.ConcatDataset([new SquaresDataset(4), new SquaresDataset(3)]), [6, 0, 5, 3, 1]);
    const inline = await epoch(new data.DataLoader(ds, { batchSize: 2 }));
    assert.deepEqual(inline[0], [
      ['int64', [2], [2, 0]],
      ['float32', [2, 2], [2, 4, 0, 0]],
    ]);
    assert.deepEqual(await epoch(new data.DataLoader(ds, { batchSize: 2, numWorkers: 2 })), inline);
    const shifted = new data.EmbeddedMNIST({ train: false, transform: addOne });
    const [first] = await epoch(new data.DataLoader(new data.Subset(shifted, [0]), { numWorkers: 1 }));
    const [image] = first as [[string, number[], number[]]];
    assert.equal(Math.min(...image[2]), 1);
  });

  it('deliver single samples with batchSize null', async () => {
    const ds = new SquaresDataset(3);
    const inline = await epoch(new data.DataLoader(ds, { batchSize: null }));
    assert.deepEqual(inline[2], [2, ['float32', [2], [2, 4]]]);
    assert.deepEqual(await epoch(new data.DataLoader(ds, { batchSize: null, numWorkers: 2 })), inline);
  });

  it('draw random numbers from a per-worker generator seeded with baseSeed + workerId', async () => {
    const loader = new data.DataLoader(new RandomDrawDataset(12), { batchSize: 3, numWorkers: 2, seed: 42 });
    const got = (await epoch(loader)).map((batch) => (batch as [string, number[], number[]])[2]);
    // Batch b goes to worker b % 2, which draws from Generator(baseSeed + worker).
    const baseSeed = new data.Generator(42).seedDraw();
    const generators = [0n, 1n].map((k) => new data.Generator(baseSeed + k));
    const expected = [0, 1, 2, 3].map((b) => Array.from({ length: 3 }, () => generators[b % 2]!.randint(0, 1000)));
    assert.deepEqual(got, expected);
    assert.deepEqual((await epoch(new data.DataLoader(new RandomDrawDataset(12), { batchSize: 3, numWorkers: 2, seed: 42 }))).length, 4);
  });

  it('make random transforms reproducible for a given seed', async () => {
    const ds = new data.Subset(
      new data.EmbeddedMNIST({ transform: data.compose([data.randomCrop(28, { padding: 3 }), data.randomHorizontalFlip()]) }),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    const run = (seed: number) => epoch(new data.DataLoader(ds, { batchSize: 4, numWorkers: 2, seed }));
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('reject with the original message, the worker and the batch index', async () => {
    const loader = new data.DataLoader(new SquaresDataset(10, 5), { batchSize: 2, numWorkers: 2 });
    const delivered: number[][] = [];
    const error = await (async () => {
      try {
        for await (const [index] of loader) delivered.push(index.toArray() as number[]);
      } catch (caught) {
        return caught as data.DataLoaderWorkerError;
      }
      return null;
    })();
    assert.ok(error instanceof data.DataLoaderWorkerError);
    assert.match(error.message, /sample 5 is cursed/);
    assert.match(error.message, /batch 2/);
    assert.equal(error.batchIndex, 2);
    assert.equal(error.workerId, 0);
    assert.equal((error.cause as Error).name, 'RangeError');
    assert.deepEqual(delivered, [
      [0, 1],
      [2, 3],
    ]);
  });

  it('report a worker that fails to start', async () => {
    await assert.rejects(
      epoch(new data.DataLoader(new BrokenDataset(), { numWorkers: 1 })),
      /worker 0 failed to start: the dataset cannot be opened here/,
    );
  });

  it('need a recipe for the dataset, or workerDataset', async () => {
    const plain = { length: 4, get: (i: number) => i };
    await assert.rejects(epoch(new data.DataLoader(plain, { numWorkers: 1 })), /no workerRecipe\(\)/);
    const viaOption = new data.DataLoader(plain, {
      batchSize: 2,
      numWorkers: 1,
      workerDataset: { module: new URL('./data-fixtures.ts', import.meta.url), export: 'SquaresDataset', args: [4] },
    });
    assert.deepEqual((await epoch(viaOption)).length, 2);
  });

  it('run workerInit and expose getWorkerInfo inside the worker', async () => {
    const loader = new data.DataLoader(new WhoReadsDataset(6), {
      batchSize: 1,
      numWorkers: 2,
      workerInit: { module: new URL('./data-fixtures.ts', import.meta.url), export: 'initWorker' },
    });
    const seen = (await epoch(loader)) as {
      index: [string, number[], number[]];
      worker: [string, number[], number[]];
      init: [string, number[], number[]];
    }[];
    assert.deepEqual(
      seen.map((b) => [b.index[2][0], b.worker[2][0], b.init[2][0]]),
      [
        [0, 0, 100],
        [1, 1, 101],
        [2, 0, 100],
        [3, 1, 101],
        [4, 0, 100],
        [5, 1, 101],
      ],
    );
  });

  it('collate on the main thread when the collate function has no recipe', async () => {
    const collateFn = (samples: [number, torch.Tensor][]) => samples.map(([i, t]) => i + t.sum().item());
    const ds = new SquaresDataset(5);
    const threaded = await epoch(new data.DataLoader(ds, { batchSize: 2, numWorkers: 2, collateFn }));
    assert.deepEqual(threaded, [[0, 3], [8, 15], [24]]);
  });

  it('shard an IterableDataset and interleave the workers round robin', async () => {
    const got = (await epoch(new data.DataLoader(new CountingStream(10), { batchSize: 2, numWorkers: 2 }))).map(
      (b) => (b as [string, number[], number[]])[2],
    );
    assert.deepEqual(got, [[0, 2], [1, 3], [4, 6], [5, 7], [8], [9]]);
  });

  it('time out on a batch that takes too long', async () => {
    await assert.rejects(
      epoch(new data.DataLoader(new SlowDataset(2, 3000), { numWorkers: 1, timeout: 300 })),
      /timed out after 300 ms waiting for batch 0/,
    );
  });
  it.run();
}

{
  const it = suite('DataLoader persistentWorkers');
  const threadsOf = (batches: unknown[]) =>
    new Set(batches.flatMap((batch) => (batch as { thread: [string, number[], number[]] }).thread[2]));

  it('keep the same threads for every epoch and give the same batches as fresh workers', async () => {
    const ds = new ThreadIdDataset(12);
    await using loader = new data.DataLoader(ds, { batchSize: 3, numWorkers: 2, persistentWorkers: true });
    const first = await epoch(loader);
    const second = await epoch(loader);
    assert.equal(threadsOf(first).size, 2);
    assert.deepEqual(threadsOf(second), threadsOf(first), 'the same two threads');
    const indices = (batches: unknown[]) => batches.map((batch) => (batch as { index: [string, number[], number[]] }).index[2]);
    assert.deepEqual(indices(second), indices(first));
    const fresh = await epoch(new data.DataLoader(ds, { batchSize: 3, numWorkers: 2 }));
    assert.deepEqual(indices(fresh), indices(first));
    assert.notDeepEqual(threadsOf(fresh), threadsOf(first), 'without persistentWorkers each epoch has new threads');
  });

  it('start an iterable dataset over each epoch, also after an epoch that stopped early', async () => {
    const loader = new data.DataLoader(new CountingStream(10), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    const all = await epoch(loader);
    for await (const batch of loader) {
      assert.ok(batch); // stop after the first batch: the prefetched ones are dropped
      break;
    }
    assert.deepEqual(await epoch(loader), all);
    await loader.close();
  });

  it("draw the workers' base seed once, so later epochs shuffle as in PyTorch", async () => {
    type Case = { seed: number; n: number; batchSize: number; numWorkers: number; epochs: number[][][] };
    const golden = readFixture<{ dataLoader: Record<'oneWorker' | 'persistentWorker', Case> }>('data_golden.json').dataLoader;
    for (const [name, persistentWorkers] of [
      ['oneWorker', false],
      ['persistentWorker', true],
    ] as const) {
      const { seed, n, batchSize, numWorkers, epochs } = golden[name];
      const loader = new data.DataLoader(new ThreadIdDataset(n), { batchSize, shuffle: true, seed, numWorkers, persistentWorkers });
      const seen: number[][][] = [];
      for (let e = 0; e < epochs.length; e++) {
        seen.push((await epoch(loader)).map((batch) => (batch as { index: [string, number[], number[]] }).index[2]));
      }
      await loader.close();
      assert.deepEqual(seen, epochs, name);
    }
  });

  it('keep the batch index in errors and the workers after a failed batch', async () => {
    const loader = new data.DataLoader(new SquaresDataset(8, 5), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    for (let round = 0; round < 2; round++) {
      await assert.rejects(epoch(loader), (error: Error) => {
        assert.equal(error.name, 'DataLoaderWorkerError');
        assert.match(error.message, /failed on batch 2: sample 5 is cursed/);
        return true;
      });
    }
    await loader.close();
  });

  it('replace a worker that died, at the next epoch', async () => {
    const marker = path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-exit-')), 'exited');
    const loader = new data.DataLoader(new ExitOnceDataset(8, 5, marker), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    await assert.rejects(epoch(loader), /exited unexpectedly with code 3/);
    const second = await epoch(loader);
    assert.equal(second.length, 4);
    const third = await epoch(loader);
    const threads = (batches: unknown[]) =>
      new Set(batches.flatMap((batch) => (batch as { thread: [string, number[], number[]] }).thread[2]));
    assert.deepEqual(threads(third), threads(second), 'the replacements persist');
    await loader.close();
  });

  it('keep persistence after close() in the middle of an epoch, and after an iterator that failed to clean up', async () => {
    const loader = new data.DataLoader(new ThreadIdDataset(8), { batchSize: 2, numWorkers: 1, persistentWorkers: true });
    for await (const batch of loader) {
      assert.ok(batch);
      await loader.close(); // early stopping
      break;
    }
    const threadOf = (batches: unknown[]) => (batches[0] as { thread: [string, number[], number[]] }).thread[2][0];
    const a = await epoch(loader);
    const b = await epoch(loader);
    assert.equal(threadOf(b), threadOf(a), 'persistent again after the close');
    await loader.close();

    const stream = new data.DataLoader(new BadCleanupStream(6), { batchSize: 2, numWorkers: 1, persistentWorkers: true });
    for await (const batch of stream) {
      assert.ok(batch);
      break; // the worker's iterator is closed early (its cleanup throws) when the next epoch starts
    }
    assert.equal((await epoch(stream)).length, 3);
    await stream.close();
  });

  it('need workers, and close() ends them (an iteration waiting on them fails instead of hanging)', async () => {
    assert.throws(() => new data.DataLoader(new SquaresDataset(2), { persistentWorkers: true }), /persistentWorkers needs numWorkers > 0/);
    const loader = new data.DataLoader(new SlowDataset(4, 300), { numWorkers: 1, persistentWorkers: true });
    const iterator = loader[Symbol.asyncIterator]();
    const next = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await loader.close();
    await assert.rejects(next, /was closed/);
  });
  it.run();
}

{
  const it = suite('DataLoader worker threads end with the iteration');
  const run = promisify(execFile);

  testOrSkip(
    it,
    'after a break, after an error, and when an iterator is abandoned the process still exits',
    existsSync('/proc/self/task') ? false : 'needs /proc/self/task to count threads',
    async () => {
      const lib = new URL('../lib/index.ts', import.meta.url).href;
      const dataLib = new URL('../lib/data/index.ts', import.meta.url).href;
      const fixtures = new URL('./data-fixtures.ts', import.meta.url).href;
      const script = `
      import { readdirSync } from 'node:fs';
      import * as torch from ${JSON.stringify(lib)};
      import * as data from ${JSON.stringify(dataLib)};
      import { SquaresDataset } from ${JSON.stringify(fixtures)};
      const threads = () => readdirSync('/proc/self/task').length;
      const loader = new data.DataLoader(new data.TensorDataset(torch.arange(100)), { batchSize: 10, numWorkers: 2 });
      const counts = { before: threads() };
      for await (const batch of loader) { counts.during = threads(); break; }
      counts.afterBreak = threads();
      try { for await (const batch of new data.DataLoader(new SquaresDataset(10, 3), { numWorkers: 2 })); } catch {}
      counts.afterError = threads();
      const iterator = loader[Symbol.asyncIterator]();
      await iterator.next();
      console.log(JSON.stringify(counts));
    `;
      const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 });
      const counts = JSON.parse(stdout) as Record<string, number>;
      assert.ok(counts.during! >= counts.before! + 2, JSON.stringify(counts));
      assert.equal(counts.afterBreak, counts.before, JSON.stringify(counts));
      assert.equal(counts.afterError, counts.before, JSON.stringify(counts));
    },
  );
  it.run();
}
