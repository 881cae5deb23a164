// Creation, properties, conversion, indexing and printing of tensors.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import * as torch from '../lib/index.ts';
import { assertArrayClose, readFixture } from './helpers.ts';

test('tensor() infers shape and dtype like PyTorch', () => {
  assert.equal(
    torch.tensor([
      [1, 2],
      [3, 4],
    ]).dtype,
    'int64',
  );
  assert.equal(torch.tensor([1, 2.5]).dtype, 'float32');
  assert.equal(torch.tensor([true, false]).dtype, 'bool');
  assert.equal(torch.tensor([1n, 2n]).dtype, 'int64');
  assert.deepEqual(
    torch.tensor([
      [[1], [2]],
      [[3], [4]],
      [[5], [6]],
    ]).shape,
    [3, 2, 1],
  );
  assert.deepEqual(torch.tensor(3.5).shape, []);
  assert.equal(torch.tensor(3.5).item(), 3.5);
  assert.deepEqual(torch.tensor([]).shape, [0]);
  assert.deepEqual(torch.tensor([[], []]).shape, [2, 0]);
});

test('every dtype round-trips through tensor() and toArray()', () => {
  const cases: [torch.DType, number[], number[]][] = [
    ['float16', [1.5, -2.25], [1.5, -2.25]],
    ['bfloat16', [1.5, -2], [1.5, -2]],
    ['float32', [0.1, -7], [Math.fround(0.1), -7]],
    ['float64', [0.1, -7], [0.1, -7]],
    ['int8', [-128, 127], [-128, 127]],
    ['uint8', [0, 255], [0, 255]],
    ['int16', [-300, 300], [-300, 300]],
    ['int32', [-70000, 70000], [-70000, 70000]],
    ['int64', [-(2 ** 40), 2 ** 40], [-(2 ** 40), 2 ** 40]],
  ];
  for (const [dtype, input, expected] of cases) {
    const t = torch.tensor(input, { dtype });
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.toArray(), expected, dtype);
  }
  assert.deepEqual(torch.tensor([1, 0, 2], { dtype: 'bool' }).toArray(), [true, false, true]);
  assert.equal(torch.tensor([1], { dtype: 'float' }).dtype, 'float32');
  assert.equal(torch.tensor([1], { dtype: 'long' }).dtype, 'int64');
});

test('toTypedArray gives the matching typed array', () => {
  assert.ok(torch.tensor([1.5]).toTypedArray() instanceof Float32Array);
  assert.ok(torch.tensor([1.5], { dtype: 'float64' }).toTypedArray() instanceof Float64Array);
  assert.deepEqual(torch.tensor([1, -2]).toTypedArray(), new BigInt64Array([1n, -2n]));
  assert.deepEqual(torch.tensor([true, false]).toTypedArray(), new Uint8Array([1, 0]));
  assert.deepEqual(torch.tensor([3], { dtype: 'int32' }).toTypedArray(), new Int32Array([3]));
  // A non-contiguous view is copied out in logical order.
  assert.deepEqual(Array.from(torch.arange(6).reshape(2, 3).t().toTypedArray(), Number), [0, 3, 1, 4, 2, 5]);
});

test('fromTypedArray shares memory when it can, copies when asked or converting', () => {
  const data = new Float32Array([1, 2, 3, 4, 5, 6]);
  const shared = torch.fromTypedArray(data, [2, 3]);
  data[0] = 42;
  assert.equal(shared.index(0, 0).item(), 42, 'writes to the array show in the tensor');
  shared.index(1, 2).fill_(-1);
  assert.equal(data[5], -1, 'writes to the tensor show in the array');

  const copied = torch.fromTypedArray(data, [6], { copy: true });
  data[1] = 99;
  assert.equal(copied.index(1).item(), 2);

  const converted = torch.fromTypedArray(new Int32Array([1, 2]), undefined, { dtype: 'float64' });
  assert.equal(converted.dtype, 'float64');
  assert.deepEqual(converted.toArray(), [1, 2]);

  const half = torch.fromTypedArray(new Uint16Array([0x3c00, 0xc000]), [2], { dtype: 'float16' });
  assert.deepEqual(half.toArray(), [1, -2]);

  // A view at an odd byte offset cannot be borrowed as float32, so it is copied.
  const bytes = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
  const odd = new Uint8Array(13);
  odd.set(bytes, 1);
  assert.deepEqual(torch.fromTypedArray(new Uint8Array(odd.buffer, 1, 12)).shape, [12]);
});

test('a borrowed buffer stays alive after its JS array is dropped', () => {
  let t: torch.Tensor | undefined = torch.fromTypedArray(new Float64Array([7, 8, 9]));
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
  assert.deepEqual(t.toArray(), [7, 8, 9]);
  // eslint-disable-next-line no-useless-assignment -- drops the last reference to the tensor (the buffer's owner)
  t = undefined;
});

test('factories', () => {
  assert.deepEqual(torch.zeros([2, 2]).toArray(), [
    [0, 0],
    [0, 0],
  ]);
  assert.deepEqual(torch.ones([2], { dtype: 'int32' }).toArray(), [1, 1]);
  assert.equal(torch.ones([2], { dtype: 'int32' }).dtype, 'int32');
  assert.deepEqual(torch.full([2], 7).toArray(), [7, 7]);
  assert.equal(torch.full([2], 7).dtype, 'int64');
  assert.equal(torch.full([2], 0.5).dtype, 'float32');
  assert.deepEqual(torch.empty([3, 0]).shape, [3, 0]);
  assert.deepEqual(torch.arange(4).toArray(), [0, 1, 2, 3]);
  assert.equal(torch.arange(4).dtype, 'int64');
  assert.deepEqual(torch.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  // Options after any of the forms, as in Python's arange(end, dtype=...).
  assert.equal(torch.arange(3, { dtype: 'float32' }).dtype, 'float32');
  assert.deepEqual(torch.arange(2, 5, { dtype: 'float64' }).toArray(), [2, 3, 4]);
  assert.deepEqual(torch.arange(0, 1, 0.5, { dtype: 'float64' }).toArray(), [0, 0.5]);
  assert.deepEqual(torch.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(torch.eye(2, 3).toArray(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(torch.zerosLike(torch.ones([2, 3], { dtype: 'float64' })).dtype, 'float64');
  assert.deepEqual(torch.fullLike(torch.ones([2]), 3).toArray(), [3, 3]);
  assert.deepEqual(torch.onesLike(torch.zeros([1, 2])).toArray(), [[1, 1]]);
  assert.deepEqual(torch.emptyLike(torch.zeros([4])).shape, [4]);
  assert.equal(torch.ones([1], { requiresGrad: true }).requiresGrad, true);
});

test('random factories follow manualSeed and match PyTorch', () => {
  const expected = readFixture<{ random: Record<string, number[]> }>('core_golden.json').random;
  torch.manualSeed(0);
  assertArrayClose(torch.rand([3]).toArray(), expected.rand!);
  torch.manualSeed(0);
  assertArrayClose(torch.randn([2, 2]).flatten().toArray(), expected.randn!);
  torch.manualSeed(0);
  assert.deepEqual(torch.randint(0, 10, [4]).toArray(), expected.randint);
  torch.manualSeed(1);
  const a = torch.randn([5]).toArray();
  torch.manualSeed(1);
  assert.deepEqual(torch.randn([5]).toArray(), a);
  const r = torch.randLike(torch.zeros([100]));
  assert.ok(r.min().item() >= 0 && r.max().item() < 1);
  const ri = torch.randintLike(torch.zeros([100]), 3, 5);
  assert.ok(ri.min().item() >= 3 && ri.max().item() < 5);
  assert.deepEqual(torch.randnLike(torch.zeros([2, 2])).shape, [2, 2]);
  torch.manualSeed(0);
  assert.deepEqual(torch.randperm(6).toArray(), expected.randperm);
});

test('properties', () => {
  const t = torch.zeros([2, 3, 4]);
  assert.deepEqual(t.shape, [2, 3, 4]);
  assert.deepEqual(t.size(), [2, 3, 4]);
  assert.equal(t.size(-1), 4);
  assert.equal(t.numel(), 24);
  assert.equal(t.dim(), 3);
  assert.deepEqual(t.stride(), [12, 4, 1]);
  assert.equal(t.device, 'cpu');
  assert.equal(t.requiresGrad, false);
  assert.equal(t.grad, null);
  assert.equal(t.isLeaf, true);
  assert.equal(t.isContiguous(), true);
  assert.equal(t.transpose(0, 2).isContiguous(), false);
});

test('conversions', () => {
  const t = torch.tensor([1.7, -2.2]);
  assert.equal(t.double().dtype, 'float64');
  assert.deepEqual(t.long().toArray(), [1, -2]);
  assert.deepEqual(t.int().toArray(), [1, -2]);
  assert.deepEqual(t.bool().toArray(), [true, true]);
  assert.equal(t.half().dtype, 'float16');
  assert.equal(t.to('float64').dtype, 'float64');
  assert.equal(t.to({ dtype: 'int32', device: 'cpu' }).dtype, 'int32');
  assert.equal(t.cpu().device, 'cpu');
  assert.equal(t.long().float().dtype, 'float32');
  const c = t.clone();
  c.fill_(0);
  assert.deepEqual(t.toArray(), [Math.fround(1.7), Math.fround(-2.2)]);
  assert.equal(t.transpose(0, 0).contiguous().isContiguous(), true);
  const v = torch.tensor([5, 6], { dtype: 'float32', requiresGrad: true });
  const d = v.detach();
  assert.equal(d.requiresGrad, false);
  d.fill_(1);
  assert.deepEqual(v.toArray(), [1, 1], 'detach shares storage');
});

test('views share storage with their base', () => {
  const base = torch.zeros([2, 3]);
  const view = base.view(6);
  assert.equal(view._storageId, base._storageId);
  view.index(4).fill_(5);
  assert.equal(base.index(1, 1).item(), 5);
  assert.notEqual(base.clone()._storageId, base._storageId);
});

test("view(dtype) reads the same bytes as another dtype, as PyTorch's view(torch.int16)", () => {
  // float16 bits of 1.5, -2, 3 (as torch.tensor([1.5, -2, 3], dtype=torch.half).view(torch.int16)).
  const half = torch.tensor([1.5, -2, 3], { dtype: 'float16' });
  const bits = half.view('int16');
  assert.equal(bits.dtype, 'int16');
  assert.deepEqual(bits.toArray(), [15872, -16384, 16896]);
  assert.equal(bits._storageId, half._storageId, 'a view, not a copy');
  const bytes = torch.tensor([[1, 2]], { dtype: 'float32' }).view('uint8');
  assert.deepEqual(bytes.shape, [1, 8], 'the last dimension scales by the element sizes');
  assert.deepEqual(bytes.toArray(), [[0, 0, 128, 63, 0, 0, 0, 64]]);
  assert.throws(() => torch.zeros([3], { dtype: 'uint8' }).view('float32'), /view|size|divisible/i);
});

test('shape ops', () => {
  const t = torch.arange(24).reshape([2, 3, 4]);
  assert.deepEqual(t.permute(2, 0, 1).shape, [4, 2, 3]);
  assert.deepEqual(t.view(6, 4).shape, [6, 4]);
  assert.deepEqual(t.flatten(1).shape, [2, 12]);
  assert.deepEqual(t.unsqueeze(0).shape, [1, 2, 3, 4]);
  assert.deepEqual(t.unsqueeze(-1).squeeze(-1).shape, [2, 3, 4]);
  assert.deepEqual(torch.zeros([3, 1]).expand(3, 5).shape, [3, 5]);
  assert.deepEqual(torch.cat([torch.zeros([2, 3]), torch.ones([1, 3])]).shape, [3, 3]);
  assert.deepEqual(torch.cat([torch.zeros([2, 3]), torch.ones([2, 1])], 1).toArray(), [
    [0, 0, 0, 1],
    [0, 0, 0, 1],
  ]);
  assert.deepEqual(torch.stack([torch.zeros([2]), torch.ones([2])], 1).toArray(), [
    [0, 1],
    [0, 1],
  ]);
  assert.deepEqual(
    t.split(1, 1).map((p) => p.shape),
    [
      [2, 1, 4],
      [2, 1, 4],
      [2, 1, 4],
    ],
  );
  assert.deepEqual(
    t.chunk(2, 2).map((p) => p.shape),
    [
      [2, 3, 2],
      [2, 3, 2],
    ],
  );
  assert.deepEqual(torch.arange(6).reshape(2, 3).t().toArray(), [
    [0, 3],
    [1, 4],
    [2, 5],
  ]);
  // Like PyTorch, t() gives 0-D and 1-D tensors back unchanged and refuses more than 2 dimensions.
  assert.deepEqual(torch.arange(3).t().toArray(), [0, 1, 2]);
  assert.equal(torch.tensor(5).t().item(), 5);
  assert.throws(() => torch.zeros([2, 2, 2]).t(), { name: 'TorchError', message: /expects a tensor with <= 2 dimensions/ });
});

test('indexing with PyTorch semantics', () => {
  const t = torch.arange(12).reshape(3, 4);
  assert.deepEqual(t.index(1).toArray(), [4, 5, 6, 7]);
  assert.equal(t.index(-1, -1).item(), 11);
  assert.deepEqual(t.index(torch.slice(1, null), torch.slice(null, null, 2)).toArray(), [
    [4, 6],
    [8, 10],
  ]);
  assert.deepEqual(t.index('...', 0).toArray(), [0, 4, 8]);
  assert.deepEqual(t.index(null).shape, [1, 3, 4]);
  assert.deepEqual(t.index(torch.slice(null, -1)).shape, [2, 4]);
  // Boolean mask and index tensors.
  assert.deepEqual(t.index(t.gt(8)).toArray(), [9, 10, 11]);
  assert.deepEqual(t.index(torch.tensor([2, 0])).toArray(), [
    [8, 9, 10, 11],
    [0, 1, 2, 3],
  ]);
  assert.deepEqual(t.index([0, 2], [1, 3]).toArray(), [1, 11]);
  // indexPut_
  const u = torch.zeros([3, 3]);
  u.indexPut_([1], 5);
  u.indexPut_([torch.slice(), 0], torch.tensor([1, 2, 3], { dtype: 'float32' }));
  u.indexPut_([u.eq(5)], -1);
  assert.deepEqual(u.toArray(), [
    [1, 0, 0],
    [2, -1, -1],
    [3, 0, 0],
  ]);
});

test('in-place variants return this and change the data', () => {
  const t = torch.tensor([1, -2, 3], { dtype: 'float32' });
  assert.equal(t.add_(1), t);
  assert.deepEqual(t.toArray(), [2, -1, 4]);
  t.mul_(2).sub_(1).div_(2);
  assert.deepEqual(t.toArray(), [1.5, -1.5, 3.5]);
  t.clamp_(-1, 2);
  assert.deepEqual(t.toArray(), [1.5, -1, 2]);
  t.relu_();
  assert.deepEqual(t.toArray(), [1.5, 0, 2]);
  t.pow_(2);
  assert.deepEqual(t.toArray(), [2.25, 0, 4]);
  t.zero_();
  assert.deepEqual(t.toArray(), [0, 0, 0]);
  t.copy_(torch.tensor([7, 8, 9]));
  assert.deepEqual(t.toArray(), [7, 8, 9]);
  assert.deepEqual(torch.tensor([0, 1], { dtype: 'float64' }).exp_().toArray(), [1, Math.E]);
});

test('arithmetic options: alpha and rounding modes', () => {
  const a = torch.tensor([7, -7]);
  assert.deepEqual(a.add(torch.tensor([1, 1]), { alpha: 3 }).toArray(), [10, -4]);
  assert.deepEqual(a.div(2).toArray(), [3.5, -3.5]);
  assert.deepEqual(a.div(2, { roundingMode: 'trunc' }).toArray(), [3, -3]);
  assert.deepEqual(a.div(2, { roundingMode: 'floor' }).toArray(), [3, -4]);
  assert.deepEqual(
    torch
      .tensor([1, 5])
      .max(torch.tensor([3, 2]))
      .toArray(),
    [3, 5],
  );
  const { values, indices } = torch
    .tensor([
      [1, 9],
      [8, 2],
    ])
    .max(1);
  assert.deepEqual(
    [values.toArray(), indices.toArray()],
    [
      [9, 8],
      [1, 0],
    ],
  );
  assert.equal(torch.tensor([true, false]).any().item(), 1);
  assert.equal(torch.tensor([true, false]).all().item(), 0);
  assert.deepEqual(torch.tensor([1, 2]).ne(1).logicalNot().toArray(), [true, false]);
});

test('printing matches PyTorch', () => {
  const x = torch.tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: 'float32', requiresGrad: true },
  );
  assert.equal(x.toString(), 'tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)');
  assert.equal(inspect(x.mul(x).sum()), 'tensor(30., grad_fn=<SumBackward0>)');
  // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- what this test checks: a tensor in a template literal
  assert.equal(`${torch.tensor([1, 2])}`, 'tensor([1, 2])');
  assert.equal(String(torch.tensor([0.5], { dtype: 'float64' })), 'tensor([0.5000], dtype=torch.float64)');
  const disposed = torch.zeros([1]);
  disposed.dispose();
  assert.equal(String(disposed), 'tensor(<disposed>)');
});

test('config reports the build and threads are settable', () => {
  const config = torch.config();
  assert.match(config.torchVersion, /^\d+\.\d+/);
  assert.equal(typeof config.cudaAvailable, 'boolean');
  assert.ok(config.blas.length > 0);
  assert.ok(config.quantizedEngines.length > 0);
  assert.equal(config.mallocTuned, true);
  const before = torch.getNumThreads();
  torch.setNumThreads(2);
  assert.equal(torch.getNumThreads(), 2);
  assert.equal(torch.config().numThreads, 2);
  torch.setNumThreads(before);
  assert.equal(torch.cuda.deviceCount() >= 0, true);
});

test.run();
