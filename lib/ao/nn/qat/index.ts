/** torch.ao.nn.qat: layers for quantization-aware training (weights fake-quantized on every forward). */
export { Linear } from './linear.js';
export { Conv2d } from './conv.js';
