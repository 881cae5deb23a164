// Bad input gets a clear error naming the problem, and the process keeps working afterwards.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';

const t23 = () => torch.zeros([2, 3]);
const disposed = () => {
  const t = torch.ones([2]);
  t.dispose();
  return t;
};
const any = (value: unknown) => value as never;

// [what, action, error name, message pattern]
const cases: [string, () => unknown, 'TorchError' | 'TypeError' | 'Error', RegExp][] = [
  [
    'shape mismatch in add',
    () => t23().add(torch.zeros([4])),
    'TorchError',
    /size of tensor a \(3\) must match the size of tensor b \(4\)/,
  ],
  ['matmul inner dims', () => t23().matmul(torch.zeros([2, 3])), 'TorchError', /cannot be multiplied \(2x3 and 2x3\)/],
  ['mm of 1-d', () => torch.zeros([3]).mm(torch.zeros([3])), 'TorchError', /self must be a matrix/],
  ['bmm of 2-d', () => t23().bmm(t23()), 'TorchError', /batch1 must be a 3D tensor/],
  ['view of wrong size', () => t23().view(4), 'TorchError', /shape '\[4\]' is invalid for input of size 6/],
  ['reshape with two -1', () => t23().reshape(-1, -1), 'TorchError', /only one dimension can be inferred/],
  ['view of non-contiguous', () => t23().t().view(6), 'TorchError', /view size is not compatible/],
  ['permute with wrong length', () => t23().permute(0), 'TorchError', /does not match the length of the desired ordering of dimensions/],
  ['transpose out of range', () => t23().transpose(0, 5), 'TorchError', /Dimension out of range/],
  ['sum over a missing dim', () => t23().sum(3), 'TorchError', /Dimension out of range/],
  ['size() out of range', () => t23().size(2), 'TorchError', /Dimension out of range/],
  ['softmax dim out of range', () => t23().softmax(2), 'TorchError', /Dimension out of range/],
  [
    'cat of mismatched shapes',
    () => torch.cat([t23(), torch.zeros([2, 4])]),
    'TorchError',
    /Sizes of tensors must match except in dimension 0/,
  ],
  [
    'stack of mismatched shapes',
    () => torch.stack([t23(), torch.zeros([3, 2])]),
    'TorchError',
    /stack expects each tensor to be equal size/,
  ],
  ['expand to smaller', () => t23().expand(1, 3), 'TorchError', /expanded size of the tensor \(1\) must match the existing size \(2\)/],
  ['index out of range', () => t23().index(5), 'TorchError', /index 5 is out of bounds for dimension 0 with size 2/],
  ['negative index out of range', () => t23().index(-3), 'TorchError', /index -3 is out of bounds/],
  ['too many indices', () => t23().index(0, 0, 0), 'TorchError', /too many indices for tensor of dimension 2/],
  [
    'mask of wrong shape',
    () => t23().index(torch.tensor([true, false, true])),
    'TorchError',
    /shape of the mask \[3\] at index 0 does not match/,
  ],
  ['index tensor out of range', () => t23().index(torch.tensor([7])), 'TorchError', /index 7 is out of bounds/],
  ['bad index item', () => t23().index(any('x')), 'TypeError', /index 0 must be '\.\.\.' when a string, got 'x'/],
  ['indexPut_ with wrong value shape', () => t23().indexPut_([0], torch.zeros([4])), 'TorchError', /shape mismatch|must match/],
  [
    'dtype mismatch: float + bool in-place',
    () => torch.zeros([2], { dtype: 'bool' }).add_(1.5),
    'TorchError',
    /result type Float can't be cast to the desired output type Bool/,
  ],
  [
    'dtype mismatch: mm float x double',
    () => torch.zeros([2, 2]).mm(torch.zeros([2, 2], { dtype: 'float64' })),
    'TorchError',
    /expected (scalar type|m(at)?1 and m(at)?2 to have the same dtype)/,
  ],
  [
    'int tensor requiring grad',
    () => torch.tensor([1, 2]).requiresGrad_(),
    'TorchError',
    /Only Tensors of floating point and complex dtype can require gradients/,
  ],
  [
    'backward on a tensor without grad',
    () => torch.ones([1]).sum().backward(),
    'TorchError',
    /does not require grad and does not have a grad_fn/,
  ],
  [
    'grad of the wrong shape',
    () => {
      torch.zeros([2], { requiresGrad: true }).grad = torch.zeros([3]);
    },
    'TorchError',
    /assigned grad has data of a different size/,
  ],
  [
    'grad of the wrong dtype',
    () => {
      torch.zeros([2], { requiresGrad: true }).grad = torch.zeros([2], { dtype: 'float64' });
    },
    'TorchError',
    /assigned grad has data of a different type: float64/,
  ],
  [
    'unknown dtype string',
    () => torch.zeros([2], { dtype: any('float33') }),
    'TorchError',
    /unknown dtype 'float33': expected one of float16/,
  ],
  ['unknown dtype in tensor()', () => torch.tensor([1], { dtype: any('complex7') }), 'TorchError', /unknown dtype 'complex7'/],
  [
    'unknown device string',
    () => torch.zeros([2], { device: any('tpu') }),
    'TorchError',
    /unknown device 'tpu': expected 'cpu', 'cuda', 'cuda:N'/,
  ],
  ['malformed cuda device', () => torch.zeros([2]).to(any('cuda:x')), 'TorchError', /device/i],
  ['unknown to() target', () => torch.zeros([2]).to(any('floaty')), 'TorchError', /unknown dtype 'floaty'/],
  ['ragged nested array', () => torch.tensor([[1, 2], [3]]), 'TypeError', /ragged nested array: data\[1\] has length 1, expected 2/],
  [
    'ragged deeper',
    () =>
      torch.tensor([
        [[1], [2]],
        [[3], 4],
      ] as never),
    'TypeError',
    /ragged nested array: data\[1\]\[1\]/,
  ],
  ['string in data', () => torch.tensor([1, any('2')]), 'TypeError', /data\[1\] must be a number, boolean or bigint, got string/],
  ['null in data', () => torch.tensor([any(null)]), 'TypeError', /data\[0\] must be a number, boolean or bigint, got null/],
  ['NaN into an integer dtype', () => torch.tensor([1, NaN], { dtype: 'int64' }), 'TypeError', /NaN cannot be converted to dtype int64/],
  [
    'Infinity into an integer dtype',
    () => torch.tensor([Infinity], { dtype: 'int32' }),
    'TypeError',
    /Infinity cannot be converted to dtype int32/,
  ],
  ['NaN as a size', () => torch.zeros([NaN]), 'TypeError', /argument 'size'\[0\] must be an integer, got NaN/],
  ['fractional size', () => torch.zeros([2.5]), 'TypeError', /argument 'size'\[0\] must be an integer, got 2.5/],
  ['negative size', () => torch.zeros([-1]), 'TorchError', /negative dimension -1/],
  ['non-integer dim', () => t23().sum(0.5), 'TypeError', /argument 'dim'\[0\] must be an integer|argument 'dim' must be an integer/],
  ['string where a tensor goes', () => t23().add(any('1')), 'TypeError', /argument 'other' must be a Tensor or a number, got a string/],
  ['object where a tensor goes', () => t23().matmul(any({})), 'TypeError', /matmul: argument 'other' must be a Tensor, got an object/],
  ['array where a tensor goes', () => torch.cat(any([t23(), [1]])), 'TypeError', /argument 'tensors'\[1\] must be a Tensor, got an array/],
  ['non-array shape', () => torch.zeros(any(3)), 'TypeError', /zeros\(\): shape must be an array of integers, got number/],
  ['boolean where an int goes', () => t23().transpose(any(true), 1), 'TypeError', /argument 'dim0' must be an integer, got a boolean/],
  [
    'string rounding mode',
    () => t23().div(2, { roundingMode: any('round') }),
    'TorchError',
    /expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'/,
  ],
  ['setNumThreads(0)', () => torch.setNumThreads(0), 'TypeError', /threads must be a positive integer/],
  [
    'fromTypedArray with a wrong shape',
    () => torch.fromTypedArray(new Float32Array(5), [2, 3]),
    'TorchError',
    /shape \[2, 3\] needs 6 elements, but the typed array holds 5/,
  ],
  ['fromTypedArray with a plain array', () => torch.fromTypedArray(any([1, 2])), 'TypeError', /data must be a typed array, got an array/],
  ['fromTypedArray of Uint16 without a float16 dtype', () => torch.fromTypedArray(new Uint16Array(2)), 'TypeError', /no matching dtype/],
  ['huge allocation', () => torch.empty([1e7, 1e7]), 'TorchError', /(allocate|out of memory|DefaultCPUAllocator)/i],
  ['use of a disposed tensor', () => disposed().relu(), 'TorchError', /this Tensor has been disposed/],
  ['disposed tensor as an argument', () => t23().mul(disposed()), 'TorchError', /disposed/],
  ['item() of many elements', () => t23().item(), 'TorchError', /a Tensor with 6 elements cannot be converted to Scalar/],
  [
    'new Tensor() from JS',
    () => new (torch.Tensor as unknown as new (x: unknown) => unknown)({}),
    'TypeError',
    /Tensors are made by torch.tensor\(\)/,
  ],
  [
    'unknown ATen operator',
    () => new torch.Op('definitely_not_an_op').call([]),
    'TorchError',
    /operator aten::definitely_not_an_op does not exist in this LibTorch/,
  ],
  ['too many op arguments', () => new torch.Op('relu').call([t23(), 1, 2]), 'TypeError', /aten::relu takes at most 1 arguments, got 3/],
  [
    'missing op argument',
    () => new torch.Op('add', 'Tensor').call([t23()]),
    'TypeError',
    /aten::add.Tensor: missing required argument 'other'/,
  ],
  [
    'grad of a non-scalar without gradOutputs',
    () => torch.autograd.grad(torch.ones([2], { requiresGrad: true }).mul(2), torch.ones([1], { requiresGrad: true })),
    'TorchError',
    /grad can be implicitly created only for scalar outputs/,
  ],
];

if (!torch.cuda.isAvailable()) {
  cases.push(['CUDA without CUDA', () => torch.zeros([2], { device: 'cuda' }), 'TorchError', /CUDA is not available/]);
  cases.push(['cuda() without CUDA', () => torch.zeros([2]).cuda(), 'TorchError', /CUDA is not available/]);
}

test(`the bad-input table has at least 40 rows (${cases.length})`, () => assert.ok(cases.length >= 40));

for (const [what, action, name, message] of cases) {
  test(`bad input: ${what}`, () => {
    assert.throws(action, (error: Error) => {
      assert.equal(error.name, name, `${what}: ${error.name}: ${error.message}`);
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /Exception raised from|frame #\d/, 'no C++ backtrace');
      return true;
    });
    // The process keeps working afterwards.
    assert.deepEqual(torch.ones([2]).add(1).toArray(), [2, 2]);
  });
}

test('TorchError keeps the caller JS stack', () => {
  function callerFunctionName() {
    return t23().add(torch.zeros([5]));
  }
  try {
    callerFunctionName();
    assert.fail('should throw');
  } catch (error) {
    assert.ok(error instanceof torch.TorchError);
    assert.match(error.stack!, /callerFunctionName/);
  }
});

test('a failed in-place op leaves the tensor as it was', () => {
  const t = torch.tensor([1, 2, 3], { dtype: 'float32' });
  assert.throws(() => t.add_(torch.ones([2])));
  assert.deepEqual(t.toArray(), [1, 2, 3]);
});

test.run();
