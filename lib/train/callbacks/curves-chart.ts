/**
 * The learning-curves chart: epoch rows -> a vega-lite spec (one panel per metric family, x =
 * epoch), rendered to SVG by vega (renderer 'none': no canvas, no browser) and to PNG by resvg.
 * The rendering runs on a worker thread that imports the three libraries there, when first
 * needed: loading nodetorch (ESM or CommonJS) never pays for them, and their ~200 ms of
 * synchronous work stays off the event loop (fit keeps timers within 50 ms to its very end).
 * @module
 */
import { renderChart, type RenderedChart } from '../../util/render-chart.js';

/** One point of a curve. */
export interface CurvePoint {
  /** The epoch (x). */
  epoch: number;
  /** The logged key, e.g. 'val/loss' (the line). */
  series: string;
  /** What the key measures, e.g. 'loss' (the panel). */
  family: string;
  /** The value (y). */
  value: number;
}

// 'train/loss_epoch', 'val/loss', 'val_loss' -> 'loss': the stage prefix and the epoch suffix go.
const STAGE = /^(train|val|valid|validation|test)[/_]/;
/** The metric family of a logged key: train and validation values of one metric share a panel. */
export function familyOf(key: string): string {
  return key.replace(STAGE, '').replace(/_epoch$/, '') || key;
}

/**
 * The points of `rows` (one per epoch, as `epochRow` gives them), finite values only. A plain key
 * that repeats an `_epoch` one ('train/loss' beside 'train/loss_epoch') is left out: one line each.
 */
export function curvePoints(rows: readonly Record<string, number>[]): CurvePoint[] {
  return rows.flatMap((row) =>
    Object.entries(row)
      .filter(([key, value]) => key !== 'epoch' && Number.isFinite(value) && !(`${key}_epoch` in row))
      .map(([series, value]) => ({ epoch: row.epoch ?? 0, series, family: familyOf(series), value })),
  );
}

/** The vega-lite spec: a panel per family (losses first), a line per series, x = epoch. */
export function curvesSpec(points: readonly CurvePoint[], title = 'Learning curves'): Record<string, unknown> {
  const families = [...new Set(points.map((p) => p.family))].sort(
    (a, b) => Number(b === 'loss') - Number(a === 'loss') || a.localeCompare(b),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: points },
    facet: { field: 'family', type: 'nominal', title: null, sort: families },
    columns: Math.min(families.length, 2),
    spec: {
      width: 320,
      height: 200,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'value', type: 'quantitative', scale: { zero: false }, title: null },
        color: { field: 'series', type: 'nominal', title: 'metric' },
      },
    },
    resolve: { scale: { y: 'independent' } },
    config: { background: 'white', font: 'sans-serif' },
  };
}

/** The chart of `points` as SVG text and PNG bytes (`scale` times the SVG's size), drawn on a worker thread. */
export async function renderCurves(points: readonly CurvePoint[], scale = 2): Promise<RenderedChart> {
  return renderChart(curvesSpec(points), scale);
}
