/**
 * torch.jit: TorchScript modules saved by PyTorch (torch.jit.trace / torch.jit.script, then
 * .save), loaded for inference and for fine-tuning with nodetorch's optimizers.
 */
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { readRegularFile } from '../io/regular-file.js';
import { verifyZipArchive } from '../io/zip-directory.js';
import { native, type NativeScriptModule } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Device, DType } from '../tensor/types.js';
import { withCallerStack } from '../util/caller-stack.js';
import { parseSignature, SIGNATURE_FILE, type ModelSignature } from './signature.js';

/**
 * A loaded TorchScript module. Its parameters are the module's own tensors: an optimizer over
 * `parameters()` trains the module, and `save` writes the trained weights.
 */
export class ScriptModule {
  /**
   * The traced method's signature (input and output names, dtypes, shapes with -1 where the trace
   * generalizes): recorded by torch.jit.trace, saved in the archive's `signature.json`, read back by
   * torch.jit.load; null for a module that has none.
   */
  signature: ModelSignature | null;

  /** @internal */
  constructor(private readonly module: NativeScriptModule) {
    this.signature = parseSignature(module.extraFile(SIGNATURE_FILE));
  }

  /** The method's TorchScript graph as text (PyTorch's `module.graph`). */
  graph(method = 'forward'): string {
    return this.module.graphText(method);
  }

  /** The method's graph with the submodules' methods inlined (PyTorch's `module.inlined_graph`). */
  inlinedGraph(method = 'forward'): string {
    return this.module.graphText(method, true);
  }

  /** @internal The method's graph frozen and lowered for exporters (lib/onnx). */
  exportGraph(method: string, constantFolding: boolean): unknown {
    return this.module.exportGraph(method, constantFolding);
  }

  /**
   * torch.jit.freeze: a new module with parameters, buffers and submodules inlined as constants
   * (and batch norm folded into convolutions), keeping `preservedAttrs`. The module must be in eval mode.
   */
  freeze(options: { preservedAttrs?: string[] } = {}): ScriptModule {
    return this.derive(() => this.module.freeze(options.preservedAttrs ?? []), 'torch.jit.freeze');
  }

  /**
   * torch.jit.optimize_for_inference: freezes (if not frozen yet) and runs LibTorch's inference
   * passes (convolutions moved to oneDNN where the build has it, ops fused). Eval mode only. The
   * result's methods run in inference mode (their outputs are inference tensors): oneDNN tensors
   * have no autograd kernels.
   */
  optimizeForInference(options: { otherMethods?: string[] } = {}): ScriptModule {
    return this.derive(() => this.module.optimizeForInference(options.otherMethods ?? []), 'torch.jit.optimizeForInference');
  }

  private derive(make: () => NativeScriptModule, what: string): ScriptModule {
    let derived: ScriptModule;
    try {
      derived = new ScriptModule(make());
    } catch (error) {
      (error as Error).message = `${what}: ${(error as Error).message}`;
      throw error;
    }
    derived.signature = this.signature;
    return derived;
  }

  /** Runs `forward` with tensors, numbers, arrays or objects as inputs. */
  forward(...inputs: unknown[]): unknown {
    return this.module.runMethod('forward', ...inputs);
  }
  /** `forward` on the libuv thread pool, leaving the event loop free. */
  forwardAsync(...inputs: unknown[]): Promise<unknown> {
    return withCallerStack(() => this.module.runMethodAsync('forward', ...inputs));
  }
  /** Runs another exported method by name. */
  runMethod(name: string, ...inputs: unknown[]): unknown {
    return this.module.runMethod(name, ...inputs);
  }
  /** {@link runMethod} on the libuv thread pool. */
  runMethodAsync(name: string, ...inputs: unknown[]): Promise<unknown> {
    return withCallerStack(() => this.module.runMethodAsync(name, ...inputs));
  }
  /** Frees the module now rather than when the collector finds this object; later calls throw. */
  dispose(): void {
    this.module.dispose();
  }
  /** `dispose()`, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Names of the module's methods (forward included). */
  methodNames(): string[] {
    return this.module.methodNames();
  }

  /** Parameters of the module and its submodules, with dotted names (sharing memory with the module). */
  *namedParameters(): IterableIterator<[string, Tensor]> {
    yield* this.module.namedParameters() as [string, Tensor][];
  }
  /** Parameters of the module and its submodules: what an optimizer trains. */
  *parameters(): IterableIterator<Tensor> {
    for (const [, p] of this.module.namedParameters()) yield p as Tensor;
  }
  /** Buffers of the module and its submodules, with dotted names. */
  *namedBuffers(): IterableIterator<[string, Tensor]> {
    yield* this.module.namedBuffers() as [string, Tensor][];
  }
  /** Parameters and buffers by name (sharing memory with the module). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.module.namedParameters(), ...this.module.namedBuffers()]) as Record<string, Tensor>;
  }

  /** Whether the module is in training mode. */
  get training(): boolean {
    return this.module.isTraining();
  }
  /** Sets training mode on the module and its submodules; returns this. */
  train(mode = true): this {
    this.module.train(mode);
    return this;
  }
  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }
  /** Moves (or casts) parameters and buffers in place. */
  to(target: Device | DType): this {
    this.module.to(target);
    return this;
  }

  /** Saves the module (with its current weights) as a TorchScript archive, atomically. */
  save(file: string): Promise<void> {
    return withCallerStack(() => this.saveAtomically(file));
  }

  private async saveAtomically(file: string): Promise<void> {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
    try {
      this.module.save(temp, this.signature ? { [SIGNATURE_FILE]: JSON.stringify(this.signature) } : {});
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}

/**
 * Loads a TorchScript file saved by PyTorch (or by ScriptModule.save), optionally onto a device.
 * The archive's directory and checksums are verified first: LibTorch's reader does not survive
 * every corrupt file. A TorchScript file is code, like a pickle: load only files you trust.
 */
export function load(file: string, options: { mapLocation?: Device } = {}): Promise<ScriptModule> {
  return withCallerStack(() => loadFile(file, options));
}

async function loadFile(file: string, options: { mapLocation?: Device }): Promise<ScriptModule> {
  try {
    verifyZipArchive(await readRegularFile(file, 'torch.jit.load'), 'the archive');
    return new ScriptModule(await native.jitLoad(file, options.mapLocation));
  } catch (error) {
    (error as Error).message = `torch.jit.load(${file}): ${(error as Error).message}`;
    throw error;
  }
}
