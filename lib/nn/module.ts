/**
 * torch.nn.Module in TypeScript: a tree of modules owning parameters and buffers, with PyTorch's
 * traversal, train/eval, device/dtype moves, state dicts and forward hooks.
 */
import type { QConfig } from '../ao/quantization/qconfig.js';
import { unpackQuantizedParams } from './quantized-state.js';
import { aten } from '../ops/surface.js';
import { noGrad } from '../tensor/autograd.js';
import { isComplexDType, isDevice, isFloatingDType } from '../tensor/dtypes.js';
import { Tensor } from '../tensor/tensor.js';
import type { DType, Device } from '../tensor/types.js';
import type { MemoryFormat } from '../ops/spec.js';
import type { PlanStep } from './sequential-plan.js';
import { summary } from './summary.js';
import { inTraceScope, isTracingModules } from '../jit/trace-scope.js';

/** A function called after a module's forward: it may return a replacement output. */
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;
/** A function called before a module's forward: it may return replacement inputs (an array). */
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown[] | void;

/** Removes a hook it was returned for. */
export interface HookHandle {
  /** Unregisters the hook (calling it again does nothing). */
  remove(): void;
}

/** What loadStateDict found that did not line up. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Options of `Module.to`. */
export interface ModuleToOptions {
  device?: Device;
  dtype?: DType;
  /** Lay 4-D and 5-D parameters and buffers out in this format ('channels_last': NHWC), as PyTorch's `memory_format`. */
  memoryFormat?: MemoryFormat;
}

// The hook-running forwards modules install on themselves, and the class's way in for deep copies.
const installedForwards = new WeakSet<object>();
let installForwardOn: (module: Module) => void;

/**
 * Base class of every layer and model. Subclasses register children, parameters and buffers, and
 * implement `forward`; calling `forward` runs the registered hooks around it.
 */
export abstract class Module {
  /** True in training mode (dropout active, batch norm updating statistics). */
  training = true;
  /**
   * The quantization config of this module and (unless they have their own) its children, for
   * eager-mode quantization (torch.ao.quantization.prepare); null opts a subtree out.
   */
  declare qconfig?: QConfig | null;
  private readonly parameters_ = new Map<string, Tensor | null>();
  private readonly buffers_ = new Map<string, Tensor | null>();
  private readonly nonPersistent = new Set<string>();
  private readonly children_ = new Map<string, Module | null>();
  private readonly forwardHooks = new Set<ForwardHook>();
  private readonly forwardPreHooks = new Set<ForwardPreHook>();

  static {
    installForwardOn = (module) => module.installForward();
  }

  /** Sets up an empty module in training mode (subclasses call `super()` first). */
  constructor() {
    this.installForward();
  }

  // Wraps the class's forward so hooks run however it is called (prototype methods exist already).
  private installForward(): void {
    const forward = (this.forward as (...inputs: unknown[]) => unknown).bind(this);
    const run = (inputs: unknown[]) =>
      this.forwardHooks.size || this.forwardPreHooks.size ? this.callWithHooks(forward, inputs) : forward.apply(this, inputs);
    // Under torch.jit.trace the nodes this forward records carry the module's path.
    const wrapper = (...inputs: unknown[]) => (isTracingModules() ? inTraceScope(this, () => run(inputs)) : run(inputs));
    installedForwards.add(wrapper);
    Object.defineProperty(this, 'forward', { value: wrapper, writable: true, configurable: true });
  }

  /**
   * The computation; takes and returns whatever the module works on. Subclasses declare their own
   * signature (built-in layers take and return tensors); through the base type it takes any inputs.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any[] so that subclasses narrow the inputs and a base-typed module stays callable
  abstract forward(...inputs: any[]): unknown;

  // ---- registration ------------------------------------------------------------------------

  /** Adds a child module under `name` and returns it (so fields can be initialized in one line). */
  registerModule<M extends Module | null>(name: string, module: M): M {
    this.checkName(name, 'module');
    if (module !== null && !(module instanceof Module))
      throw new TypeError(`registerModule('${name}'): expected a Module, got ${typeof module}`);
    this.children_.set(name, module);
    return module;
  }

  /** Adds a parameter under `name` (setting requiresGrad unless it is already set on a float tensor) and returns it. */
  registerParameter<T extends Tensor | null>(name: string, param: T): T {
    this.checkName(name, 'parameter');
    this.checkParameter(name, param, 'registerParameter');
    if (param !== null && (isFloatingDType(param.dtype) || isComplexDType(param.dtype))) param.requiresGrad = true;
    this.parameters_.set(name, param);
    return param;
  }

  /** Adds a buffer (state that is not trained, like running statistics) and returns it. */
  registerBuffer<T extends Tensor | null>(name: string, buffer: T, options: { persistent?: boolean } = {}): T {
    this.checkName(name, 'buffer');
    if (buffer !== null && !(buffer instanceof Tensor))
      throw new TypeError(`registerBuffer('${name}'): expected a Tensor, got ${typeof buffer}`);
    this.buffers_.set(name, buffer);
    if (options.persistent === false) this.nonPersistent.add(name);
    else this.nonPersistent.delete(name);
    return buffer;
  }

  /**
   * Replaces the parameter registered as `name` (a tensor or null) with `param`, as assigning
   * `module.name = nn.Parameter(...)` does in PyTorch: the tensor is kept as given (requiresGrad
   * included), the registration order is kept, and the field that held the old parameter
   * (`this.name`, or its camelCase) now holds the new one.
   */
  replaceParameter<T extends Tensor | null>(name: string, param: T): T {
    if (!this.parameters_.has(name)) throw new Error(`${this.constructor.name} has no parameter named '${name}' to replace`);
    this.checkParameter(name, param, 'replaceParameter');
    const old = this.parameters_.get(name)!;
    this.parameters_.set(name, param);
    this.retargetFields(name, old, param);
    return param;
  }

  /**
   * Replaces the buffer registered as `name` with `buffer`, as assigning `module.name = tensor` to a
   * buffer does in PyTorch: its place and persistence are kept, and the fields that held the old
   * buffer now hold the new one.
   */
  replaceBuffer<T extends Tensor | null>(name: string, buffer: T): T {
    if (!this.buffers_.has(name)) throw new Error(`${this.constructor.name} has no buffer named '${name}' to replace`);
    if (buffer !== null && !(buffer instanceof Tensor))
      throw new TypeError(`replaceBuffer('${name}'): expected a Tensor, got ${typeof buffer}`);
    const old = this.buffers_.get(name)!;
    this.buffers_.set(name, buffer);
    this.retargetFields(name, old, buffer);
    return buffer;
  }

  /**
   * Unregisters the parameter `name` and returns it, as `del module._parameters[name]` does in
   * PyTorch: it leaves parameters() and the state dict; fields that held it keep their value.
   */
  deleteParameter(name: string): Tensor | null {
    if (!this.parameters_.has(name)) throw new Error(`${this.constructor.name} has no parameter named '${name}' to delete`);
    const param = this.parameters_.get(name)!;
    this.parameters_.delete(name);
    return param;
  }

  /**
   * Unregisters the buffer `name` and returns it, as `del module._buffers[name]` does in PyTorch:
   * it leaves buffers() and the state dict; fields that held it keep their value.
   */
  deleteBuffer(name: string): Tensor | null {
    if (!this.buffers_.has(name)) throw new Error(`${this.constructor.name} has no buffer named '${name}' to delete`);
    const buffer = this.buffers_.get(name)!;
    this.buffers_.delete(name);
    this.nonPersistent.delete(name);
    return buffer;
  }

  private checkParameter(name: string, param: Tensor | null, method: string): void {
    if (param === null) return;
    if (!(param instanceof Tensor)) throw new TypeError(`${method}('${name}'): expected a Tensor, got ${typeof param}`);
    if (!param.isLeaf) throw new Error(`${method}('${name}'): a parameter must be a leaf tensor (use .detach())`);
  }

  // Points the fields that held `old` (registered as `name`) at `replacement`: any field holding a
  // tensor or module by identity, and for null the field named `name` or its camelCase.
  private retargetFields(name: string, old: Tensor | Module | null, replacement: Tensor | Module | null): void {
    const named = new Set([name, name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())]);
    for (const key of Object.keys(this)) {
      const descriptor = Object.getOwnPropertyDescriptor(this, key);
      if (!descriptor || !('value' in descriptor) || descriptor.value !== old) continue;
      if (old !== null || named.has(key)) Reflect.set(this, key, replacement);
    }
  }

  private checkName(name: string, what: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.'))
      throw new TypeError(`${what} name must be a non-empty string without '.', got '${name}'`);
    const taken = [this.parameters_, this.buffers_, this.children_].some((map) => map.has(name));
    if (taken) throw new Error(`${this.constructor.name} already has a member named '${name}'`);
  }

  // ---- traversal ---------------------------------------------------------------------------

  /** Direct children with their names. */
  *namedChildren(): IterableIterator<[string, Module]> {
    for (const [name, child] of this.children_) if (child) yield [name, child];
  }
  /** Direct children, like PyTorch's `children()`. */
  *children(): IterableIterator<Module> {
    for (const [, child] of this.namedChildren()) yield child;
  }
  /**
   * The descendant at a dotted path ('features.0'; '' is this module), like PyTorch's
   * `get_submodule`; a missing step is an error naming it.
   */
  getSubmodule(target: string): Module {
    const names = target === '' ? [] : target.split('.');
    return names.reduce<Module>((module, name, i) => {
      const child = module.children_.get(name);
      if (child) return child;
      const path = names.slice(0, i).join('.');
      throw new Error(`getSubmodule('${target}'): ${module.constructor.name}${path ? ` '${path}'` : ''} has no submodule '${name}'`);
    }, this);
  }

  /**
   * Replaces the descendant at a dotted path with `module`, like PyTorch's `set_submodule`: the
   * parent keeps the name in its place (a Sequential its order), and the parent's fields that held
   * the old module now hold the new one, so a custom forward calling `this.conv` runs `module`.
   */
  setSubmodule(target: string, module: Module): void {
    if (!(module instanceof Module)) throw new TypeError(`setSubmodule('${target}'): expected a Module, got ${typeof module}`);
    const dot = target.lastIndexOf('.');
    const parent = this.getSubmodule(target.slice(0, Math.max(dot, 0)));
    const name = target.slice(dot + 1);
    const old = parent.children_.get(name);
    if (!old) throw new Error(`setSubmodule('${target}'): ${parent.constructor.name} has no submodule '${name}' to replace`);
    parent.children_.set(name, module);
    parent.retargetFields(name, old, module);
    parent.childReplaced(name, old, module);
  }

  /** Called after `setSubmodule` replaced the child `name`: containers update their own lists here. */
  protected childReplaced(_name: string, _old: Module, _replacement: Module): void {}

  /** This module and every descendant, with dotted names ('' for this one); each module once. */
  *namedModules(prefix = '', seen = new Set<Module>()): IterableIterator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) yield* child.namedModules(prefix ? `${prefix}.${name}` : name, seen);
  }
  /** This module and every descendant, each once, like PyTorch's `modules()`. */
  *modules(): IterableIterator<Module> {
    for (const [, module] of this.namedModules()) yield module;
  }
  /** Parameters with dotted names, each tensor once (shared parameters are listed at their first name). */
  *namedParameters(options: { prefix?: string; recurse?: boolean } = {}): IterableIterator<[string, Tensor]> {
    yield* this.namedMembers((m) => m.parameters_, options);
  }
  /** Parameters of this module (and descendants unless `recurse: false`), each tensor once. */
  *parameters(options: { recurse?: boolean } = {}): IterableIterator<Tensor> {
    for (const [, p] of this.namedParameters(options)) yield p;
  }
  /** Buffers with dotted names, each tensor once, like PyTorch's `named_buffers()`. */
  *namedBuffers(options: { prefix?: string; recurse?: boolean } = {}): IterableIterator<[string, Tensor]> {
    yield* this.namedMembers((m) => m.buffers_, options);
  }
  /** Buffers of this module (and descendants unless `recurse: false`), each tensor once. */
  *buffers(options: { recurse?: boolean } = {}): IterableIterator<Tensor> {
    for (const [, b] of this.namedBuffers(options)) yield b;
  }

  private *namedMembers(
    members: (m: Module) => Map<string, Tensor | null>,
    { prefix = '', recurse = true }: { prefix?: string; recurse?: boolean },
  ): IterableIterator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const modules = recurse ? this.namedModules(prefix) : ([[prefix, this]] as Iterable<[string, Module]>);
    for (const [modulePrefix, module] of modules) {
      for (const [name, tensor] of members(module)) {
        if (!tensor || seen.has(tensor)) continue;
        seen.add(tensor);
        yield [modulePrefix ? `${modulePrefix}.${name}` : name, tensor];
      }
    }
  }

  /** Number of parameter elements (only those requiring grad with `trainableOnly`). */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    let total = 0;
    for (const p of this.parameters()) if (!options.trainableOnly || p.requiresGrad) total += p.numel();
    return total;
  }

  // ---- modes and moves ---------------------------------------------------------------------

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const module of this.modules()) module.training = mode;
    return this;
  }
  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every descendant and then this module (children first, like PyTorch); returns this. */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Moves parameters and buffers to a device and/or casts floating ones to a dtype, in place: the
   * tensor objects stay the same (so optimizers built earlier keep working), as in PyTorch.
   */
  to(target: Device | DType | ModuleToOptions): this {
    const options: ModuleToOptions = typeof target === 'object' ? target : isDevice(target) ? { device: target } : { dtype: target };
    if (options.dtype && !isFloatingDType(options.dtype))
      throw new TypeError(`Module.to: only floating dtypes can be given, got '${options.dtype}'`);
    noGrad(() => {
      for (const tensor of [...this.parameters(), ...this.buffers()]) {
        const dtype = options.dtype && isFloatingDType(tensor.dtype) ? options.dtype : undefined;
        // As PyTorch's Module.to, a memory format applies to 4-D and 5-D tensors only.
        const memoryFormat = options.memoryFormat && (tensor.dim() === 4 || tensor.dim() === 5) ? options.memoryFormat : undefined;
        const moved = tensor.to({ device: options.device, dtype, memoryFormat });
        if (moved.device === tensor.device && moved.dtype === tensor.dtype && !memoryFormat) continue;
        const grad = tensor.grad;
        if (grad) tensor.grad = null;
        aten.set_data.default(tensor, moved); // the same JS tensor (as param.data = ... in PyTorch)
        if (grad) tensor.grad = grad.to({ device: options.device, dtype });
      }
    });
    return this;
  }
  /** `to({ device: 'cuda:N' })`. */
  cuda(index = 0): this {
    return this.to({ device: `cuda:${index}` });
  }
  /** `to({ device: 'cpu' })`. */
  cpu(): this {
    return this.to({ device: 'cpu' });
  }
  /** Casts floating parameters and buffers to float32: `to({ dtype: 'float32' })`. */
  float(): this {
    return this.to({ dtype: 'float32' });
  }
  /** Casts floating parameters and buffers to float64: `to({ dtype: 'float64' })`. */
  double(): this {
    return this.to({ dtype: 'float64' });
  }
  /** Casts floating parameters and buffers to float16: `to({ dtype: 'float16' })`. */
  half(): this {
    return this.to({ dtype: 'float16' });
  }

  /** Clears the gradients of every parameter: to null by default, or to zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (options.setToNone ?? true) p.grad = null;
      else p.grad.zero_();
    }
  }

  // ---- state dicts -------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted name, detached but sharing memory, in registration
   * order: what `torch.save(model.stateDict(), path)` writes and Python's load_state_dict reads.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [prefix, module] of this.namedModules()) {
      const key = (name: string) => (prefix ? `${prefix}.${name}` : name);
      for (const [name, p] of module.parameters_) if (p) out[key(name)] = p.detach();
      for (const [name, b] of module.buffers_) if (b && !module.nonPersistent.has(name)) out[key(name)] = b.detach();
      for (const [name, t] of Object.entries(module.stateEntries())) out[key(name)] = t;
    }
    return out;
  }

  /**
   * @internal State a module keeps outside parameters and buffers (a quantized layer's packed
   * weights, unpacked), as PyTorch's `_save_to_state_dict` adds it: local name -> tensor.
   */
  stateEntries(): Record<string, Tensor> {
    return {};
  }

  /** @internal Takes the entries of `stateEntries()` back from a state dict (all present and of the same shapes). */
  loadStateEntries(_entries: Record<string, Tensor>): void {}

  /**
   * Copies values from a state dict into the parameters and buffers, in place. With `strict`
   * (the default) missing or unexpected keys are an error listing them; a shape mismatch always is.
   * Nothing is copied unless everything checks out.
   */
  loadStateDict(stateDict: Record<string, Tensor> | Map<string, Tensor>, options: { strict?: boolean } = {}): LoadStateDictResult {
    const given = unpackQuantizedParams(stateDict instanceof Map ? Object.fromEntries(stateDict) : stateDict);
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in given));
    const unexpectedKeys = Object.keys(given).filter((k) => !(k in own));
    if ((options.strict ?? true) && (missingKeys.length || unexpectedKeys.length)) {
      const parts = [];
      if (missingKeys.length) parts.push(`missing keys: ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
      if (unexpectedKeys.length) parts.push(`unexpected keys: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
      throw new Error(`Error(s) in loading state dict for ${this.constructor.name}: ${parts.join('; ')}`);
    }
    const pairs: [Tensor, Tensor, string][] = [];
    const entries = new Map<string, [Module, string]>();
    for (const [prefix, module] of this.namedModules())
      for (const name of Object.keys(module.stateEntries())) entries.set(prefix ? `${prefix}.${name}` : name, [module, name]);
    const loads = new Map<Module, Record<string, Tensor>>();
    for (const [key, target] of Object.entries(own)) {
      const source = given[key];
      if (!source) continue;
      if (!(source instanceof Tensor)) throw new TypeError(`loadStateDict: "${key}" is not a Tensor`);
      if (source.shape.join() !== target.shape.join()) {
        throw new Error(
          `size mismatch for ${key}: copying a param with shape [${source.shape.join(', ')}] from checkpoint, the shape in current model is [${target.shape.join(', ')}]`,
        );
      }
      const entry = entries.get(key);
      if (entry) loads.set(entry[0], { ...loads.get(entry[0]), [entry[1]]: source });
      else pairs.push([target, source, key]);
    }
    noGrad(() => {
      for (const [target, source] of pairs) target.copy_(source);
      for (const [module, record] of loads) module.loadStateEntries(record);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- hooks -------------------------------------------------------------------------------

  /** Calls `hook(module, inputs, output)` after every forward; a non-undefined return replaces the output. */
  registerForwardHook(hook: ForwardHook): HookHandle {
    this.forwardHooks.add(hook);
    return { remove: () => void this.forwardHooks.delete(hook) };
  }
  /** Calls `hook(module, inputs)` before every forward; an array return replaces the inputs. */
  registerForwardPreHook(hook: ForwardPreHook): HookHandle {
    this.forwardPreHooks.add(hook);
    return { remove: () => void this.forwardPreHooks.delete(hook) };
  }
  /** The forward pre-hooks registered on this module, in the order they run (PyTorch's `_forward_pre_hooks`). */
  registeredForwardPreHooks(): ForwardPreHook[] {
    return [...this.forwardPreHooks];
  }
  /** The forward hooks registered on this module, in the order they run (PyTorch's `_forward_hooks`). */
  registeredForwardHooks(): ForwardHook[] {
    return [...this.forwardHooks];
  }
  /** Unregisters the forward hook `hook` (what its handle's `remove` does); returns whether it was registered. */
  removeForwardHook(hook: ForwardHook): boolean {
    return this.forwardHooks.delete(hook);
  }
  /** Unregisters the forward pre-hook `hook` (what its handle's `remove` does); returns whether it was registered. */
  removeForwardPreHook(hook: ForwardPreHook): boolean {
    return this.forwardPreHooks.delete(hook);
  }
  /**
   * @internal This layer as one native plan step, or null when it has none (custom modules, or
   * settings the native plan does not cover): a Sequential of steps runs its forward in C++.
   */
  nativeStep(): PlanStep | null {
    return null;
  }

  /** @internal Removes this module's forward pre-hooks and returns them (a module taking its place runs them instead). */
  takeForwardPreHooks(): ForwardPreHook[] {
    const hooks = [...this.forwardPreHooks];
    this.forwardPreHooks.clear();
    return hooks;
  }
  /** @internal Removes this module's forward hooks and returns them (a module taking its place runs them instead). */
  takeForwardHooks(): ForwardHook[] {
    const hooks = [...this.forwardHooks];
    this.forwardHooks.clear();
    return hooks;
  }

  /** Whether any hook is registered on this module (native fast paths step aside then). */
  get hasHooks(): boolean {
    return this.forwardHooks.size > 0 || this.forwardPreHooks.size > 0;
  }

  private callWithHooks(forward: (...inputs: unknown[]) => unknown, inputs: unknown[]): unknown {
    let args = inputs;
    for (const hook of this.forwardPreHooks) {
      const replaced = hook(this, args);
      if (replaced !== undefined) args = replaced;
    }
    let output = forward.apply(this, args);
    for (const hook of this.forwardHooks) {
      const replaced = hook(this, args, output);
      if (replaced !== undefined) output = replaced;
    }
    return output;
  }

  // ---- printing ----------------------------------------------------------------------------

  /** A torchinfo-like table of layers, output shapes and parameter counts for one forward of `inputs`. */
  summary(...inputs: unknown[]): string {
    return summary(this, ...inputs);
  }

  /**
   * @internal TorchScript objects this module holds besides tensors (packed quantized weights):
   * torch.jit.trace registers them as attributes of the traced module.
   */
  tracedObjects(): [string, unknown][] {
    return [];
  }

  /** Extra text inside the parentheses of this module's line, like PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /** Prints the module tree like PyTorch. */
  toString(): string {
    const children = [...this.namedChildren()].map(([name, child]) => `(${name}): ${child.toString().replace(/\n/g, '\n  ')}`);
    const name = this.constructor.name;
    if (children.length === 0) return `${name}(${this.extraRepr()})`;
    const extra = this.extraRepr();
    return `${name}(\n  ${[...(extra ? [extra] : []), ...children].join('\n  ')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** @internal Whether `fn` is the hook-running forward a Module installs on itself (not a user's replacement). */
export function isInstalledForward(fn: unknown): boolean {
  return typeof fn === 'function' && installedForwards.has(fn);
}

/** @internal Installs the hook-running forward on a module made without its constructor (a deep copy). */
export function installForward(module: Module): void {
  installForwardOn(module);
}

/** What a module line prints: settings are numbers, strings, flags or lists of numbers. */
export type ReprValue = string | number | boolean | bigint | null | undefined | readonly number[];

/** A value as Python's repr would print it in a module line (True, None, 1e-05). */
export function pyRepr(value: ReprValue): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number' && value !== 0 && Math.abs(value) < 1e-4) return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(value);
}
