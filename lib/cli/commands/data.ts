/**
 * `nodetorch data`: download and inspect the datasets the configs name (MNIST, Fashion-MNIST, the
 * embedded digits).
 * @module
 */
import type { Command } from 'commander';
import { EmbeddedMNIST } from '../../data/datasets/embedded-mnist.js';
import { defaultDatasetRoot } from '../../data/datasets/download.js';
import { FashionMNIST, MNIST } from '../../data/datasets/mnist.js';
import type { Tensor } from '../../tensor/tensor.js';
import { UsageError } from '../exit-codes.js';

const REMOTE = { mnist: MNIST, 'fashion-mnist': FashionMNIST } as const;
const NAMES = ['mnist', 'fashion-mnist', 'embedded-mnist'];

/** Adds `data download` and `data inspect` to `program`. */
export function addDataCommands(program: Command): void {
  const data = program.command('data').description('download and inspect datasets (mnist, fashion-mnist, embedded-mnist)');
  data
    .command('download')
    .description('download a dataset into --root (sha256-checked; already there is a no-op)')
    .argument('<name>', 'mnist or fashion-mnist')
    .option('--root <dir>', 'where datasets are kept', defaultDatasetRoot())
    .action(async (name: string, options: { root: string }) => {
      const Class = remoteClass(name);
      for (const train of [true, false]) {
        const dataset = await Class.create({ root: options.root, train, download: true });
        console.log(`${name} ${train ? 'train' : 'test'}: ${dataset.length} samples in ${dataset.rawFolder}`);
      }
    });
  data
    .command('inspect')
    .description('print the size, label counts and pixel statistics of a split, and one sample')
    .argument('<name>', NAMES.join(', '))
    .option('--root <dir>', 'where datasets are kept', defaultDatasetRoot())
    .option('--split <split>', 'train or test', 'train')
    .option('--index <n>', 'the sample to draw', '0')
    .action(async (name: string, options: { root: string; split: string; index: string }) => {
      if (options.split !== 'train' && options.split !== 'test')
        throw new UsageError(`--split must be 'train' or 'test', got '${options.split}'`);
      const train = options.split === 'train';
      const dataset =
        name === 'embedded-mnist' ? new EmbeddedMNIST({ train }) : await remoteClass(name).create({ root: options.root, train });
      const [images, labels] = dataset.nativeTensors()!;
      const index = Number(options.index);
      if (!Number.isInteger(index) || index < 0 || index >= dataset.length)
        throw new UsageError(`--index must be an integer in [0, ${dataset.length}), got '${options.index}'`);
      console.log(describeSplit(`${name} ${options.split}`, images, labels));
      console.log(`sample ${index} (label ${labels.index(index).item()}):\n${asciiImage(images.index(index))}`);
    });
}

function remoteClass(name: string): typeof MNIST {
  const Class = REMOTE[name as keyof typeof REMOTE];
  if (!Class) throw new UsageError(`unknown dataset '${name}'; expected one of ${Object.keys(REMOTE).join(', ')}`);
  return Class;
}

/** Size, label counts and pixel mean/std of a split. */
export function describeSplit(title: string, images: Tensor, labels: Tensor): string {
  const counts = new Map<number, number>();
  for (const label of labels.toTypedArray() as BigInt64Array) counts.set(Number(label), (counts.get(Number(label)) ?? 0) + 1);
  const histogram = [...counts].sort(([a], [b]) => a - b).map(([label, count]) => `${label}: ${count}`);
  return [
    `${title}: ${images.shape[0]} samples, images [${images.shape.slice(1).join(', ')}] ${images.dtype}`,
    `pixels: mean ${images.mean().item().toFixed(4)}, std ${images.std().item().toFixed(4)}`,
    `labels: ${histogram.join(', ')}`,
  ].join('\n');
}

/** A (1, H, W) image in [0, 1] drawn with characters of growing ink. */
export function asciiImage(image: Tensor): string {
  const [height, width] = image.shape.slice(-2) as [number, number];
  const pixels = image.flatten().toTypedArray() as Float32Array;
  const ramp = ' .:-=+*#%@';
  const rows: string[] = [];
  for (let y = 0; y < height; y++) {
    let row = '';
    for (let x = 0; x < width; x++) row += ramp[Math.min(ramp.length - 1, Math.floor(pixels[y * width + x]! * ramp.length))];
    rows.push(row.trimEnd());
  }
  return rows.join('\n');
}
