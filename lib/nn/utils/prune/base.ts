/**
 * The pruning-method protocol of torch.nn.utils.prune: BasePruningMethod (a mask from a tensor,
 * applied to a module by reparametrizing the tensor as `name_orig * name_mask`), and
 * PruningContainer, which composes the methods applied to one tensor in turn.
 *
 * As in PyTorch, pruning `module.weight` moves the parameter to `weight_orig`, adds the buffer
 * `weight_mask`, sets `module.weight = weight_orig * weight_mask` (a plain tensor, not a parameter)
 * and registers a forward pre-hook that recomputes it before every forward, so training goes
 * through the mask. Unlike PyTorch, the mask is computed before anything changes: a call that
 * fails (a bad amount, a missing parameter, a dim out of range) leaves the module as it was.
 * @module
 */
import { noGrad } from '../../../tensor/autograd.js';
import { onesLike } from '../../../tensor/creation.js';
import { aten } from '../../../ops/surface.js';
import { Tensor } from '../../../tensor/tensor.js';
import { Module } from '../../module.js';
import { describeValue } from '../../../util/validate.js';
import { installPruningHook, pruningHookOf, readSlot, slotsHolding, writeSlots, type PruningHook, type Slot } from './reparametrization.js';
import { checkDim, normalizeDim } from './checks.js';

/**
 * PyTorch's PRUNING_TYPE: which entries a method prunes when it is composed with earlier ones
 * (unstructured: the entries still unpruned; structured: the channels along `dim` not pruned
 * entirely yet; global: the whole tensor).
 */
export type PruningType = 'unstructured' | 'structured' | 'global';

/** Options every `apply` takes besides the method's own. */
export interface ImportanceScoresOption {
  /** Scores to rank entries by instead of the tensor's own values (the tensor's shape). */
  importanceScores?: Tensor | null;
}

/** A pruning-method class, as `globalUnstructured`'s `pruningMethod` takes it: constructed from an options object. */
export type PruningMethodClass<O> = new (options: O) => BasePruningMethod;

/**
 * Base class of pruning methods. A subclass sets `pruningType` and implements `computeMask`; the
 * static `apply(module, name, options)` prunes a module's tensor with a new instance made from
 * `options`, composing with pruning already applied to that tensor.
 */
export abstract class BasePruningMethod {
  /** How this method composes with earlier pruning of the same tensor (PyTorch's PRUNING_TYPE). */
  abstract readonly pruningType: PruningType;
  /** The tensor it prunes (PyTorch's `_tensor_name`); set by `apply`. */
  tensorName: string | null = null;
  /** @internal Where the module keeps the tensor for its forward (set by `apply`). */
  slots: readonly Slot[] = [];

  /**
   * The new mask for `t` (same shape), given `defaultMask`, the mask from earlier pruning (ones the
   * first time): 0 where an entry is pruned, 1 where it is kept.
   */
  abstract computeMask(t: Tensor, defaultMask: Tensor): Tensor;

  /** `module[name + '_orig'] * module[name + '_mask']`: the pruned tensor the module computes with. */
  applyMask(module: Module): Tensor {
    const name = this.prunedName('applyMask', module);
    const orig = ownTensor(module, `${name}_orig`, 'parameter');
    const mask = ownTensor(module, `${name}_mask`, 'buffer');
    return mask.to({ dtype: orig.dtype }).mul(orig);
  }

  /** What the forward pre-hook does before each forward (PyTorch's `__call__`): puts `applyMask(module)` where the module reads the tensor. */
  call(module: Module): void {
    writeSlots(module, this.slots, this.applyMask(module));
  }

  /**
   * `t` pruned without a module: `t * computeMask(importanceScores ?? t, defaultMask ?? ones)`.
   */
  prune(t: Tensor, options: { defaultMask?: Tensor | null } & ImportanceScoresOption = {}): Tensor {
    const scores = options.importanceScores ?? t;
    if (scores.shape.join() !== t.shape.join())
      throw new Error(
        `${this.constructor.name}.prune: importanceScores should have the same shape as the tensor ([${scores.shape.join(', ')}] vs [${t.shape.join(', ')}])`,
      );
    const mask = noGrad(() => this.computeMask(scores, options.defaultMask ?? onesLike(t)));
    return t.mul(mask);
  }

  /**
   * Makes the pruning of `module` permanent (the hook is `remove`'s to unregister): the parameter
   * `name` is registered again, the same tensor object as `name_orig` (so optimizers keep it),
   * now holding the masked values; `name_orig` and `name_mask` are gone.
   */
  remove(module: Module): void {
    const name = this.prunedName('remove', module);
    const weight = noGrad(() => this.applyMask(module));
    const orig = ownTensor(module, `${name}_orig`, 'parameter');
    const requiresGrad = orig.requiresGrad;
    noGrad(() => aten.set_data.default(orig, weight));
    module.deleteParameter(`${name}_orig`);
    module.deleteBuffer(`${name}_mask`);
    module.registerParameter(name, orig);
    orig.requiresGrad = requiresGrad;
    writeSlots(module, this.slots, orig);
  }

  /**
   * Prunes the tensor `name` of `module` with `new this(options)` and returns the method now
   * hooked on it: that one, or a PruningContainer of it and the methods applied before. The
   * module is reparametrized the first time (see the module docs); a failing call changes nothing.
   */
  static apply<O>(
    this: PruningMethodClass<O>,
    module: Module,
    name: string,
    options: O & ImportanceScoresOption = {} as O & ImportanceScoresOption,
  ): BasePruningMethod {
    const { importanceScores, ...methodOptions } = options;
    const label = `prune.${this.name}`;
    const target = pruningTarget(module, name, label);
    let composite: BasePruningMethod | undefined;
    try {
      const method = new this(methodOptions as O);
      method.tensorName = name;
      composite = target.hook ? compose(target.hook.method, method) : method;
      const scores = importanceScores ?? target.tensor;
      if (!(scores instanceof Tensor) || scores.shape.join() !== target.tensor.shape.join())
        throw new Error(
          `${label}: importanceScores should be a tensor of the shape of the parameter ([${target.tensor.shape.join(', ')}])`,
        );
      const defaultMask = target.hook
        ? aten.clone.default(ownTensor(module, `${name}_mask`, 'buffer').detach(), { memoryFormat: 'contiguous_format' })
        : onesLike(target.tensor);
      const mask = noGrad(() => composite!.computeMask(scores, defaultMask).detach());
      reparametrize(module, name, target, composite, mask);
      return composite;
    } catch (error) {
      if (target.hook && composite === target.hook.method) (composite as PruningContainer).methods.pop();
      throw withTarget(error, module, name);
    }
  }

  private prunedName(what: string, module: Module): string {
    if (this.tensorName === null)
      throw new Error(`${this.constructor.name}.${what}: the method has not been applied to ${describe(module)} (use apply)`);
    return this.tensorName;
  }
}

/**
 * The pruning methods applied to one tensor, in order. Its mask is the last method's mask computed
 * on the part of the tensor the earlier ones left (PyTorch's `_combine_masks`): the unpruned
 * entries for an unstructured method, the channels along `dim` not pruned entirely for a
 * structured one, the whole tensor for a global one.
 */
export class PruningContainer extends BasePruningMethod {
  /** The methods, in the order they were applied. */
  readonly methods: BasePruningMethod[] = [];

  /** A container of `methods` (the tensor name is the first one's). */
  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length > 0) this.tensorName = methods[0]!.tensorName;
    for (const method of methods) this.addPruningMethod(method);
  }

  /** The last method's pruning type. */
  get pruningType(): PruningType {
    const last = this.methods[this.methods.length - 1];
    if (!last) throw new Error('PruningContainer: no pruning method added yet');
    return last.pruningType;
  }

  /** Adds `method` (which must prune the same tensor) at the end. */
  addPruningMethod(method: BasePruningMethod): void {
    if (!(method instanceof BasePruningMethod))
      throw new TypeError(`PruningContainer: ${describeValue(method)} is not a BasePruningMethod`);
    if (method.tensorName !== this.tensorName)
      throw new Error(
        `PruningContainer: can only add pruning methods acting on the parameter named '${this.tensorName}'; found '${method.tensorName}'`,
      );
    this.methods.push(method);
  }

  /** How many methods it holds. */
  get length(): number {
    return this.methods.length;
  }

  /** Iterates over the methods in order. */
  [Symbol.iterator](): Iterator<BasePruningMethod> {
    return this.methods[Symbol.iterator]();
  }

  /** The last method's mask on what the earlier ones left of `t`, merged into `defaultMask`. */
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const method = this.methods[this.methods.length - 1];
    if (!method) throw new Error('PruningContainer.computeMask: no pruning method added yet');
    const mask = defaultMask;
    const newMask = mask.to({ dtype: t.dtype });
    switch (method.pruningType) {
      case 'unstructured': {
        const kept = mask.eq(1);
        const partial = method.computeMask(t.maskedSelect(kept), mask.maskedSelect(kept));
        return newMask.maskedScatter_(kept, partial.to({ dtype: newMask.dtype }));
      }
      case 'structured': {
        const methodDim = (method as BasePruningMethod & { dim?: number }).dim;
        if (typeof methodDim !== 'number')
          throw new Error(`PruningContainer: ${method.constructor.name} is structured but has no dim (structured methods need one)`);
        const dim = normalizeDim(checkDim(t, methodDim, `prune.${method.constructor.name}`), t.dim());
        const others = [...Array(t.dim()).keys()].filter((d) => d !== dim);
        const channels = mask.sum(others).ne(0).nonzero().flatten();
        const partial = method.computeMask(t.indexSelect(dim, channels), mask.indexSelect(dim, channels));
        return newMask.indexCopy_(dim, channels, partial.to({ dtype: newMask.dtype }));
      }
      case 'global':
        return newMask.copy_(method.computeMask(t, mask));
    }
  }
}

/** The tensor to prune and what is hooked on it already. */
interface Target {
  hook: PruningHook | undefined;
  /** PyTorch's `getattr(module, name)`: the parameter, or the masked tensor of an earlier pruning. */
  tensor: Tensor;
  slots: readonly Slot[];
}

/**
 * Checks that `module` has a tensor `name` to prune and finds it; throws, changing nothing,
 * when it has none (naming what it has) or keeps it nowhere its forward would see a masked one.
 */
export function pruningTarget(module: Module, name: string, label: string): Target {
  if (!(module instanceof Module)) throw new TypeError(`${label}: expected a torch.nn.Module, got ${describeValue(module)}`);
  if (typeof name !== 'string' || name === '')
    throw new TypeError(`${label}: the parameter name must be a non-empty string, got ${describeValue(name)}`);
  const hook = pruningHookOf(module, name);
  if (hook) return { hook, tensor: readSlot(module, hook.method.slots[0]!), slots: hook.method.slots };
  const params = new Map(module.namedParameters({ recurse: false }));
  const param = params.get(name);
  if (!param) {
    const buffers = new Map(module.namedBuffers({ recurse: false }));
    const has = (what: string, names: Iterable<string>) => `(its ${what}: ${[...names].join(', ') || 'none'})`;
    if (buffers.has(name))
      throw new Error(`${label}: '${name}' is a buffer of ${describe(module)}, not a parameter; only parameters can be pruned`);
    const missing =
      name in module && (module as unknown as Record<string, unknown>)[name] === null
        ? ' (it is null: the layer was built without it)'
        : '';
    throw new Error(`${label}: ${describe(module)} has no parameter named '${name}'${missing} ${has('parameters', params.keys())}`);
  }
  const slots = slotsHolding(module, param);
  if (slots.length === 0)
    throw new Error(
      `${label}: ${describe(module)} keeps its parameter '${name}' in no field (or array field) of its own, so its forward would not see the masked tensor`,
    );
  return { hook: undefined, tensor: param, slots };
}

// The method to hook on the tensor: `method` alone, or with the earlier ones in a container (PyTorch's _get_composite_method).
function compose(previous: BasePruningMethod, method: BasePruningMethod): BasePruningMethod {
  const container = previous instanceof PruningContainer ? previous : new PruningContainer(previous);
  container.addPruningMethod(method);
  container.slots = previous.slots;
  return container;
}

// Registers the mask (and, the first time, moves the parameter to name_orig), points the slots at
// the masked tensor and hooks the method. Nothing here can fail once the first step succeeded.
function reparametrize(module: Module, name: string, target: Target, method: BasePruningMethod, mask: Tensor): void {
  if (target.hook) {
    module.replaceBuffer(`${name}_mask`, mask);
    module.removeForwardPreHook(target.hook.hook);
  } else {
    const orig = target.tensor;
    const requiresGrad = orig.requiresGrad;
    module.registerParameter(`${name}_orig`, orig);
    orig.requiresGrad = requiresGrad;
    try {
      module.registerBuffer(`${name}_mask`, mask);
    } catch (error) {
      module.deleteParameter(`${name}_orig`);
      throw error;
    }
    module.deleteParameter(name);
  }
  method.slots = target.slots;
  writeSlots(module, method.slots, method.applyMask(module));
  installPruningHook(module, method);
}

// Adds which tensor was being pruned to an error's message (the module is left as it was).
function withTarget(error: unknown, module: Module, name: string): unknown {
  if (!(error instanceof Error)) return error;
  const original = error.message;
  error.message = `${original} (pruning ${describe(module)}'s '${name}'; the module is unchanged)`;
  if (error.stack) error.stack = error.stack.replace(original, error.message);
  return error;
}

function ownTensor(module: Module, name: string, kind: 'parameter' | 'buffer'): Tensor {
  const members = kind === 'parameter' ? module.namedParameters({ recurse: false }) : module.namedBuffers({ recurse: false });
  for (const [key, tensor] of members) if (key === name) return tensor;
  throw new Error(`${describe(module)} has no ${kind} '${name}' (was its pruning removed?)`);
}

/** A module as error messages name it: its class. */
export function describe(module: Module): string {
  return module.constructor.name;
}
