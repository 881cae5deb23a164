import { defineConfig } from 'tsup';

// One source, two module formats: ESM (dist/index.js) and CommonJS (dist/index.cjs), with types.
export default defineConfig({
  entry: { index: 'lib/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  shims: true, // import.meta.url in the CommonJS build (lib/native.ts finds the addon with it)
  target: 'node20',
  sourcemap: true,
  clean: true,
});
