/** torch.jit */
export { load, ScriptModule } from './script-module.js';
