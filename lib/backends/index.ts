/** torch.backends: settings of the kernel libraries (`quantized.engine`). */
export { quantized } from './quantized.js';
