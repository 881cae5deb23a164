// The versions the report names: nodetorch's LibTorch, TensorFlow.js, Benchmark.js. One JSON line.
import { createRequire } from 'node:module';
import * as torch from 'nodetorch';

const require = createRequire(import.meta.url);
const versionOf = (name) => require(`${name}/package.json`).version;
const config = torch.config();
console.log(
  JSON.stringify({
    'nodetorch LibTorch': config.torchVersion,
    'nodetorch BLAS threads (at start)': config.blasThreads ?? 'n/a',
    '@tensorflow/tfjs': versionOf('@tensorflow/tfjs'),
    'Benchmark.js': versionOf('benchmark'),
  }),
);
