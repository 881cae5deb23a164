/**
 * torch.jit.trace: records the ATen ops a forward runs through LibTorch's own tracer and returns an
 * ordinary ScriptModule whose attributes mirror the Module tree (parameters and buffers shared with
 * it). The forward runs synchronously on the calling thread, where the trace state lives.
 */
import { native, type NativeModuleTree, type NativeTracedMethod } from '../native.js';
import { Module } from '../nn/module.js';
import { noGrad } from '../tensor/autograd.js';
import { checkTraceOutputs, nondeterministicNodes, probeDynamicDims, type RunTraced } from './check-trace.js';
import { ScriptModule } from './script-module.js';
import { describeTensors, flattenTensors, type ModelSignature } from './signature.js';
import { withTracedPaths } from './trace-scope.js';

/** Options of {@link trace} and {@link traceModule}, as PyTorch's. */
export interface TraceOptions {
  /** Rerun the traced module on the example inputs and warn when it does not reproduce them (default true). */
  checkTrace?: boolean;
  /** Refuse mutable containers (dicts) as outputs, as PyTorch's strict mode does (default true). */
  strict?: boolean;
  /** Names of the inputs in the recorded signature (default input0, input1, ...). */
  inputNames?: string[];
  /** Names of the outputs in the recorded signature (default output0, output1, ...). */
  outputNames?: string[];
  /**
   * Probe which leading input dimensions the trace generalizes over (by growing them by one) and
   * mark them -1 in the signature; on by default for modules in eval mode.
   */
  inferDynamicDims?: boolean;
}

/** What can be traced: a Module (its forward) or a function of tensors. */
export type Traceable = Module | ((...inputs: never[]) => unknown);

/**
 * Traces `moduleOrFn` on `exampleInputs` (one tensor, or an array of the positional inputs, each a
 * tensor or an array of tensors) into a TorchScript module: `forward`, `parameters()` and `save()`
 * work as on a loaded one, and Python's torch.jit.load reads the saved file. Values the forward
 * reads into JavaScript (item(), shapes used as numbers) become constants of the trace, as in PyTorch.
 */
export function trace(moduleOrFn: Traceable, exampleInputs: unknown, options: TraceOptions = {}): ScriptModule {
  const inputs = Array.isArray(exampleInputs) ? exampleInputs : [exampleInputs];
  return traceMethods(moduleOrFn, { forward: inputs }, options);
}

/**
 * Traces several methods of a module (PyTorch's `trace_module`): `inputs` maps each method name to
 * its example inputs. The signature describes `forward` when traced, else the first method.
 */
export function traceModule(module: Module, inputs: Record<string, unknown>, options: TraceOptions = {}): ScriptModule {
  if (!(module instanceof Module)) throw new TypeError('torch.jit.traceModule: expected an nn.Module');
  const methods = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]));
  return traceMethods(module, methods, options);
}

function traceMethods(target: Traceable, inputsByMethod: Record<string, unknown[]>, options: TraceOptions): ScriptModule {
  const names = Object.keys(inputsByMethod);
  if (names.length === 0) throw new Error('torch.jit.trace: no method to trace');
  const isModule = target instanceof Module;
  if (!isModule && typeof target !== 'function') throw new TypeError('torch.jit.trace: expected an nn.Module or a function');
  const methods: NativeTracedMethod[] = names.map((name) => ({
    name,
    fn: methodOf(target, name),
    inputs: inputsByMethod[name]!,
    argumentNames: inputsByMethod[name]!.map((_, i) => options.inputNames?.[i] ?? `input${i}`),
  }));
  const tree = isModule ? moduleTree(target) : { className: 'TracedFunction', training: false, parameters: [], buffers: [], children: [] };
  // Scopes named as PyTorch's (`__module.features.0`): LibTorch's tracer turns each into a `forward`
  // method of that submodule, so the saved module has PyTorch's structure.
  const paths = new Map<object, string>(isModule ? [...target.namedModules()].map(([path, m]) => [m, path ? `__module.${path}` : '']) : []);
  const traced = withTracedPaths(paths, () => native.jitTrace(tree, methods, { strict: options.strict ?? true }));
  const module = new ScriptModule(traced.module);
  const warnings = new Set(traced.warnings);
  const main = names.includes('forward') ? 'forward' : names[0]!;
  const mainIndex = names.indexOf(main);
  const run: RunTraced = (inputs) => module.runMethod(main, ...inputs);
  const mainInputs = inputsByMethod[main]!;
  const mainOutputs = traced.outputs[mainIndex];
  if (options.checkTrace ?? true) {
    for (const [i, name] of names.entries()) {
      const mismatches = checkTraceOutputs((inputs) => module.runMethod(name, ...inputs), inputsByMethod[name]!, traced.outputs[i]);
      if (mismatches.length === 0) continue;
      const random = nondeterministicNodes(module.inlinedGraph(name));
      if (random.length > 0) {
        warnings.add(`Trace had nondeterministic nodes. Did you forget to call .eval() on your model? Nodes:\n\t${random.join('\n\t')}`);
      } else {
        for (const mismatch of mismatches) warnings.add(mismatch);
      }
    }
  }
  const training = isModule && [...target.modules()].some((m) => m.training);
  const dynamic =
    (options.inferDynamicDims ?? true) && !training ? probeDynamicDims(run, mainInputs, mainOutputs) : { inputs: [], outputs: [] };
  module.signature = noGrad((): ModelSignature => ({
    format: 'nodetorch-signature',
    version: 1,
    method: main,
    inputs: describeTensors(flattenTensors(mainInputs), 'input', options.inputNames, dynamic.inputs),
    outputs: describeTensors(flattenTensors(mainOutputs), 'output', options.outputNames, dynamic.outputs),
  }));
  for (const warning of warnings) process.emitWarning(warning, 'TracerWarning');
  return module;
}

function methodOf(target: Traceable, name: string): (...inputs: unknown[]) => unknown {
  if (!(target instanceof Module)) return target as (...inputs: unknown[]) => unknown;
  const method = (target as unknown as Record<string, unknown>)[name];
  if (typeof method !== 'function') throw new TypeError(`torch.jit.trace: the module has no method '${name}'`);
  return (...inputs: unknown[]) => (method as (...args: unknown[]) => unknown).apply(target, inputs);
}

// The module tree as the native tracer mirrors it: tensors by reference, every module's training flag.
function moduleTree(module: Module): NativeModuleTree {
  return {
    className: module.constructor.name,
    training: module.training,
    parameters: [...module.namedParameters({ recurse: false })],
    buffers: [...module.namedBuffers({ recurse: false })],
    objects: module.tracedObjects(),
    children: [...module.namedChildren()].map(([name, child]) => [name, moduleTree(child)]),
  };
}
