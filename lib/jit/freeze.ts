/** torch.jit.freeze and torch.jit.optimizeForInference as functions, as in PyTorch. */
import { ScriptModule } from './script-module.js';

function requireScriptModule(module: unknown, what: string): ScriptModule {
  if (module instanceof ScriptModule) return module;
  throw new TypeError(`${what} expects a ScriptModule (from torch.jit.trace or torch.jit.load), got ${describe(module)}`);
}

const describe = (value: unknown): string => (value !== null && typeof value === 'object' ? `a ${value.constructor.name}` : String(value));

/**
 * Freezes a TorchScript module for inference: parameters, buffers and submodules become
 * constants (batch norm folded into convolutions), except `preservedAttrs`. Eval mode only.
 */
export function freeze(module: ScriptModule, options: { preservedAttrs?: string[] } = {}): ScriptModule {
  return requireScriptModule(module, 'torch.jit.freeze').freeze(options);
}

/** Freezes (when needed) and applies LibTorch's inference optimizations (oneDNN convolutions, fusions). */
export function optimizeForInference(module: ScriptModule, options: { otherMethods?: string[] } = {}): ScriptModule {
  return requireScriptModule(module, 'torch.jit.optimizeForInference').optimizeForInference(options);
}
