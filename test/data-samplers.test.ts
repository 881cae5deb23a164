// Samplers, random splits and DataLoader shuffles against PyTorch's own output
// (test/fixtures/data_golden.json, written by scripts/golden/data_cases.py).
import assert from 'node:assert/strict';
import { suite } from 'uvu';
import * as torch from '../lib/index.ts';
import * as data from '../lib/data/index.ts';
import { readFixture } from './helpers.ts';

interface Golden {
  randperm: { seed: number; n: number; perm: number[] }[];
  randomSampler: { seed: number; n: number; replacement: boolean; numSamples: number | null; epochs: number[][] }[];
  randomSamplerGlobal: { manualSeed: number; n: number; epochs: number[][] };
  weighted: {
    weights: number[];
    seeded: { seed: number; numSamples: number; indices: number[] };
    seededWithoutReplacement: { seed: number; numSamples: number; indices: number[] };
    seededOne: { seed: number; indices: number[] };
    global: { manualSeed: number; withReplacement: number[]; withoutReplacement: number[] };
  };
  distributed: { n: number; numReplicas: number; shuffle: boolean; dropLast: boolean; seed: number; epoch: number; ranks: number[][] }[];
  randomSplit: { n: number; lengths: number[]; seed?: number; manualSeed?: number; subsets: number[][] }[];
  dataLoader: {
    global: { manualSeed: number; n: number; batchSize: number; epochs: number[][][] };
    seeded: { seed: number; n: number; batchSize: number; dropLast: boolean; epochs: number[][][] };
  };
  samplers: { subsetRandom: { seed: number; indices: number[]; order: number[] }; batch: { keep: number[][]; drop: number[][] } };
}

const golden = readFixture<Golden>('data_golden.json');
const range = (n: number) => ({ length: n });

{
  const it = suite('Generator (PyTorch CPU generator)');
  it('randperm matches torch.randperm(n, generator=torch.Generator().manual_seed(s))', () => {
    for (const { seed, n, perm } of golden.randperm) assert.deepEqual(new data.Generator(seed).randperm(n), perm, `seed ${seed}`);
  });

  it('draws the same stream as LibTorch after torch.manualSeed', () => {
    torch.manualSeed(11);
    const native = torch.randperm(20).toArray();
    const floats = torch.rand([5]).toArray() as number[];
    const ints = torch.randint(3, 17, [6]).toArray();
    const g = new data.Generator(11);
    assert.deepEqual(g.randperm(20), native);
    assert.deepEqual(
      Array.from({ length: 5 }, () => g.uniformFloat()),
      floats,
    );
    assert.deepEqual(
      Array.from({ length: 6 }, () => g.randint(3, 17)),
      ints,
    );
  });

  it('drawSeed reproduces random_() on an int64 scalar', () => {
    torch.manualSeed(5);
    assert.equal(data.drawSeed(), 4095051218741643470n);
    assert.equal(data.drawSeed(new data.Generator(5)), 4095051218741643470n);
  });
  it.run();
}

{
  const it = suite('samplers');
  it('SequentialSampler and BatchSampler', () => {
    assert.deepEqual([...new data.SequentialSampler(range(4))], [0, 1, 2, 3]);
    const keep = new data.BatchSampler(new data.SequentialSampler(range(10)), 3, false);
    const drop = new data.BatchSampler(new data.SequentialSampler(range(10)), 3, true);
    assert.deepEqual([...keep], golden.samplers.batch.keep);
    assert.deepEqual([...drop], golden.samplers.batch.drop);
    assert.equal(keep.length, 4);
    assert.equal(drop.length, 3);
  });

  it('RandomSampler with a generator gives PyTorch order, epoch after epoch', () => {
    for (const c of golden.randomSampler) {
      const sampler = new data.RandomSampler(range(c.n), {
        replacement: c.replacement,
        numSamples: c.numSamples ?? undefined,
        seed: c.seed,
      });
      assert.equal(sampler.length, c.numSamples ?? c.n);
      assert.deepEqual([[...sampler], [...sampler]], c.epochs, JSON.stringify({ seed: c.seed, replacement: c.replacement }));
    }
  });

  it('RandomSampler without a generator follows torch.manualSeed', () => {
    const { manualSeed, n, epochs } = golden.randomSamplerGlobal;
    torch.manualSeed(manualSeed);
    const sampler = new data.RandomSampler(range(n));
    assert.deepEqual([[...sampler], [...sampler]], epochs);
  });

  it('RandomSampler: same seed same order, different seed different order', () => {
    const order = (seed: number) => [...new data.RandomSampler(range(50), { seed })];
    assert.deepEqual(order(3), order(3));
    assert.notDeepEqual(order(3), order(4));
    assert.deepEqual(
      [...order(3)].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('SubsetRandomSampler', () => {
    const { seed, indices, order } = golden.samplers.subsetRandom;
    assert.deepEqual([...new data.SubsetRandomSampler(indices, { seed })], order);
  });

  it('WeightedRandomSampler matches torch.multinomial (seeded and on the default generator)', () => {
    const { weights, seeded, seededWithoutReplacement: without, seededOne: one, global } = golden.weighted;
    assert.deepEqual([...new data.WeightedRandomSampler(weights, seeded.numSamples, { seed: seeded.seed })], seeded.indices);
    assert.deepEqual(
      [...new data.WeightedRandomSampler(weights, without.numSamples, { seed: without.seed, replacement: false })],
      without.indices,
    );
    assert.deepEqual([...new data.WeightedRandomSampler(weights, 1, { seed: one.seed })], one.indices);
    torch.manualSeed(global.manualSeed);
    assert.deepEqual([...new data.WeightedRandomSampler(weights, 10)], global.withReplacement);
    assert.deepEqual([...new data.WeightedRandomSampler(weights, 5, { replacement: false })], global.withoutReplacement);
  });

  it('WeightedRandomSampler without replacement never repeats and skips zero weights', () => {
    const drawn = [...new data.WeightedRandomSampler([1, 0, 2, 3, 0, 1], 4, { replacement: false, seed: 9 })];
    assert.equal(new Set(drawn).size, 4);
    assert.ok(!drawn.includes(1) && !drawn.includes(4));
    assert.throws(() => new data.WeightedRandomSampler([1, 0], 2, { replacement: false }), /cannot draw 2 samples/);
    assert.throws(() => new data.WeightedRandomSampler([1, -1], 2), /finite and non-negative/);
  });

  it('WeightedRandomSampler frequencies follow the weights', () => {
    const counts = [0, 0, 0];
    for (const i of new data.WeightedRandomSampler([1, 2, 7], 20000, { seed: 1 })) counts[i]!++;
    assert.deepEqual(
      counts.map((c) => Math.round((c / 20000) * 10)),
      [1, 2, 7],
    );
  });
  it.run();
}

{
  const it = suite('DistributedSampler');
  it('partitions exactly as PyTorch (padding, dropLast, shuffle with seed + epoch)', () => {
    for (const c of golden.distributed) {
      const ranks = Array.from({ length: c.numReplicas }, (_, rank) => {
        const sampler = new data.DistributedSampler(range(c.n), {
          numReplicas: c.numReplicas,
          rank,
          shuffle: c.shuffle,
          seed: c.seed,
          dropLast: c.dropLast,
        });
        sampler.setEpoch(c.epoch);
        assert.equal(sampler.length, c.ranks[rank]!.length);
        return [...sampler];
      });
      assert.deepEqual(ranks, c.ranks, JSON.stringify({ ...c, ranks: undefined }));
    }
  });

  it('without dropLast every index appears on some rank, the first ones repeated as padding', () => {
    const all = [0, 1, 2].flatMap((rank) => [...new data.DistributedSampler(range(10), { worldSize: 3, rank, shuffle: false })]);
    assert.deepEqual(
      all.sort((a, b) => a - b),
      [0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('reads WORLD_SIZE and RANK, and rejects a bad rank', () => {
    const saved = { WORLD_SIZE: process.env.WORLD_SIZE, RANK: process.env.RANK };
    try {
      process.env.WORLD_SIZE = '2';
      process.env.RANK = '1';
      const sampler = new data.DistributedSampler(range(5), { shuffle: false });
      assert.deepEqual([sampler.numReplicas, sampler.rank, [...sampler]], [2, 1, [1, 3, 0]]);
      delete process.env.WORLD_SIZE;
      assert.throws(() => new data.DistributedSampler(range(5), { rank: 0 }), /WORLD_SIZE/);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    assert.throws(() => new data.DistributedSampler(range(5), { numReplicas: 2, rank: 2 }), /invalid rank 2/);
  });
  it.run();
}

{
  const it = suite('randomSplit');
  const dataset = (n: number) => ({ length: n, get: (i: number) => i });

  it('matches torch.utils.data.random_split for counts and fractions', () => {
    for (const c of golden.randomSplit) {
      if (c.manualSeed !== undefined) torch.manualSeed(c.manualSeed);
      const parts = data.randomSplit(dataset(c.n), c.lengths, c.seed !== undefined ? { seed: c.seed } : {});
      assert.deepEqual(
        parts.map((part) => [...part.indices]),
        c.subsets,
        JSON.stringify(c.lengths),
      );
      assert.deepEqual(
        parts.map((part) => Array.from({ length: part.length }, (_, i) => part.get(i))),
        c.subsets,
      );
    }
  });

  it('rejects lengths that do not add up', () => {
    assert.throws(() => data.randomSplit(dataset(10), [3, 3]), /does not equal the length/);
  });
  it.run();
}

{
  const it = suite('DataLoader shuffling');
  const numbers = (n: number) => ({ length: n, get: (i: number) => i });
  const epochs = (loader: data.DataLoader<number, torch.Tensor>, count: number) =>
    (async () => {
      const out: number[][][] = [];
      for (let e = 0; e < count; e++) {
        const batches: number[][] = [];
        for await (const batch of loader) batches.push(batch.toArray() as number[]);
        out.push(batches);
      }
      return out;
    })();

  it('gives PyTorch batches after torch.manualSeed (base seed drawn first, then the sampler seed)', async () => {
    const c = golden.dataLoader.global;
    torch.manualSeed(c.manualSeed);
    assert.deepEqual(await epochs(new data.DataLoader(numbers(c.n), { batchSize: c.batchSize, shuffle: true }), 2), c.epochs);
  });

  it('gives PyTorch batches with a seeded generator and dropLast', async () => {
    const c = golden.dataLoader.seeded;
    const loader = new data.DataLoader(numbers(c.n), { batchSize: c.batchSize, shuffle: true, dropLast: c.dropLast, seed: c.seed });
    assert.equal(loader.length, 2);
    assert.deepEqual(await epochs(loader, 2), c.epochs);
  });
  it.run();
}
