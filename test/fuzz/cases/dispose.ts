/**
 * Use after dispose on every path that takes tensors: getters, ops (sync, async, generated), modules
 * and native plans, optimizers, autograd, files, TorchScript, data. Each must throw an Error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../../../lib/index.ts';
import { FuzzMismatch, type FuzzCategory } from '../case.ts';

const nn = torch.nn;
const gone = (t: torch.Tensor): torch.Tensor => (t.dispose(), t);
const tmp = () => path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-fuzz-')), 'out');

/** [title, code for the reproducer, the call]. */
const paths: [string, string, () => unknown][] = [
  ['shape', 'disposed(torch.ones([2])).shape', () => gone(torch.ones([2])).shape],
  ['toArray', 'disposed(torch.ones([2])).toArray()', () => gone(torch.ones([2])).toArray()],
  ['toTypedArray', 'disposed(torch.ones([2])).toTypedArray()', () => gone(torch.ones([2])).toTypedArray()],
  ['item', 'disposed(torch.ones([1])).item()', () => gone(torch.ones([1])).item()],
  [
    'grad setter',
    'torch.ones([2]).grad = disposed(torch.ones([2]))',
    () => (torch.ones([2], { requiresGrad: true }).grad = gone(torch.ones([2]))),
  ],
  ['index', 'disposed(torch.ones([2])).index(0)', () => gone(torch.ones([2])).index(0)],
  [
    'indexPut_ value',
    'torch.ones([2]).indexPut_([0], disposed(torch.ones([])))',
    () => torch.ones([2]).indexPut_([0], gone(torch.ones([]))),
  ],
  ['index with tensor', 'torch.ones([2]).index(disposed(torch.tensor([0])))', () => torch.ones([2]).index(gone(torch.tensor([0])))],
  ['hot add', 'torch.ones([2]).add(disposed(torch.ones([2])))', () => torch.ones([2]).add(gone(torch.ones([2])))],
  ['typed op', 'torch.relu(disposed(torch.ones([2])))', () => torch.relu(gone(torch.ones([2])))],
  ['boxed op list', 'torch.cat([torch.ones([2]), disposed(torch.ones([2]))])', () => torch.cat([torch.ones([2]), gone(torch.ones([2]))])],
  [
    'out=',
    'torch.add(torch.ones([2]), 1, { out: disposed(torch.ones([2])) })',
    () => torch.add(torch.ones([2]), 1, { out: gone(torch.ones([2])) }),
  ],
  [
    'async op',
    'await torch.ones([2, 2]).matmulAsync(disposed(torch.ones([2, 2])))',
    () => torch.ones([2, 2]).matmulAsync(gone(torch.ones([2, 2]))),
  ],
  ['toArrayAsync', 'await disposed(torch.ones([2])).toArrayAsync()', () => gone(torch.ones([2])).toArrayAsync()],
  [
    'backward',
    'disposed(torch.ones([1], { requiresGrad: true }).sum()).backward()',
    () => gone(torch.ones([1], { requiresGrad: true }).sum()).backward(),
  ],
  [
    'autograd.grad input',
    'torch.autograd.grad([x.sum()], [disposed(x)])',
    () => {
      const x = torch.ones([2], { requiresGrad: true });
      const y = x.sum();
      return torch.autograd.grad([y], [gone(x)]);
    },
  ],
  [
    'Linear weight',
    'const l = new torch.nn.Linear(2, 2); l.weight.dispose(); l.forward(torch.ones([1, 2]))',
    () => {
      const layer = new nn.Linear(2, 2);
      layer.weight.dispose();
      return layer.forward(torch.ones([1, 2]));
    },
  ],
  [
    'Sequential native plan',
    'const m = new torch.nn.Sequential(new torch.nn.Linear(2, 2)); m.parameters()[0].dispose(); m.forward(torch.ones([1, 2]))',
    () => {
      const model = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
      [...model.parameters()][0]!.dispose();
      return model.forward(torch.ones([1, 2]));
    },
  ],
  [
    'Sequential forwardAsync',
    'const m = new torch.nn.Sequential(new torch.nn.Linear(2, 2)); m.parameters()[0].dispose(); await m.forwardAsync(torch.ones([1, 2]))',
    () => {
      const model = new nn.Sequential(new nn.Linear(2, 2));
      [...model.parameters()][0]!.dispose();
      return model.forwardAsync(torch.ones([1, 2]));
    },
  ],
  [
    'Sequential input',
    'new torch.nn.Sequential(new torch.nn.Linear(2, 2)).forward(disposed(torch.ones([1, 2])))',
    () => new nn.Sequential(new nn.Linear(2, 2)).forward(gone(torch.ones([1, 2]))),
  ],
  [
    'loadStateDict',
    'new torch.nn.Linear(2, 2).loadStateDict({ weight: disposed(torch.ones([2, 2])), bias: torch.ones([2]) })',
    () => new nn.Linear(2, 2).loadStateDict({ weight: gone(torch.ones([2, 2])), bias: torch.ones([2]) }),
  ],
  [
    'stateDict after dispose',
    'const l = new torch.nn.Linear(2, 2); l.bias.dispose(); torch.save(l.stateDict(), f)',
    () => {
      const layer = new nn.Linear(2, 2);
      layer.bias!.dispose();
      return torch.save(layer.stateDict(), tmp());
    },
  ],
  [
    'optimizer step',
    'const p = torch.ones([2], { requiresGrad: true }); const o = new torch.optim.SGD([p], { lr: 0.1 }); p.sum().backward(); p.dispose(); o.step()',
    () => {
      const p = torch.ones([2], { requiresGrad: true });
      const opt = new torch.optim.Adam([p]);
      p.sum().backward();
      p.dispose();
      opt.step();
      return opt.stateDict();
    },
  ],
  [
    'optimizer construction',
    'new torch.optim.SGD([disposed(torch.ones([2], { requiresGrad: true }))], { lr: 0.1 })',
    () => new torch.optim.SGD([gone(torch.ones([2], { requiresGrad: true }))], { lr: 0.1 }),
  ],
  [
    'clipGradNorm_',
    'torch.nn.utils.clipGradNorm_([disposed(p)], 1)',
    () => {
      const p = torch.ones([2], { requiresGrad: true });
      p.sum().backward();
      return torch.nn.utils.clipGradNorm_([gone(p)], 1);
    },
  ],
  ['torch.save', 'await torch.save({ t: disposed(torch.ones([2])) }, f)', () => torch.save({ t: gone(torch.ones([2])) }, tmp())],
  [
    'saveSafetensors',
    'await torch.saveSafetensors({ t: disposed(torch.ones([2])) }, f)',
    () => torch.saveSafetensors({ t: gone(torch.ones([2])) }, tmp()),
  ],
  [
    'TorchScript input',
    "(await torch.jit.load('test/fixtures/jit/cnn.pt')).forward(disposed(torch.randn([1, 1, 8, 8])))",
    async () => (await torch.jit.load('test/fixtures/jit/cnn.pt')).forward(gone(torch.randn([1, 1, 8, 8]))),
  ],
  [
    'TorchScript forwardAsync',
    "await (await torch.jit.load('test/fixtures/jit/cnn.pt')).forwardAsync(disposed(torch.randn([1, 1, 8, 8])))",
    async () => (await torch.jit.load('test/fixtures/jit/cnn.pt')).forwardAsync(gone(torch.randn([1, 1, 8, 8]))),
  ],
  [
    'TensorDataset in a DataLoader',
    'for await (const b of new torch.data.DataLoader(new torch.data.TensorDataset(disposed(torch.ones([4, 2]))), { batchSize: 2 }));',
    async () => {
      for await (const batch of new torch.data.DataLoader(new torch.data.TensorDataset(gone(torch.ones([4, 2]))), { batchSize: 2 }))
        void batch;
    },
  ],
  [
    'defaultCollate',
    'torch.data.defaultCollate([torch.ones([2]), disposed(torch.ones([2]))])',
    () => torch.data.defaultCollate([torch.ones([2]), gone(torch.ones([2]))]),
  ],
  ['tidy result', 'torch.tidy(() => disposed(torch.ones([2]))).shape', () => torch.tidy(() => gone(torch.ones([2]))).shape],
  ['to device', "disposed(torch.ones([2])).to('float64')", () => gone(torch.ones([2])).to('float64')],
  [
    'module.to',
    "const l = new torch.nn.Linear(2, 2); l.weight.dispose(); l.to('float64')",
    () => {
      const layer = new nn.Linear(2, 2);
      layer.weight.dispose();
      return layer.to('float64');
    },
  ],
  [
    'jit.trace input',
    'torch.jit.trace((x) => x.mul(2), disposed(torch.ones([2])))',
    () => torch.jit.trace((x: torch.Tensor) => x.mul(2), gone(torch.ones([2]))),
  ],
  [
    'jit.trace parameter',
    'const l = new torch.nn.Linear(2, 2); l.weight.dispose(); torch.jit.trace(l, torch.ones([1, 2]))',
    () => {
      const layer = new nn.Linear(2, 2);
      layer.weight.dispose();
      return torch.jit.trace(layer, torch.ones([1, 2]));
    },
  ],
  [
    'traced module after dispose',
    'const t = torch.jit.trace(new torch.nn.Linear(2, 2), torch.ones([1, 2])); t.dispose(); t.forward(torch.ones([1, 2]))',
    () => {
      const traced = torch.jit.trace(new nn.Linear(2, 2), torch.ones([1, 2]));
      traced.dispose();
      return traced.forward(torch.ones([1, 2]));
    },
  ],
  [
    'freeze after dispose',
    'const t = torch.jit.trace(new torch.nn.Linear(2, 2).eval(), torch.ones([1, 2])); t.dispose(); t.freeze()',
    () => {
      const traced = torch.jit.trace(new nn.Linear(2, 2).eval(), torch.ones([1, 2]));
      traced.dispose();
      return traced.freeze();
    },
  ],
  [
    'quantized op without packed weights',
    "new torch.Op('quantized::linear_dynamic').call([torch.ones([1, 2]), {}, true])",
    () => new torch.Op('quantized::linear_dynamic').call([torch.ones([1, 2]), {}, true]),
  ],
  [
    'quantized prepack of a disposed weight',
    "new torch.Op('quantized::linear_prepack').call([disposed(torch.ones([2, 2])), null])",
    () => new torch.Op('quantized::linear_prepack').call([gone(torch.ones([2, 2])), null]),
  ],
];

export const dispose: FuzzCategory = {
  name: 'dispose',
  counts: { quick: paths.length, long: paths.length },
  make(_seed, index) {
    const [title, code, call] = paths[index % paths.length]!;
    return {
      title: `use after dispose: ${title}`,
      code,
      async run() {
        try {
          await call();
        } catch (error) {
          if (error instanceof Error && !(error instanceof FuzzMismatch)) return;
          throw error;
        }
        throw new FuzzMismatch(`${title} accepted a disposed tensor`);
      },
    };
  },
};
