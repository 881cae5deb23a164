/** torch.ao.nn.quantized: quantized modules (`dynamic`: dynamically quantized ones). */
export * as dynamic from './dynamic/index.js';
