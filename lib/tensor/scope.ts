/**
 * Memory scopes: `tidy(fn)` disposes every tensor made inside `fn` except those it returns. The
 * Tensor constructor records each new tensor in the innermost scope (record()).
 */

/** What the memory scopes track (a Tensor): something with `dispose()` and `isDisposed`. */
export interface Disposable {
  /** Frees it now. */
  dispose(): void;
  readonly isDisposed: boolean;
}

const scopes: Disposable[][] = [];
let innermost: Disposable[] | undefined;

/** Records a new tensor in the innermost open scope, if any. */
export function record(tensor: Disposable): void {
  innermost?.push(tensor);
}

function enter(): Disposable[] {
  const scope: Disposable[] = [];
  scopes.push(scope);
  innermost = scope;
  return scope;
}

function leave(): void {
  scopes.pop();
  innermost = scopes[scopes.length - 1];
}

/** Removes `tensor` from every open scope so that it survives them. */
export function keep<T extends Disposable>(tensor: T): T {
  for (const scope of scopes) {
    const index = scope.indexOf(tensor);
    if (index >= 0) scope.splice(index, 1);
  }
  return tensor;
}

function collect(value: unknown, found: Set<Disposable>, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (typeof (value as Disposable).dispose === 'function' && 'isDisposed' in value) {
    found.add(value as Disposable);
    return;
  }
  const items = value instanceof Map ? value.values() : Array.isArray(value) || value instanceof Set ? value : Object.values(value);
  for (const item of items) collect(item, found, seen);
}

/** Disposes each of `tensors`; one that throws does not stop the rest (the first error is rethrown after). */
function disposeAll(tensors: Iterable<Disposable>): void {
  let failure: { error: unknown } | undefined;
  for (const tensor of tensors) {
    try {
      tensor.dispose();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}

/**
 * Runs `fn` and disposes the tensors created while it ran, except those reachable from its return
 * value (arrays, objects, Maps and Sets are searched), which move to the enclosing scope.
 * `fn` must be synchronous: LibTorch work inside a Promise would outlive the scope.
 */
export function tidy<T>(fn: () => T): T {
  return tidyOwning(fn).result;
}

/**
 * @internal `tidy(fn)` that also says which of the tensors `fn` created it returned: the ones the
 * caller now owns alone (a DataLoader's fresh batches, for example), as opposed to tensors `fn`
 * passed through from elsewhere.
 */
export function tidyOwning<T>(fn: () => T): { result: T; created: Disposable[] } {
  const scope = enter();
  let result: T;
  try {
    result = fn();
  } catch (error) {
    leave();
    try {
      disposeAll(scope);
    } catch {
      // fn's error is the one to report
    }
    throw error;
  }
  leave();
  if (result instanceof Promise) {
    throw new TypeError('tidy(fn): fn must be synchronous; it returned a Promise');
  }
  const returned = new Set<Disposable>();
  collect(result, returned, new Set());
  const parent = scopes[scopes.length - 1];
  const created: Disposable[] = [];
  const dropped: Disposable[] = [];
  for (const tensor of scope) {
    if (returned.has(tensor)) {
      parent?.push(tensor);
      created.push(tensor);
    } else dropped.push(tensor);
  }
  disposeAll(dropped);
  return { result, created };
}

/** @internal Every tensor found in `value` (a tensor, or arrays/objects/Maps/Sets holding tensors). */
export function disposablesIn(value: unknown): Set<Disposable> {
  const found = new Set<Disposable>();
  collect(value, found, new Set());
  return found;
}

/** Disposes every tensor found in `value` (a tensor, or arrays/objects/Maps/Sets holding tensors). */
export function dispose(value: unknown): void {
  disposeAll(disposablesIn(value));
}
