/** Containers: Sequential, ModuleList, ModuleDict. */
import { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { isTracingModules } from '../../jit/trace-scope.js';
import { runPlan, runPlanAsync, type PlanStep } from '../sequential-plan.js';

/** Runs its modules in order, feeding each one's output to the next. */
export class Sequential extends Module {
  private readonly layers: Module[] = [];

  /** Appends each of `modules` in order, registered as children '0', '1', ... like nn.Sequential. */
  constructor(...modules: Module[]) {
    super();
    modules.forEach((module) => this.append(module));
  }

  /** Adds a module at the end; returns this. */
  append(module: Module): this {
    this.registerModule(String(this.layers.length), module);
    this.layers.push(module);
    return this;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const module = this.layers[index < 0 ? index + this.layers.length : index];
    if (!module) throw new RangeError(`Sequential: index ${index} is out of range for ${this.layers.length} modules`);
    return module;
  }

  /** How many modules it holds. */
  get length(): number {
    return this.layers.length;
  }

  protected override childReplaced(name: string, _old: Module, replacement: Module): void {
    this.layers[Number(name)] = replacement;
  }

  /** Iterates over the modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }

  /**
   * `forward` off the event loop: with built-in layers only, the whole forward runs on the libuv
   * thread pool; otherwise layer by layer on this thread (the result is the same).
   */
  async forwardAsync(input: Tensor): Promise<Tensor> {
    const plan = this.nativePlan();
    return plan ? runPlanAsync(plan, input) : this.forward(input);
  }

  /** Whether forward currently runs natively in one call (every layer built in, no hooks on them). */
  get runsNatively(): boolean {
    return this.nativePlan() !== null;
  }

  /** @internal The layers as native plan steps now (null unless every layer is built in and hook-free). */
  nativePlanSteps(): PlanStep[] | null {
    return this.hasHooks ? null : this.nativePlan();
  }

  // Made on every call from the layers as they are now (weights, settings, training mode). A nested
  // Sequential (such as a fused ConvReLU2d) contributes its own steps, unless its class has a forward of its own.
  private nativePlan(): PlanStep[] | null {
    const steps: PlanStep[] = [];
    for (const layer of this.layers) {
      if (layer.hasHooks) return null;
      const chains = layer instanceof Sequential && (Object.getPrototypeOf(layer) as Sequential).forward === Sequential.prototype.forward;
      const inner = chains ? layer.nativePlan() : [layer.nativeStep()];
      if (!inner || inner.some((step) => !step)) return null;
      steps.push(...(inner as PlanStep[]));
    }
    return steps;
  }

  /**
   * Each layer's output is the next one's input. Built-in layers only, no hooks: the whole forward
   * runs in C++ (one call); otherwise layer by layer. A tensor in gives a tensor out (the layers
   * of a Sequential map tensors to tensors); other inputs give what the last layer returns.
   */
  forward(input: Tensor): Tensor;
  forward(input: unknown): unknown;
  forward(input: unknown): unknown {
    // Under torch.jit.trace each layer runs its own forward, so its nodes carry its path.
    const plan = input instanceof Tensor && !isTracingModules() ? this.nativePlan() : null;
    if (plan) return runPlan(plan, input as Tensor);
    let output = input;
    for (const layer of this.layers) output = (layer.forward as (x: unknown) => unknown)(output);
    return output;
  }
}

/** Holds modules in a list so they are registered (their parameters are found); has no forward. */
export class ModuleList extends Module {
  private readonly items: Module[] = [];

  /** Appends each of `modules` in order, registered as children '0', '1', ... like nn.ModuleList. */
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const module of modules) this.append(module);
  }
  /** Adds a module at the end; returns this. */
  append(module: Module): this {
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
    return this;
  }
  /** Appends each of `modules`; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const module of modules) this.append(module);
    return this;
  }
  /** The module at `index` (negative counts from the end); throws when out of range. */
  at(index: number): Module {
    const module = this.items[index < 0 ? index + this.items.length : index];
    if (!module) throw new RangeError(`ModuleList: index ${index} is out of range for ${this.items.length} modules`);
    return module;
  }
  /** How many modules it holds. */
  get length(): number {
    return this.items.length;
  }
  protected override childReplaced(name: string, _old: Module, replacement: Module): void {
    this.items[Number(name)] = replacement;
  }
  /** Iterates over the modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.items[Symbol.iterator]();
  }
  forward(): never {
    throw new Error('ModuleList has no forward: iterate over it in the parent module');
  }
}

/** Holds modules by name so they are registered; has no forward. */
export class ModuleDict extends Module {
  private readonly items = new Map<string, Module>();

  /** Adds each named module from an object or [name, module] pairs, in order, like nn.ModuleDict. */
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    const entries: Iterable<[string, Module]> =
      Symbol.iterator in Object(modules) ? (modules as Iterable<[string, Module]>) : Object.entries(modules as Record<string, Module>);
    for (const [name, module] of entries) this.set(name, module);
  }
  /** Registers `module` under a new `name` (a name already taken throws); returns this. */
  set(name: string, module: Module): this {
    this.registerModule(name, module);
    this.items.set(name, module);
    return this;
  }
  protected override childReplaced(name: string, _old: Module, replacement: Module): void {
    this.items.set(name, replacement);
  }
  /** The module named `name`, or undefined. */
  get(name: string): Module | undefined {
    return this.items.get(name);
  }
  /** Whether a module is named `name`. */
  has(name: string): boolean {
    return this.items.has(name);
  }
  /** The names, in insertion order. */
  keys(): IterableIterator<string> {
    return this.items.keys();
  }
  /** The modules, in insertion order. */
  values(): IterableIterator<Module> {
    return this.items.values();
  }
  /** [name, module] pairs, in insertion order. */
  entries(): IterableIterator<[string, Module]> {
    return this.items.entries();
  }
  /** How many modules it holds. */
  get size(): number {
    return this.items.size;
  }
  forward(): never {
    throw new Error('ModuleDict has no forward: use its modules in the parent module');
  }
}
