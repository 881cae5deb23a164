/** torch.jit */
export { load, ScriptModule } from './script-module.js';
export { trace, traceModule } from './trace.js';
export type { TraceOptions, Traceable } from './trace.js';
export { freeze, optimizeForInference } from './freeze.js';
export type { ModelSignature, TensorSignature } from './signature.js';
