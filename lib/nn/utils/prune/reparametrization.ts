/**
 * The module side of pruning: where a module keeps a pruned tensor for its forward (its "slots"),
 * and the forward pre-hooks that recompute `name = name_orig * name_mask` before every forward.
 * PyTorch's hook is the pruning method itself; here it is a function mapped to its method, found
 * again through `Module.registeredForwardPreHooks()` (so deep copies of a module find theirs too).
 * @module
 */
import { Tensor } from '../../../tensor/tensor.js';
import { keep } from '../../../tensor/scope.js';
import type { ForwardPreHook, Module } from '../../module.js';
import type { BasePruningMethod } from './base.js';

/**
 * A place a module reads a tensor from in its forward: an own field (`weight`), or an entry of an
 * own array field (an RNN's `flatWeights[i]`). Built-in layers read `this.weight` in forward and
 * nativeStep, so writing the masked tensor there is what PyTorch's `setattr(module, name, ...)` is.
 */
export interface Slot {
  /** The own field. */
  key: string;
  /** The entry, when the field is an array. */
  index?: number;
}

/** A pruning hook on a module and the method it runs. */
export interface PruningHook {
  /** The forward pre-hook registered on the module. */
  hook: ForwardPreHook;
  /** The method (or container) it runs. */
  method: BasePruningMethod;
}

const methods = new WeakMap<ForwardPreHook, BasePruningMethod>();

/** The slots of `module` that hold `tensor` (by identity). */
export function slotsHolding(module: Module, tensor: Tensor): Slot[] {
  const slots: Slot[] = [];
  for (const key of Object.keys(module)) {
    const value = (module as unknown as Record<string, unknown>)[key];
    if (value === tensor) slots.push({ key });
    else if (Array.isArray(value)) value.forEach((item, index) => item === tensor && slots.push({ key, index }));
  }
  return slots;
}

/** What the first slot holds now: PyTorch's `getattr(module, name)` on a pruned module (the last forward's masked tensor). */
export function readSlot(module: Module, slot: Slot): Tensor {
  const value = (module as unknown as Record<string, unknown>)[slot.key];
  const tensor = slot.index === undefined ? value : (value as unknown[])[slot.index];
  if (!(tensor instanceof Tensor)) throw new Error(`${module.constructor.name}.${slot.key} no longer holds a tensor`);
  return tensor;
}

/** Puts `tensor` in every slot (kept out of torch.tidy scopes: it is module state, as PyTorch's attribute). */
export function writeSlots(module: Module, slots: readonly Slot[], tensor: Tensor): void {
  keep(tensor);
  for (const { key, index } of slots) {
    if (index === undefined) Reflect.set(module, key, tensor);
    else (module as unknown as Record<string, unknown[]>)[key]![index] = tensor;
  }
}

/** The pruning hooks registered on `module`, in the order they run. */
export function pruningHooks(module: Module): PruningHook[] {
  const found: PruningHook[] = [];
  for (const hook of module.registeredForwardPreHooks()) {
    const method = methods.get(hook);
    if (method) found.push({ hook, method });
  }
  return found;
}

/** The pruning hook of the tensor `name` of `module`, if it is pruned. */
export function pruningHookOf(module: Module, name: string): PruningHook | undefined {
  return pruningHooks(module).find(({ method }) => method.tensorName === name);
}

/** Registers `method` as a forward pre-hook of `module` that writes its masked tensor into its slots before each forward. */
export function installPruningHook(module: Module, method: BasePruningMethod): void {
  const hook: ForwardPreHook = (target) => method.call(target);
  methods.set(hook, method);
  module.registerForwardPreHook(hook);
}
