/** torch.ao: architecture optimization (`quantization`: module fusion; `nn.intrinsic`: the fused modules). */
export * as quantization from './quantization/index.js';
export * as nn from './nn/index.js';
