/** Linear layers and matrix products: linear, addmm, matmul, mm, bmm, baddbmm, t. */
import type { GraphContext } from '../graph-context.js';
import { type TensorData, type TensorValues } from '../tensor-data.js';
import type { TensorValue, Value } from '../values.js';
import { float, optionalTensor, rankOf, tensorArg } from './args.js';
import { transpose, type SymbolicTable } from './common.js';

// The transpose of a 2-D constant, computed here rather than as a node.
function transposedData(data: TensorData): TensorData {
  const [rows, cols] = data.dims as [number, number];
  const Values = data.values.constructor as new (n: number) => TensorValues;
  const out = new Values(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) (out as Float32Array)[c * rows + r] = (data.values as Float32Array)[r * cols + c]!;
  return { dtype: data.dtype, dims: [cols, rows], values: out };
}

/** The transpose of a 2-D weight: a constant when the weight is one, else a Transpose. */
function transposedWeight(g: GraphContext, weight: TensorValue): TensorValue {
  const known = g.constantOf(weight);
  if (known && known.dims.length === 2) return g.constant(transposedData(known));
  return transpose(g, weight, [1, 0]);
}

const scale = (g: GraphContext, x: TensorValue, factor: number) =>
  factor === 1 ? x : g.op('Mul', [x, g.scalar(factor, x.dtype ?? 'float32')]);
const scalarArg = (value: Value | undefined, what: string) => (value === undefined ? 1 : float(value, what));

/** Linear-algebra symbolics. */
export const linear: SymbolicTable = {
  'aten::linear': (g, [input, weightArg, biasArg]) => {
    const x = tensorArg(input, 'input');
    const weight = tensorArg(weightArg, 'weight');
    const bias = optionalTensor(biasArg, 'bias');
    if (rankOf(x, 'the input') === 2 && weight.shape?.length === 2) return g.op('Gemm', [x, weight, bias], { transB: 1 });
    const product = g.op('MatMul', [x, weight.shape?.length === 2 ? transposedWeight(g, weight) : weight]);
    return bias ? g.op('Add', [product, bias]) : product;
  },
  'aten::addmm': (g, [self, mat1, mat2, beta, alpha]) =>
    g.op('Gemm', [tensorArg(mat1, 'mat1'), tensorArg(mat2, 'mat2'), tensorArg(self, 'self')], {
      alpha: scalarArg(alpha, 'alpha'),
      beta: scalarArg(beta, 'beta'),
    }),
  'aten::matmul': (g, [a, b]) => g.op('MatMul', [tensorArg(a, 'self'), tensorArg(b, 'other')]),
  'aten::mm': (g, [a, b]) => g.op('MatMul', [tensorArg(a, 'self'), tensorArg(b, 'mat2')]),
  'aten::bmm': (g, [a, b]) => g.op('MatMul', [tensorArg(a, 'self'), tensorArg(b, 'mat2')]),
  'aten::baddbmm': (g, [self, batch1, batch2, beta, alpha]) => {
    const product = scale(g, g.op('MatMul', [tensorArg(batch1, 'batch1'), tensorArg(batch2, 'batch2')]), scalarArg(alpha, 'alpha'));
    const betaValue = scalarArg(beta, 'beta');
    return betaValue === 0 ? product : g.op('Add', [scale(g, tensorArg(self, 'self'), betaValue), product]);
  },
  // y_k = x1^T A_k x2 + b_k over any leading dims.
  'aten::bilinear': (g, [input1, input2, weightArg, biasArg]) => {
    const product = g.op('Einsum', [tensorArg(input1, 'input1'), tensorArg(weightArg, 'weight'), tensorArg(input2, 'input2')], {
      equation: '...i,kij,...j->...k',
    });
    const bias = optionalTensor(biasArg, 'bias');
    return bias ? g.op('Add', [product, bias]) : product;
  },
  'aten::t': (g, [x]) => {
    const input = tensorArg(x, 'self');
    return rankOf(input, 'the input') < 2 ? input : transposedWeight(g, input);
  },
};
