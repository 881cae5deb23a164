/**
 * renderChart: any vega-lite spec to SVG (vega, renderer 'none': no canvas, no browser) and PNG
 * (resvg), on a worker thread that imports the three libraries when first needed, so that loading
 * nodetorch never pays for them and their synchronous work stays off the event loop. The
 * Trainer's learning curves and the sweep's parallel-coordinates plot both draw through it.
 * @module
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A rendered chart. */
export interface RenderedChart {
  svg: string;
  png: Uint8Array;
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

/** The chart of the vega-lite `spec` as SVG text and PNG bytes (`scale` times the SVG's size). */
export async function renderChart(spec: Record<string, unknown>, scale = 2): Promise<RenderedChart> {
  // Resolved here, beside nodetorch, so the worker finds them whatever the current directory.
  const require = createRequire(import.meta.url);
  const urls = ['vega-lite', 'vega', '@resvg/resvg-js'].map((name) => pathToFileURL(require.resolve(name)).href);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { urls, spec, scale } });
  try {
    const reply = await new Promise<RenderedChart | { error: string }>((resolve, reject) => {
      // A stuck renderer must not hold the caller: give up after RENDER_TIMEOUT_MS.
      const timer = setTimeout(() => reject(new Error(`rendering took over ${RENDER_TIMEOUT_MS / 1000} s`)), RENDER_TIMEOUT_MS);
      timer.unref();
      worker.once('message', (message: RenderedChart | { error: string }) => (clearTimeout(timer), resolve(message)));
      worker.once('error', (error) => (clearTimeout(timer), reject(error)));
      worker.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the rendering worker exited with code ${code}`))));
    });
    if ('error' in reply) throw new Error(reply.error);
    return reply;
  } finally {
    await worker.terminate();
  }
}
