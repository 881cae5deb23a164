/**
 * The Optimizer base: PyTorch's API (paramGroups, step, zeroGrad, addParamGroup, stateDict,
 * loadStateDict) over one of LibTorch's native optimizers, which does each step in C++.
 */
import { native, type NativeOptimizer } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { camelCase as camel, snakeCase as snake } from '../util/names.js';
import { describeValue } from '../util/validate.js';

/** Kinds of native optimizer. */
export type OptimizerKind = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';

/** Option values of a group: numbers, booleans, or betas as a pair. */
export type OptionValue = number | boolean | [number, number];

/** A parameter group as given to an optimizer: its tensors and any options that differ from the defaults. */
export interface ParamGroupInput {
  params: Iterable<Tensor>;
  [option: string]: unknown;
}

/** One option's description: its default, whether it is boolean, and its check. */
export interface OptionSpec {
  default: OptionValue;
  /** Returns what is wrong with a value (e.g. 'must be >= 0'), or null when it is valid. */
  check?: (value: OptionValue) => string | null;
}

/** Flattens betas to the native beta1/beta2. */
function toNative(options: Record<string, OptionValue>): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [name, value] of Object.entries(options)) {
    if (Array.isArray(value)) [out.beta1, out.beta2] = value;
    else out[snake(name)] = value;
  }
  return out;
}

/**
 * A parameter group: `params`, and each option as a property (`group.lr = 0.01` changes the native
 * optimizer at once, which is how LR schedulers work).
 */
export class ParamGroup {
  readonly params: Tensor[];
  /** Every optimizer has a learning rate. */
  declare lr: number;
  /** SGD and RMSprop. */
  declare momentum?: number;
  /** Adam and AdamW. */
  declare betas?: [number, number];
  [option: string]: unknown;

  /**
   * Made by an optimizer for its group `index`: each option becomes a property that `owner` validates and
   * forwards to the native optimizer.
   */
  constructor(params: Tensor[], options: Record<string, OptionValue>, owner: Optimizer, index: number) {
    this.params = params;
    for (const [name, initial] of Object.entries(options)) {
      let value = initial;
      Object.defineProperty(this, name, {
        enumerable: true,
        get: () => value,
        set: (next: OptionValue) => {
          owner.validate(name, next);
          value = next;
          owner.pushOption(index, name, next);
        },
      });
    }
  }
}

/** The PyTorch-format state dict of an optimizer. */
export interface OptimizerStateDict {
  /**
   * Per-parameter state by parameter index. A Map, so that torch.save writes integer keys as
   * PyTorch does (Python's optimizer.load_state_dict reads the file); loading also accepts an
   * object with string keys, as torch.load returns it.
   */
  state: Map<number, Record<string, Tensor | number>> | Record<string, Record<string, Tensor | number>>;
  param_groups: Record<string, unknown>[];
}

/** Base of the native optimizers; subclasses name their kind and option specs. */
export abstract class Optimizer {
  readonly paramGroups: ParamGroup[] = [];
  /** The options every group starts from. */
  readonly defaults: Record<string, OptionValue>;
  private readonly native: NativeOptimizer;
  private disposed = false;

  /** Resolves each group's options against `specs` (defaults and checks) and builds the native optimizer of `kind`. */
  protected constructor(
    readonly kind: OptimizerKind,
    private readonly specs: Record<string, OptionSpec>,
    params: Iterable<Tensor> | Iterable<ParamGroupInput>,
    options: Record<string, unknown>,
  ) {
    this.defaults = this.resolve(options, {});
    const groups = this.groupsOf(params);
    const resolved = groups.map((group) => ({ params: this.paramsOf(group.params), options: this.resolve(group, this.defaults) }));
    const seen = new Set<Tensor>();
    for (const group of resolved) {
      if (group.params.some((p) => seen.has(p)))
        throw new Error(`${this.constructor.name}: some parameters appear in more than one parameter group`);
      group.params.forEach((p) => seen.add(p));
    }
    this.native = new native.NativeOptimizer(
      kind,
      resolved.map((g) => ({ params: g.params, options: toNative(g.options) })),
    );
    resolved.forEach((g, i) => this.paramGroups.push(new ParamGroup(g.params, g.options, this, i)));
  }

  /**
   * Frees the native optimizer and its state (Adam's is twice the parameters) now rather than when
   * the collector finds this object; using the optimizer afterwards throws. `using` calls it too.
   */
  dispose(): void {
    this.native.dispose();
    this.disposed = true;
  }
  /** `dispose()`, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Whether `dispose()` has been called. */
  get isDisposed(): boolean {
    return this.disposed;
  }
  /** Bytes of native state (momentum and moment buffers), as told to the garbage collector. */
  get stateBytes(): number {
    return this.native.stateBytes();
  }

  /** Applies one update to every parameter from its `.grad` (parameters without one are skipped). */
  step(): void {
    this.native.step();
  }

  /** @internal The native optimizer, which the native epoch loop borrows while it runs. */
  get nativeOptimizer(): NativeOptimizer {
    return this.native;
  }

  /** Clears the gradients: to null by default (PyTorch 2's default), or to zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    this.native.zeroGrad(options.setToNone ?? true);
  }

  /** Adds a group of parameters with its own options. */
  addParamGroup(group: ParamGroupInput): void {
    const params = this.paramsOf(group.params);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p)))
      throw new Error(`${this.constructor.name}: some parameters appear in more than one parameter group`);
    const options = this.resolve(group, this.defaults);
    this.native.addParamGroup({ params, options: toNative(options) });
    this.paramGroups.push(new ParamGroup(params, options, this, this.paramGroups.length));
  }

  /**
   * PyTorch's state dict: `state` by parameter index (counted across groups) holding the step count
   * and buffers (`exp_avg`, `momentum_buffer`, ...), and `param_groups` with snake_case options.
   */
  stateDict(): OptimizerStateDict {
    const state = new Map<number, Record<string, Tensor | number>>();
    const paramGroups: Record<string, unknown>[] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      const ids: number[] = [];
      for (const param of group.params) {
        const entry = this.native.paramState(param);
        if (entry) state.set(index, { ...(entry.step !== undefined ? { step: entry.step } : {}), ...entry.buffers });
        ids.push(index++);
      }
      const options = Object.fromEntries(Object.keys(this.specs).map((name) => [snake(name), group[name]]));
      paramGroups.push({ ...options, params: ids });
    }
    return { state, param_groups: paramGroups };
  }

  /** Restores a state dict made by `stateDict()` (or loaded from a file); checks that the groups match. */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const groups = stateDict.param_groups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new Error(
        `${this.constructor.name}.loadStateDict: the state dict has ${groups?.length ?? 0} parameter groups, the optimizer ${this.paramGroups.length}`,
      );
    }
    groups.forEach((saved, g) => {
      const group = this.paramGroups[g]!;
      const ids = saved.params as number[];
      if (ids.length !== group.params.length) {
        throw new Error(
          `${this.constructor.name}.loadStateDict: parameter group ${g} has ${ids.length} parameters in the state dict, ${group.params.length} here`,
        );
      }
      for (const name of Object.keys(this.specs)) {
        if (snake(name) in saved) group[name] = saved[snake(name)];
      }
      ids.forEach((id, i) => {
        const entry = stateDict.state instanceof Map ? stateDict.state.get(id) : stateDict.state[String(id)];
        if (!entry) return;
        const { step, ...buffers } = entry;
        this.native.setParamState(group.params[i]!, {
          step: step === undefined ? undefined : typeof step === 'number' ? step : step.item(),
          buffers: buffers,
        });
      });
    });
  }

  /** @internal Checks one option value against its spec. */
  validate(name: string, value: OptionValue): void {
    const spec = this.specs[name];
    if (!spec) throw new TypeError(`${this.constructor.name}: unknown option '${name}' (options: ${Object.keys(this.specs).join(', ')})`);
    const expected = Array.isArray(spec.default) ? 'pair' : typeof spec.default;
    const actual = Array.isArray(value) ? 'pair' : typeof value;
    if (expected !== actual || (actual === 'number' && !Number.isFinite(value))) {
      throw new TypeError(
        `${this.constructor.name}: ${name} must be ${expected === 'pair' ? 'a pair of numbers' : `a finite ${expected}`}, got ${describeValue(value)}`,
      );
    }
    const problem = spec.check?.(value);
    if (problem) throw new RangeError(`${this.constructor.name}: ${name} ${problem}, got ${describeValue(value)}`);
  }

  /** @internal Sends one option change to the native optimizer. */
  pushOption(group: number, name: string, value: OptionValue): void {
    if (Array.isArray(value)) {
      this.native.setGroupOption(group, 'beta1', value[0]);
      this.native.setGroupOption(group, 'beta2', value[1]);
    } else {
      this.native.setGroupOption(group, snake(name), value);
    }
  }

  private resolve(given: Record<string, unknown>, base: Record<string, OptionValue>): Record<string, OptionValue> {
    const out: Record<string, OptionValue> = {};
    for (const [name, spec] of Object.entries(this.specs)) out[name] = base[name] ?? spec.default;
    for (const [key, value] of Object.entries(given)) {
      if (key === 'params' || value === undefined) continue;
      const name = camel(key);
      this.validate(name, value as OptionValue);
      out[name] = Array.isArray(value) ? ([value[0], value[1]] as [number, number]) : (value as OptionValue);
    }
    return out;
  }

  private groupsOf(params: Iterable<Tensor> | Iterable<ParamGroupInput>): ParamGroupInput[] {
    const items = [...params] as unknown[];
    if (items.length === 0) throw new Error(`${this.constructor.name}: got an empty parameter list`);
    const isGroup = (item: unknown) => item !== null && typeof item === 'object' && 'params' in item && !('dispose' in item);
    if (items.every(isGroup)) return items as ParamGroupInput[];
    if (items.some(isGroup)) throw new TypeError(`${this.constructor.name}: give either tensors or parameter groups, not both`);
    return [{ params: items as Tensor[] }];
  }

  // The group's tensors, each once: PyTorch warns about duplicates (and would apply their update twice).
  private paramsOf(params: Iterable<Tensor>): Tensor[] {
    const list = [...params];
    list.forEach((p, i) => {
      if (!p || typeof p !== 'object' || !('requiresGrad' in p))
        throw new TypeError(`${this.constructor.name}: params[${i}] is not a Tensor`);
      if (!p.isLeaf) throw new Error(`${this.constructor.name}: can't optimize a non-leaf Tensor (params[${i}])`);
    });
    const unique = [...new Set(list)];
    if (unique.length !== list.length) {
      process.emitWarning(
        `${this.constructor.name}: a parameter group holds ${list.length - unique.length} duplicate parameter(s); each is optimized once`,
        'UserWarning',
      );
    }
    return unique;
  }
}
