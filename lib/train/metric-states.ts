/**
 * The states of the torch.metrics objects a module holds, for checkpoints. torchmetrics metrics are
 * child modules, so their states travel in the state dict; ours are plain objects, found as the
 * module's own properties (or one level inside a plain object or array of them, like
 * `this.metrics = { acc }`) and saved by that property path, so a resumed epoch goes on from where
 * each metric was.
 * @module
 */
import { Metric, type MetricState } from '../metrics/metric.js';

/** Every metric `module` holds, by property path ('trainAccuracy', 'metrics.acc', 'metrics.0'). */
export function metricsOf(module: object): Map<string, Metric> {
  const found = new Map<string, Metric>();
  for (const [key, value] of Object.entries(module)) {
    if (value instanceof Metric) found.set(key, value);
    else if (Array.isArray(value) || (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)) {
      for (const [inner, item] of Object.entries(value as Record<string, unknown>))
        if (item instanceof Metric) found.set(`${key}.${inner}`, item);
    }
  }
  return found;
}

/** The states of `module`'s metrics, by path. */
export function metricStates(module: object): Record<string, MetricState> {
  return Object.fromEntries([...metricsOf(module)].map(([path, metric]) => [path, metric.stateDict()]));
}

/** Restores saved metric states into `module`'s metrics at the same paths (paths it lacks are ignored). */
export function restoreMetricStates(module: object, saved: Record<string, MetricState> | undefined): void {
  if (!saved) return;
  const metrics = metricsOf(module);
  for (const [path, state] of Object.entries(saved)) metrics.get(path)?.loadStateDict(state);
}
