/** torch.ao.nn.quantized: statically quantized modules (`dynamic`: dynamically quantized ones). */
export * as dynamic from './dynamic/index.js';
export { Quantize, DeQuantize } from './quantize.js';
export { Linear } from './linear.js';
export { Conv2d } from './conv.js';
export type { QuantizedConvOptions } from './conv.js';
export { FloatFunctional, QFunctional } from './functional-modules.js';
export type { ScriptObject } from './utils.js';
