/**
 * Module scopes while torch.jit.trace runs: every node a module's forward records is tagged with
 * the module's path in the traced tree ('features.0'), as PyTorch's tracer does, so an exporter can
 * say where an op came from. Kept apart from trace.ts so nn/module.ts can depend on it cheaply.
 */
import { native } from '../native.js';

/** Paths of the modules in the tree being traced now; null when no trace runs. */
let tracedPaths: ReadonlyMap<object, string> | null = null;

/** Whether torch.jit.trace is recording a module tree now (native fast paths step aside then). */
export function isTracingModules(): boolean {
  return tracedPaths !== null;
}

/** Runs `forward` inside the module's trace scope (or as is, for a module outside the traced tree). */
export function inTraceScope<T>(module: object, forward: () => T): T {
  const path = tracedPaths?.get(module);
  if (path === undefined || path === '') return forward();
  native.jitTracePushScope(path);
  try {
    return forward();
  } finally {
    native.jitTracePopScope();
  }
}

/** Runs `fn` with `paths` as the traced tree's module paths. */
export function withTracedPaths<T>(paths: ReadonlyMap<object, string>, fn: () => T): T {
  const previous = tracedPaths;
  tracedPaths = paths;
  try {
    return fn();
  } finally {
    tracedPaths = previous;
  }
}
