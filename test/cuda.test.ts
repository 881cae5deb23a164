// CUDA paths: run where a GPU and a CUDA LibTorch are present, skipped with a reason elsewhere.
import { test } from 'uvu';
import { testOrSkip } from './helpers.ts';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';

const skip = torch.cuda.isAvailable() ? false : 'CUDA is not available in this LibTorch build or machine';

test('cuda: availability is consistent with config()', () => {
  assert.equal(torch.cuda.isAvailable(), torch.config().cudaAvailable);
  assert.equal(torch.cuda.deviceCount(), torch.config().cudaDeviceCount);
  if (!torch.cuda.isAvailable()) assert.equal(torch.cuda.deviceCount(), 0);
});

testOrSkip(test, 'cuda: tensors move to the GPU and back', skip, () => {
  const x = torch.tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: 'float32' },
  );
  const g = x.cuda();
  assert.equal(g.device, 'cuda:0');
  assert.equal(x.to('cuda').device, 'cuda:0');
  assert.equal(torch.zeros([2], { device: 'cuda:0' }).device, 'cuda:0');
  assert.deepEqual(g.matmul(g).cpu().toArray(), [
    [7, 10],
    [15, 22],
  ]);
  assert.deepEqual(
    g.toArray(),
    [
      [1, 2],
      [3, 4],
    ],
    'toArray copies from the device',
  );
  assert.match(String(g), /device='cuda:0'/);
});

testOrSkip(test, 'cuda: autograd and async on the GPU', skip, async () => {
  const x = torch.tensor([1, 2, 3], { dtype: 'float32', device: 'cuda', requiresGrad: true });
  x.mul(x).sum().backward();
  assert.deepEqual(x.grad!.cpu().toArray(), [2, 4, 6]);
  const a = torch.randn([512, 512], { device: 'cuda' });
  const b = await a.matmulAsync(a);
  assert.equal(b.device, 'cuda:0');
  assert.ok(Math.abs(b.sum().item() - a.matmul(a).sum().item()) < 1e-1);
});

testOrSkip(test, 'cuda: a device index past the last GPU is a clear error', skip, () => {
  assert.throws(() => torch.zeros([1], { device: `cuda:${torch.cuda.deviceCount()}` }), { name: 'TorchError', message: /does not exist/ });
});

testOrSkip(test, "cuda: Trainer '16-mixed' trains under float16 autocast with the gradient scaler", skip, async () => {
  torch.manualSeed(0);
  const labels = torch.randint(0, 2, [64]);
  const x = torch.randn([64, 3]).add(labels.unsqueeze(1).float().mul(3));
  const loader = new torch.data.DataLoader(new torch.data.TensorDataset(x, labels), { batchSize: 16 });
  const net = new torch.nn.Sequential(new torch.nn.Linear(3, 8), new torch.nn.ReLU(), new torch.nn.Linear(8, 2));
  const module = new torch.train.SupervisedModule(net, {
    loss: new torch.nn.CrossEntropyLoss(),
    optimizer: (params) => new torch.optim.SGD(params, { lr: 0.1 }),
  });
  const dtypes = new Set<string>();
  net.registerForwardHook((_m, _input, output) => void dtypes.add((output as torch.Tensor).dtype));
  const trainer = new torch.train.Trainer({
    maxEpochs: 2,
    device: 'cuda',
    precision: '16-mixed',
    enableProgressBar: false,
    logger: false,
    enableCheckpointing: false,
  });
  await trainer.fit(module, loader);
  assert.deepEqual([...dtypes], ['float16']);
  assert.ok([...net.parameters()].every((p) => p.device === 'cuda:0' && p.dtype === 'float32'));
  assert.ok(trainer.scaler!.getScale() > 0);
  assert.equal(trainer.scaler!.getGrowthTracker(), 8, 'no overflow in 8 steps at the default scale');
});

test.run();
