/** aten::scaled_dot_product_attention (LibTorch 2.x's fused attention) as its computation: softmax(Q K^T * scale + mask) V. */
import { UnsupportedError } from '../errors.js';
import { makeTensorData } from '../tensor-data.js';
import { isNone } from '../values.js';
import { bool, float, rankOf, sizeOf, tensorArg } from './args.js';
import { transpose, type SymbolicTable } from './common.js';

/** Attention symbolics. */
export const attention: SymbolicTable = {
  'aten::scaled_dot_product_attention': (g, [queryArg, keyArg, valueArg, maskArg, , causalArg, scaleArg]) => {
    const [query, key, value] = [tensorArg(queryArg, 'query'), tensorArg(keyArg, 'key'), tensorArg(valueArg, 'value')];
    const rank = rankOf(query, 'query');
    if (rank < 2) throw new UnsupportedError('attention needs query, key and value of at least 2 dims');
    const dtype = query.dtype ?? 'float32';
    const scale = isNone(scaleArg) || scaleArg === undefined ? 1 / Math.sqrt(sizeOf(query, rank - 1, 'query')) : float(scaleArg, 'scale');
    const perm = Array.from({ length: rank }, (_, i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));
    let scores = g.op('Mul', [g.op('MatMul', [query, transpose(g, key, perm)]), g.scalar(scale, dtype)]);
    let mask = isNone(maskArg) ? undefined : tensorArg(maskArg, 'attn_mask');
    if (causalArg && bool(causalArg, 'is_causal')) {
      const [L, S] = [sizeOf(query, rank - 2, 'query'), sizeOf(key, rank - 2, 'key')];
      const allowed = Array.from({ length: L * S }, (_, i) => Math.floor(i / S) >= i % S);
      mask = g.constant(makeTensorData('bool', [L, S], allowed));
    }
    // A boolean mask says where attention is allowed; a float mask is added.
    if (mask) {
      scores =
        mask.dtype === 'bool' ? g.op('Where', [mask, scores, g.scalar(-Infinity, dtype)]) : g.op('Add', [scores, g.cast(mask, dtype)]);
    }
    return g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), value]);
  },
};
