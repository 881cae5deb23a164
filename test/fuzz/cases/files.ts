/**
 * Corrupt files for every loader: a valid file (a committed fixture, or one made here) with
 * seeded mutations (flipped bytes, overwritten integers, truncation, duplicated or zeroed runs).
 * Loading may succeed or throw an Error; it may not crash or hang.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as torch from '../../../lib/index.ts';
import type { FuzzCategory } from '../case.ts';
import { caseRandom, type Random } from '../random.ts';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

/** One edit of a file's bytes, replayable in a reproducer. */
type Mutation =
  | { op: 'xor'; at: number; mask: number }
  | { op: 'u32'; at: number; value: number }
  | { op: 'truncate'; length: number }
  | { op: 'fill'; at: number; length: number; byte: number }
  | { op: 'repeat'; at: number; length: number };

function mutate(bytes: Uint8Array, random: Random): Mutation[] {
  const edits: Mutation[] = [];
  for (let i = random.int(1, 5); i > 0; i--) {
    const at = random.int(0, bytes.length);
    switch (random.pick(['xor', 'xor', 'u32', 'u32', 'truncate', 'fill', 'repeat'] as const)) {
      case 'xor':
        edits.push({ op: 'xor', at, mask: 1 << random.int(0, 8) });
        break;
      case 'u32':
        edits.push({
          op: 'u32',
          at: Math.min(at, bytes.length - 4),
          value: random.pick([0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffe, random.int(0, 2 ** 32)]),
        });
        break;
      case 'truncate':
        edits.push({ op: 'truncate', length: at });
        break;
      case 'fill':
        edits.push({ op: 'fill', at, length: random.int(1, 64), byte: random.pick([0, 0xff]) });
        break;
      case 'repeat':
        edits.push({ op: 'repeat', at, length: random.int(1, 256) });
        break;
    }
  }
  return edits;
}

function apply(original: Uint8Array, edits: Mutation[]): Uint8Array {
  let bytes = new Uint8Array(original);
  for (const edit of edits) {
    if (edit.op === 'xor') bytes[edit.at] = bytes[edit.at]! ^ edit.mask;
    else if (edit.op === 'u32' && edit.at >= 0 && edit.at + 4 <= bytes.length)
      new DataView(bytes.buffer).setUint32(edit.at, edit.value, true);
    else if (edit.op === 'truncate') bytes = bytes.slice(0, edit.length);
    else if (edit.op === 'fill') bytes.fill(edit.byte, edit.at, edit.at + edit.length);
    else if (edit.op === 'repeat') {
      const chunk = bytes.slice(edit.at, edit.at + edit.length);
      const grown = new Uint8Array(bytes.length + chunk.length);
      grown.set(bytes.subarray(0, edit.at));
      grown.set(chunk, edit.at);
      grown.set(bytes.subarray(edit.at), edit.at + chunk.length);
      bytes = grown;
    }
  }
  return bytes;
}

/** The same edits as JavaScript statements on a Uint8Array named `b`. */
function editCode(edits: Mutation[]): string {
  return edits
    .map((edit) => {
      if (edit.op === 'xor') return `b[${edit.at}] ^= ${edit.mask};`;
      if (edit.op === 'u32')
        return `if (${edit.at} >= 0 && ${edit.at + 4} <= b.length) new DataView(b.buffer).setUint32(${edit.at}, ${edit.value}, true);`;
      if (edit.op === 'truncate') return `b = b.slice(0, ${edit.length});`;
      if (edit.op === 'fill') return `b.fill(${edit.byte}, ${edit.at}, ${edit.at + edit.length});`;
      return `{ const c = b.slice(${edit.at}, ${edit.at + edit.length}); const g = new Uint8Array(b.length + c.length); g.set(b.subarray(0, ${edit.at})); g.set(c, ${edit.at}); g.set(b.subarray(${edit.at}), ${edit.at} + c.length); b = g; }`;
    })
    .join(' ');
}

/** Three 28x28 images and their labels, as MNIST's IDX files. */
function idxFiles(): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(16 + 3 * 784);
  new DataView(images.buffer).setUint32(0, 0x0803, false);
  [3, 28, 28].forEach((n, i) => new DataView(images.buffer).setUint32(4 + 4 * i, n, false));
  for (let i = 16; i < images.length; i++) images[i] = i % 251;
  const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9]);
  return { images, labels };
}

interface Loader {
  name: string;
  /** The valid file to mutate, and where a reproducer reads it (repository-relative). */
  original(): Uint8Array;
  source: string;
  /** Loads `file` (holding the mutated bytes) and uses what it got. */
  load(file: string, bytes: Uint8Array): Promise<unknown>;
  /** The same as code, reading the mutated bytes from `f` (a path) and `b` (the bytes). */
  code: string;
}

const fixture = (name: string) => () => new Uint8Array(readFileSync(new URL(name, FIXTURES)));
const useAll = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (v instanceof torch.Tensor ? v.sum().item() : v));

const loaders: Loader[] = [
  {
    name: 'torch.load(state_dict.pt)',
    original: fixture('pt/state_dict.pt'),
    source: 'test/fixtures/pt/state_dict.pt',
    load: async (f) => useAll(await torch.load(f)),
    code: 'await torch.load(f)',
  },
  {
    name: 'torch.load(shared.pt)',
    original: fixture('pt/shared.pt'),
    source: 'test/fixtures/pt/shared.pt',
    load: async (f) => useAll(await torch.load(f)),
    code: 'await torch.load(f)',
  },
  {
    name: 'torch.load(dtypes.pt)',
    original: fixture('pt/dtypes.pt'),
    source: 'test/fixtures/pt/dtypes.pt',
    load: async (f) => useAll(await torch.load(f)),
    code: 'await torch.load(f)',
  },
  {
    name: 'loadSafetensors',
    original: fixture('safetensors/dtypes.safetensors'),
    source: 'test/fixtures/safetensors/dtypes.safetensors',
    load: async (f) => useAll(await torch.loadSafetensors(f)),
    code: 'await torch.loadSafetensors(f)',
  },
  {
    name: 'parseSafetensors',
    original: fixture('safetensors/dtypes.safetensors'),
    source: 'test/fixtures/safetensors/dtypes.safetensors',
    load: async (_, b) => useAll(torch.parseSafetensors(b)),
    code: 'torch.parseSafetensors(b)',
  },
  {
    name: 'torch.jit.load',
    original: fixture('jit/cnn.pt'),
    source: 'test/fixtures/jit/cnn.pt',
    load: async (f) => {
      const module = await torch.jit.load(f);
      return module.forward(torch.randn([1, 1, 8, 8]));
    },
    code: '(await torch.jit.load(f)).forward(torch.randn([1, 1, 8, 8]))',
  },
  {
    name: 'MNIST images',
    original: () => idxFiles().images,
    source: 'mnist-images.idx (write idxFiles().images from test/fuzz/cases/files.ts there)',
    load: async (f) => {
      const root = path.dirname(path.dirname(path.dirname(f)));
      const dataset = await torch.data.MNIST.create({ root, train: false });
      return dataset.get(0);
    },
    code: '(await torch.data.MNIST.create({ root: path.dirname(path.dirname(path.dirname(f))), train: false })).get(0)',
  },
];

/** Where a loader's mutated file goes: MNIST needs its layout (root/MNIST/raw/<file>). */
function placeFile(loader: Loader, folder: string, bytes: Uint8Array, gz: boolean): string {
  if (!loader.name.startsWith('MNIST')) {
    const file = path.join(folder, 'input.bin');
    writeFileSync(file, bytes);
    return file;
  }
  const raw = path.join(folder, 'MNIST', 'raw');
  mkdirSync(raw, { recursive: true });
  writeFileSync(path.join(raw, 't10k-labels-idx1-ubyte'), idxFiles().labels);
  const file = path.join(raw, gz ? 't10k-images-idx3-ubyte.gz' : 't10k-images-idx3-ubyte');
  writeFileSync(file, gz ? gzipSync(bytes) : bytes);
  return file;
}

export const files: FuzzCategory = {
  name: 'files',
  counts: { quick: 700, long: 20000 },
  make(seed, index) {
    const loader = loaders[index % loaders.length]!;
    const random = caseRandom(seed, index);
    const original = loader.original();
    const edits = mutate(original, random);
    const gz = loader.name.startsWith('MNIST') && random.chance(0.3);
    return {
      title: `${loader.name}${gz ? ' (gzip)' : ''} with ${edits.map((e) => e.op).join(', ')}`,
      code:
        `import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'; import path from 'node:path';\n` +
        `let b = new Uint8Array(readFileSync(${JSON.stringify(loader.source)})); ${editCode(edits)}\n` +
        `const f = path.join(mkdtempSync('/tmp/fuzz-'), 'input.bin'); writeFileSync(f, b);\n${loader.code}`,
      async run() {
        const folder = mkdtempSync(path.join(tmpdir(), 'nodetorch-fuzz-'));
        try {
          const bytes = apply(original, edits);
          await loader.load(placeFile(loader, folder, bytes, gz), bytes);
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      },
    };
  },
};
