/**
 * JS changing tensors while async work uses them: every async entry point (ops, in-place and out=
 * ops, toArrayAsync, Sequential.forwardAsync, TorchScript forwardAsync) against every change (set_,
 * resize_, in-place writes, requiresGrad, dispose, module.to). Each change either throws an Error
 * or is safe; the async result must be right, and the process must live.
 */
import * as torch from '../../../lib/index.ts';
import { FuzzMismatch, type FuzzCategory } from '../case.ts';

const N = 600; // matmul of 600x600: long enough for the main thread to act while it runs

interface Work {
  /** The tensors the work reads or writes, for the changes to aim at. */
  targets: torch.Tensor[];
  /** Starts the work; resolves to a number that checks its result. */
  start(): Promise<number>;
  /** What the number must be. */
  expected: number;
}

const works: [string, string, () => Work][] = [
  [
    'matmulAsync',
    'const a = torch.ones([600, 600]), b = torch.ones([600, 600]); const p = a.matmulAsync(b);',
    () => {
      const a = torch.ones([N, N]);
      const b = torch.ones([N, N]);
      return { targets: [b, a], start: async () => (await a.matmulAsync(b)).index(0, 0).item(), expected: N };
    },
  ],
  [
    'in-place async op',
    "const a = torch.ones([600, 600]); const p = new torch.Op('mul_', 'Scalar').callAsync([a, 2]);",
    () => {
      const a = torch.ones([N, N]);
      return {
        targets: [a],
        start: async () => {
          await new torch.Op('mul_', 'Scalar').callAsync([a, 2]);
          return a.index(N - 1, N - 1).item();
        },
        expected: 2,
      };
    },
  ],
  [
    'out= async op',
    "const a = torch.ones([600, 600]), out = torch.empty([0]); const p = new torch.Op('mm', 'out').callAsync([a, a, out]);",
    () => {
      const a = torch.ones([N, N]);
      const out = torch.empty([0]);
      return {
        targets: [out, a],
        start: async () => {
          await new torch.Op('mm', 'out').callAsync([a, a, out]);
          return out.index(0, 0).item();
        },
        expected: N,
      };
    },
  ],
  [
    'toArrayAsync',
    'const a = torch.ones([1000, 1000]); const p = a.toArrayAsync();',
    () => {
      const a = torch.ones([1000, 1000]);
      return { targets: [a], start: async () => ((await a.toArrayAsync()) as number[][])[999]![999]!, expected: 1 };
    },
  ],
  [
    'Sequential.forwardAsync',
    'const m = new torch.nn.Sequential(new torch.nn.Linear(600, 600)); const p = m.forwardAsync(torch.ones([600, 600]));',
    () => {
      const model = new torch.nn.Sequential(new torch.nn.Linear(N, N), new torch.nn.ReLU());
      torch.noGrad(() => {
        for (const p of model.parameters()) p.fill_(0);
      });
      return {
        targets: [...model.parameters()],
        start: async () => (await model.forwardAsync(torch.ones([N, N]))).sum().item(),
        expected: 0,
      };
    },
  ],
  [
    'TorchScript forwardAsync',
    "const m = await torch.jit.load('test/fixtures/jit/cnn.pt'); const p = m.forwardAsync(torch.ones([64, 1, 8, 8]));",
    () => {
      let module: torch.jit.ScriptModule | undefined;
      const input = torch.ones([64, 1, 8, 8]);
      return {
        get targets() {
          return [input, ...(module ? module.parameters() : [])];
        },
        start: async () => {
          module = await torch.jit.load('test/fixtures/jit/cnn.pt');
          const expected = (module.forward(input) as torch.Tensor).sum().item();
          const result = ((await module.forwardAsync(input)) as torch.Tensor).sum().item();
          return Math.abs(result - expected) < 1e-3 ? 1 : 0;
        },
        expected: 1,
      };
    },
  ],
];

const changes: [string, string, (t: torch.Tensor) => void][] = [
  ['set_()', 'b.set_()', (t) => void t.set_()],
  ['resize_ larger', 'b.resize_([2000, 2000])', (t) => void t.resize_([2000, 2000])],
  ['in-place write', 'b.add_(1)', (t) => void t.add_(1)],
  ['requiresGrad', 'b.requiresGrad = true', (t) => (t.requiresGrad = true)],
  ['dispose', 'b.dispose()', (t) => t.dispose()],
  ['read', 'b.sum().item()', (t) => void t.sum().item()],
  ['view then resize', 'b.view(-1).resize_([1 << 22])', (t) => void t.view(-1).resize_([1 << 22])],
];

export const races: FuzzCategory = {
  name: 'races',
  counts: { quick: works.length * changes.length, long: works.length * changes.length * 3 },
  make(_seed, index) {
    const [what, workCode, make] = works[index % works.length]!;
    const [change, changeCode, apply] = changes[Math.floor(index / works.length) % changes.length]!;
    return {
      title: `${what} while ${change}`,
      code: `${workCode}\ntry { ${changeCode}; } catch (e) { console.log(e.message); }\nconsole.log(await p);`,
      async run() {
        const work = make();
        const pending = work.start();
        // Let TorchScript's load finish so that its parameters exist, then change while the work runs.
        await new Promise((resolve) => setImmediate(resolve));
        for (const target of work.targets) {
          try {
            apply(target);
          } catch (error) {
            if (!(error instanceof Error)) throw error;
          }
        }
        let result: number;
        try {
          result = await pending;
        } catch (error) {
          // The change may have legitimately broken the work (a disposed tensor read after the await).
          if (error instanceof Error && /disposed|in use|running async/.test(error.message)) return;
          throw error;
        }
        if (change === 'read' && result !== work.expected) throw new FuzzMismatch(`got ${result}, expected ${work.expected}`);
      },
    };
  },
};
