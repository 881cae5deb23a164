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

test.run();
