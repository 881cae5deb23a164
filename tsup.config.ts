import { defineConfig } from 'tsup';

// One source, two module formats: ESM (dist/index.js) and CommonJS (dist/index.cjs), with types.
export default defineConfig({
  // data-worker: the DataLoader's worker-thread entry, found beside index.js (lib/data/worker-link.ts).
  entry: { index: 'lib/index.ts', 'data-worker': 'lib/data/worker.ts', cli: 'lib/cli/bin.ts' },
  format: ['esm', 'cjs'],
  // The declarations name Symbol.dispose (Tensor, Optimizer, ...): a consumer whose `lib` stops at
  // ES2022 still gets it, without @types/node.
  dts: { banner: '/// <reference lib="esnext.disposable" />' },
  shims: true, // import.meta.url in the CommonJS build (lib/native.ts finds the addon with it)
  target: 'node20',
  sourcemap: true,
  clean: true,
  // Classes keep their names in the bundle (`this.constructor.name` appears in error messages).
  keepNames: true,
});
