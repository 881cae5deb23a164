/**
 * Loops that leave every result to the garbage collector (the finalizers run inside it): tensors of
 * two sizes, an evaluation loop, borrowed buffers, async results. Memory must stay bounded and the
 * process alive.
 */
import * as torch from '../../../lib/index.ts';
import { FuzzMismatch, type FuzzCategory } from '../case.ts';

const loops: [string, string, (iterations: number) => Promise<void> | void][] = [
  [
    'two sizes',
    'const a = torch.randn([16384]), m = torch.randn([4, 4]); for (let i = 0; i < N; i++) { a.add(a); m.mul(m); }',
    (n) => {
      const a = torch.randn([16384]);
      const m = torch.randn([4, 4]);
      for (let i = 0; i < n; i++) {
        a.add(a);
        m.mul(m);
      }
    },
  ],
  [
    'evaluation loop',
    'torch.noGrad(() => { for (let i = 0; i < N; i++) (model.forward(x) as torch.Tensor).argmax(1).eq(y).sum().item(); })',
    (n) => {
      const model = new torch.nn.Sequential(new torch.nn.Linear(784, 128), new torch.nn.ReLU(), new torch.nn.Linear(128, 10));
      const x = torch.randn([256, 784]);
      const y = torch.randint(0, 10, [256]);
      torch.noGrad(() => {
        for (let i = 0; i < n / 10; i++) model.forward(x).argmax(1).eq(y).sum().item();
      });
    },
  ],
  [
    'borrowed buffers',
    'for (let i = 0; i < N; i++) torch.fromTypedArray(new Float32Array(4096)).add(1);',
    (n) => {
      for (let i = 0; i < n; i++) torch.fromTypedArray(new Float32Array(4096).fill(1)).add(1);
    },
  ],
  [
    'async results',
    'for (let i = 0; i < N; i++) await a.matmulAsync(a);',
    async (n) => {
      const a = torch.randn([32, 32]);
      for (let i = 0; i < n / 50; i++) await a.matmulAsync(a);
    },
  ],
];

export const soak: FuzzCategory = {
  name: 'soak',
  counts: { quick: loops.length, long: loops.length },
  caseTimeoutMs: { quick: 120_000, long: 1_800_000 },
  make(_seed, index, mode) {
    const [title, code, loop] = loops[index % loops.length]!;
    const iterations = mode === 'long' ? 1_000_000 : 40_000;
    return {
      title: `${title}, ${iterations} iterations`,
      code: `const N = ${iterations};\n${code}`,
      async run() {
        const before = process.memoryUsage().rss;
        await loop(iterations);
        globalThis.gc?.();
        const grown = (process.memoryUsage().rss - before) / 2 ** 20;
        // Leaking the 16 KiB buffers alone would grow RSS by 625 MiB in quick mode.
        if (grown > 400) throw new FuzzMismatch(`RSS grew by ${grown.toFixed(0)} MiB`);
      },
    };
  },
};
