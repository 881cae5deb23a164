// Every hand-written Tensor method that ATen also has takes the generated surface's call forms:
// positional arguments and a trailing keyword-arguments object give the same result as the
// generated `torch.ops.aten.<name>` function.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../lib/index.js';
import { METHODS_WITH_GENERATED_FORMS } from '../lib/tensor/methods/index.js';
import { snakeCase } from '../lib/util/names.js';

type Input = () => torch.Tensor;
interface Forms {
  /** A fresh input (in-place methods change it). */
  input: Input;
  positional: unknown[];
  /** The same call with its last arguments as keywords; omitted for methods with no arguments. */
  keywords?: unknown[];
}

const matrix: Input = () =>
  torch.tensor([
    [1.5, -2, 3],
    [4, 0.5, -6],
  ]);
const positive: Input = () =>
  torch.tensor([
    [1.5, 2, 3],
    [4, 0.5, 6],
  ]);
const square: Input = () =>
  torch.tensor([
    [1, 2],
    [3, 4],
  ]);
const batch: Input = () => torch.arange(8, { dtype: 'float32' }).reshape([2, 2, 2]);
const flags: Input = () =>
  torch.tensor([
    [true, false, true],
    [false, false, true],
  ]);
const other = () =>
  torch.tensor([
    [2, 2, 2],
    [1, -1, 3],
  ]);

const none = (input: Input): Forms => ({ input, positional: [] });

const FORMS: Record<string, Forms> = {
  clone: { input: matrix, positional: [], keywords: [{ memoryFormat: 'contiguous_format' }] },
  detach: none(matrix),
  contiguous: { input: matrix, positional: [], keywords: [{ memoryFormat: 'contiguous_format' }] },
  requiresGrad_: { input: matrix, positional: [true], keywords: [{ requiresGrad: true }] },
  add: { input: matrix, positional: [other(), { alpha: 2 }], keywords: [{ other: other(), alpha: 2 }] },
  add_: { input: matrix, positional: [other(), { alpha: 2 }], keywords: [other(), { alpha: 2 }] },
  sub: { input: matrix, positional: [other(), { alpha: 3 }], keywords: [{ other: other(), alpha: 3 }] },
  sub_: { input: matrix, positional: [other(), { alpha: 3 }], keywords: [other(), { alpha: 3 }] },
  mul: { input: matrix, positional: [other()], keywords: [{ other: other() }] },
  mul_: { input: matrix, positional: [other()], keywords: [{ other: other() }] },
  div: { input: matrix, positional: [other(), { roundingMode: 'floor' }], keywords: [other(), { roundingMode: 'floor' }] },
  div_: { input: matrix, positional: [other(), { roundingMode: 'trunc' }], keywords: [other(), { roundingMode: 'trunc' }] },
  neg: none(matrix),
  remainder: { input: matrix, positional: [other()], keywords: [{ other: other() }] },
  pow: { input: positive, positional: [2], keywords: [{ exponent: 2 }] },
  pow_: { input: positive, positional: [3], keywords: [{ exponent: 3 }] },
  eq: { input: matrix, positional: [other()], keywords: [{ other: other() }] },
  ne: { input: matrix, positional: [other()], keywords: [{ other: other() }] },
  lt: { input: matrix, positional: [other()], keywords: [{ other: other() }] },
  le: { input: matrix, positional: [other()], keywords: [{ other: other() }] },
  gt: { input: matrix, positional: [other()], keywords: [{ other: other() }] },
  ge: { input: matrix, positional: [other()], keywords: [{ other: other() }] },
  logicalNot: none(flags),
  sum: { input: matrix, positional: [1, true], keywords: [1, { keepdim: true }] },
  mean: { input: matrix, positional: [1, true], keywords: [1, { keepdim: true }] },
  prod: { input: matrix, positional: [1, true], keywords: [1, { keepdim: true }] },
  max: { input: matrix, positional: [1, true], keywords: [1, { keepdim: true }] },
  min: { input: matrix, positional: [0, true], keywords: [{ dim: 0, keepdim: true }] },
  argmax: { input: matrix, positional: [1, true], keywords: [1, { keepdim: true }] },
  argmin: { input: matrix, positional: [0, true], keywords: [{ dim: 0, keepdim: true }] },
  std: { input: matrix, positional: [1, true, true], keywords: [1, { unbiased: true, keepdim: true }] },
  var: { input: matrix, positional: [1, false, true], keywords: [[1], { unbiased: false, keepdim: true }] },
  all: { input: flags, positional: [1, true], keywords: [1, { keepdim: true }] },
  any: { input: flags, positional: [0, true], keywords: [{ dim: 0, keepdim: true }] },
  matmul: { input: square, positional: [square()], keywords: [{ other: square() }] },
  mm: { input: square, positional: [square()], keywords: [{ mat2: square() }] },
  bmm: { input: batch, positional: [batch()], keywords: [{ mat2: batch() }] },
  exp: none(matrix),
  exp_: none(matrix),
  log: none(positive),
  sqrt: none(positive),
  abs: none(matrix),
  clamp: { input: matrix, positional: [-1, 2], keywords: [{ min: -1, max: 2 }] },
  clamp_: { input: matrix, positional: [0, 3], keywords: [0, { max: 3 }] },
  relu: none(matrix),
  relu_: none(matrix),
  sigmoid: none(matrix),
  tanh: none(matrix),
  softmax: { input: matrix, positional: [1, { dtype: 'float64' }], keywords: [{ dim: 1, dtype: 'float64' }] },
  logSoftmax: { input: matrix, positional: [0, { dtype: 'float64' }], keywords: [0, { dtype: 'float64' }] },
  reshape: { input: matrix, positional: [[3, 2]], keywords: [{ shape: [3, 2] }] },
  view: { input: matrix, positional: [[6]], keywords: [{ size: [6] }] },
  permute: { input: batch, positional: [[2, 0, 1]], keywords: [{ dims: [2, 0, 1] }] },
  transpose: { input: batch, positional: [0, 2], keywords: [0, { dim1: 2 }] },
  t: none(matrix),
  squeeze: { input: () => torch.ones([2, 1, 3]), positional: [1], keywords: [{ dim: 1 }] },
  unsqueeze: { input: matrix, positional: [1], keywords: [{ dim: 1 }] },
  flatten: { input: batch, positional: [1, 2], keywords: [{ startDim: 1, endDim: 2 }] },
  expand: { input: () => torch.tensor([[1], [2]]), positional: [[2, 4]], keywords: [[2, 4], { implicit: false }] },
  split: { input: matrix, positional: [2, 1], keywords: [2, { dim: 1 }] },
  chunk: { input: matrix, positional: [3, 1], keywords: [3, { dim: 1 }] },
  zero_: none(matrix),
  fill_: { input: matrix, positional: [7], keywords: [{ value: 7 }] },
  copy_: { input: matrix, positional: [other()], keywords: [other(), { nonBlocking: false }] },
};

// A tensor, a list of them (split, chunk) or named ones ({ values, indices } of max and min).
type Result = torch.Tensor | torch.Tensor[] | Record<string, torch.Tensor>;
function each(result: Result, read: (t: torch.Tensor) => unknown): unknown {
  if (result instanceof torch.Tensor) return read(result);
  if (Array.isArray(result)) return result.map(read);
  return Object.fromEntries(Object.entries(result).map(([name, t]) => [name, read(t)]));
}
const valueOf = (result: Result) => each(result, (t) => t.toArray());
const shapeOf = (result: Result) => each(result, (t) => t.shape);
const dtypeOf = (result: Result) => each(result, (t) => t.dtype);

function call(target: object, method: string, args: unknown[]): Result {
  return (target as Record<string, (...a: unknown[]) => Result>)[method]!(...args);
}

test('every hand-written method with an ATen namesake has its call forms listed here', () => {
  assert.equal([...METHODS_WITH_GENERATED_FORMS].sort(), Object.keys(FORMS).sort());
});

for (const method of METHODS_WITH_GENERATED_FORMS) {
  test(`${method}: positional and keyword forms equal torch.ops.aten`, () => {
    const forms = FORMS[method]!;
    const aten = snakeCase(method.replace(/_$/, '')) + (method.endsWith('_') ? '_' : '');
    const generated = call(torch.ops.aten, aten, [forms.input(), ...(forms.keywords ?? forms.positional)]);
    const positional = call(forms.input(), method, forms.positional);
    for (const [form, result] of [['positional', positional]] as const) {
      assert.equal(shapeOf(result), shapeOf(generated), `${form} shape`);
      assert.equal(dtypeOf(result), dtypeOf(generated), `${form} dtype`);
      assert.equal(valueOf(result), valueOf(generated), `${form} values`);
    }
    if (forms.keywords) {
      const input = forms.input();
      const keywords = call(input, method, forms.keywords);
      assert.equal(shapeOf(keywords), shapeOf(generated), 'keyword shape');
      assert.equal(dtypeOf(keywords), dtypeOf(generated), 'keyword dtype');
      assert.equal(valueOf(keywords), valueOf(generated), 'keyword values');
      if (method.endsWith('_')) assert.ok(keywords === input, 'an in-place method returns its receiver');
    }
  });
}

test('the forms from the issue: sum, mean and max with { keepdim: true }', () => {
  const x = matrix();
  assert.equal(x.sum(1, { keepdim: true }).shape, [2, 1]);
  assert.equal(x.mean(1, { keepdim: true }).toArray(), torch.mean(x, 1, { keepdim: true }).toArray());
  const { values, indices } = x.max(1, { keepdim: true });
  assert.equal(values.toArray(), [[3], [4]]);
  assert.equal(indices.toArray(), [[2], [0]]);
});

test('an options object with keys that are not arguments reaches the hand-written method, which names them', () => {
  assert.throws(() => matrix().sum(1, { keepdims: true } as never), /keepdims|option|argument/i);
});

test.run();
