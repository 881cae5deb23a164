/** torch.ao.nn.intrinsic: fused modules (a Sequential of the layers fused). */
export { FusedModule, ConvReLU1d, ConvReLU2d, ConvReLU3d, LinearReLU, BNReLU2d, BNReLU3d, ConvBn2d, ConvBnReLU2d } from './fused.js';
export type { ModuleClass } from './fused.js';
export * as quantized from './quantized/index.js';
export * as qat from './qat/index.js';
