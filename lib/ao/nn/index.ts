/** torch.ao.nn: modules for quantization (`intrinsic`: the fused modules). */
export * as intrinsic from './intrinsic/index.js';
