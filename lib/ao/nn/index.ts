/** torch.ao.nn: modules for quantization (`intrinsic`: the fused modules). */
export * as intrinsic from './intrinsic/index.js';
export * as quantized from './quantized/index.js';
export * as qat from './qat/index.js';
