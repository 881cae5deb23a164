/**
 * The parallel-coordinates plot of a sweep: a vertical axis per parameter and one for the
 * metric, a line per trial through its values, colored by the metric (dashed for stopped
 * trials). Each axis is scaled to [0, 1] here rather than in vega-lite, so numeric axes (log
 * scaled for log distributions) and categorical ones (a tick per value) mix, labelled by text.
 * @module
 */
import { leavesOf, type Distribution } from '../../sweep/index.js';
import { canonical } from '../../sweep/canonical.js';
import { getPath } from '../../sweep/space.js';
import type { SweepState, TrialRecord } from './state.js';

/** One axis: its name, the trials' values on it, how they are laid out. */
interface Axis {
  name: string;
  values: unknown[];
  distribution?: Distribution;
}

/** Where a trial crosses an axis (y in [0, 1]) and an axis label. */
interface Placed {
  y: number[];
  labels: { y: number; text: string }[];
}

const label = (value: unknown): string =>
  typeof value === 'number' ? String(Number(value.toPrecision(4))) : typeof value === 'string' ? value : JSON.stringify(value);

function place(axis: Axis): Placed {
  const numeric = axis.values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (numeric) {
    const numbers = axis.values as number[];
    const log = /log/.test(axis.distribution?.distribution ?? '') && numbers.every((v) => v > 0);
    const t = (v: number) => (log ? Math.log(v) : v);
    const [lo, hi] = [Math.min(...numbers), Math.max(...numbers)];
    const y = (v: number) => (hi === lo ? 0.5 : (t(v) - t(lo)) / (t(hi) - t(lo)));
    const ends = hi === lo ? [lo] : [lo, hi];
    return { y: numbers.map(y), labels: ends.map((v) => ({ y: y(v), text: label(v) })) };
  }
  // Categories in the order the sweep file lists them, else in order of appearance.
  const listed = axis.distribution?.distribution === 'categorical' ? axis.distribution.values : [];
  const keys = [...new Set([...listed, ...axis.values].map(canonical))].filter((key) => axis.values.some((v) => canonical(v) === key));
  const y = (key: string) => (keys.length === 1 ? 0.5 : keys.indexOf(key) / (keys.length - 1));
  const first = (key: string) => axis.values.find((v) => canonical(v) === key);
  return { y: axis.values.map((v) => y(canonical(v))), labels: keys.map((key) => ({ y: y(key), text: label(first(key)) })) };
}

/** The trials the plot shows: with a metric, those with a value; without, every one that did not fail. */
export function plottedTrials(state: SweepState): TrialRecord[] {
  return state.config.metric
    ? state.trials.filter((trial) => typeof trial.value === 'number' && Number.isFinite(trial.value))
    : state.trials.filter((trial) => trial.state !== 'failed');
}

/** The vega-lite spec of the plot, or null when no trial has anything to draw. */
export function parallelCoordinatesSpec(state: SweepState): Record<string, unknown> | null {
  const trials = plottedTrials(state);
  if (trials.length === 0) return null;
  const metric = state.config.metric;
  const axes: Axis[] = leavesOf(state.config.parameters).map((leaf) => ({
    name: leaf.key,
    values: trials.map((trial) => getPath(trial.params, leaf.path) ?? null),
    distribution: leaf.distribution,
  }));
  if (metric) axes.push({ name: metric.name, values: trials.map((trial) => trial.value) });
  const placed = axes.map(place);
  const names = axes.map((axis) => axis.name);
  const lines = trials.flatMap((trial, t) =>
    axes.map((axis, a) => ({ trial: trial.id, axis: axis.name, position: a, y: placed[a]!.y[t]!, value: trial.value, state: trial.state })),
  );
  const labels = axes.flatMap((axis, a) => placed[a]!.labels.map((l) => ({ axis: axis.name, ...l })));
  const x = { field: 'axis', type: 'nominal', sort: names, axis: { title: null, labelAngle: 0, domain: false, ticks: false } };
  // A little room above and below, so the end labels clear the frame.
  const y = { field: 'y', type: 'quantitative', scale: { domain: [-0.04, 1.04] }, axis: null };
  const color = metric
    ? { field: 'value', type: 'quantitative', title: metric.name, scale: { scheme: 'viridis', reverse: metric.goal === 'minimize' } }
    : { field: 'state', type: 'nominal' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${state.config.name ?? 'Sweep'}: ${trials.length} trials${metric ? `, ${metric.name} (${metric.goal})` : ''}`,
    width: Math.max(320, 130 * axes.length),
    height: 280,
    layer: [
      { data: { values: names.map((axis) => ({ axis })) }, mark: { type: 'rule', color: '#999' }, encoding: { x } },
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 2, opacity: 0.85 },
        encoding: {
          x,
          y,
          detail: { field: 'trial', type: 'nominal' },
          order: { field: 'position', type: 'quantitative' },
          color,
          strokeDash: { field: 'state', type: 'nominal', title: 'state' },
        },
      },
      {
        data: { values: labels },
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 10, color: '#333' },
        encoding: { x, y, text: { field: 'text', type: 'nominal' } },
      },
    ],
    config: { background: 'white', font: 'sans-serif', view: { stroke: null } },
  };
}
