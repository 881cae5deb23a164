/**
 * The learning-curves chart: epoch rows -> a vega-lite spec (one panel per metric family, x =
 * epoch), rendered to SVG by vega (renderer 'none': no canvas, no browser) and to PNG by resvg.
 * The rendering runs on a worker thread that imports the three libraries there, when first
 * needed: loading nodetorch (ESM or CommonJS) never pays for them, and their ~200 ms of
 * synchronous work stays off the event loop (fit keeps timers within 50 ms to its very end).
 * @module
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

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

// The worker: plain JavaScript (no TypeScript loader needed), given the libraries' file URLs.
// resvg-js is CommonJS: its class is a named export or on the default one, depending on the loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const [vegaLite, vega, resvg] = await Promise.all(workerData.urls.map((url) => import(url)));
  const view = new vega.View(vega.parse(vegaLite.compile(workerData.spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const Resvg = resvg.Resvg ?? resvg.default.Resvg;
  const png = new Uint8Array(new Resvg(svg, { fitTo: { mode: 'zoom', value: workerData.scale } }).render().asPng());
  parentPort.postMessage({ svg, png }, [png.buffer]);
})().catch((error) => parentPort.postMessage({ error: String((error && error.message) || error) }));
`;

const RENDER_TIMEOUT_MS = 60_000;

/** The chart of `points` as SVG text and PNG bytes (`scale` times the SVG's size), drawn on a worker thread. */
export async function renderCurves(points: readonly CurvePoint[], scale = 2): Promise<{ svg: string; png: Uint8Array }> {
  // Resolved here, beside nodetorch, so the worker finds them whatever the current directory.
  const require = createRequire(import.meta.url);
  const urls = ['vega-lite', 'vega', '@resvg/resvg-js'].map((name) => pathToFileURL(require.resolve(name)).href);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { urls, spec: curvesSpec(points), scale } });
  try {
    const reply = await new Promise<{ svg: string; png: Uint8Array } | { error: string }>((resolve, reject) => {
      // A stuck renderer must not hold the fit: give up after RENDER_TIMEOUT_MS.
      const timer = setTimeout(() => reject(new Error(`rendering took over ${RENDER_TIMEOUT_MS / 1000} s`)), RENDER_TIMEOUT_MS);
      timer.unref();
      worker.once('message', (message: { svg: string; png: Uint8Array } | { error: string }) => (clearTimeout(timer), resolve(message)));
      worker.once('error', (error) => (clearTimeout(timer), reject(error)));
      worker.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the rendering worker exited with code ${code}`))));
    });
    if ('error' in reply) throw new Error(reply.error);
    return reply;
  } finally {
    await worker.terminate();
  }
}
