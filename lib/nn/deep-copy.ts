/**
 * Python's `copy.deepcopy` for modules: an independent copy of a module tree, with its own
 * parameters and buffers, that shares nothing mutable with the original.
 * @module
 */
import { noGrad } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';
import { installForward, isInstalledForward, Module } from './module.js';

/**
 * A deep copy of `value` (usually a module), as `copy.deepcopy` makes one: modules keep their class,
 * fields, training mode and hooks; every tensor is cloned (detached, the same requiresGrad; a
 * gradient is not copied, as for PyTorch's Parameter); arrays, Maps, Sets, typed arrays and plain
 * objects are copied. Something reached twice is copied once, so a tensor shared by two layers stays
 * shared in the copy. Functions and instances of other classes are shared with the original.
 */
export function deepCopy<T>(value: T): T {
  return copyValue(value, new Map()) as T;
}

function copyValue(value: unknown, memo: Map<unknown, unknown>): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (memo.has(value)) return memo.get(value);
  if (value instanceof Tensor) {
    const copy = noGrad(() => value.detach().clone());
    if (value.requiresGrad) copy.requiresGrad = true;
    memo.set(value, copy);
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    memo.set(value, copy);
    for (const item of value) copy.push(copyValue(item, memo));
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    memo.set(value, copy);
    for (const [key, item] of value) copy.set(copyValue(key, memo), copyValue(item, memo));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    memo.set(value, copy);
    for (const item of value) copy.add(copyValue(item, memo));
    return copy;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return (value as unknown as { slice(): unknown }).slice();
  const proto = Object.getPrototypeOf(value) as object | null;
  if (value instanceof Module || proto === Object.prototype || proto === null) return copyObject(value, proto, memo);
  return value;
}

// Copies own properties (keeping their attributes) onto an object of the same prototype. A module's
// own hook-running forward is bound to the original, so the copy installs its own.
function copyObject(value: object, proto: object | null, memo: Map<unknown, unknown>): object {
  const copy = Object.create(proto) as object;
  memo.set(value, copy);
  let rewrap = false;
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (key === 'forward' && value instanceof Module && isInstalledForward(descriptor.value)) {
      rewrap = true;
      continue;
    }
    if ('value' in descriptor) descriptor.value = copyValue(descriptor.value, memo);
    Object.defineProperty(copy, key, descriptor);
  }
  if (rewrap) installForward(copy as Module);
  return copy;
}
