/**
 * What a sweep leaves when it ends: the results table (printed and `results.csv`), the best
 * trial (`best.json`, `best-config.yaml`) and the parallel-coordinates plot
 * (`parallel-coordinates.svg` and `.png`). A plot that cannot be drawn is warned about; the
 * sweep's results stand without it.
 * @module
 */
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { bestTrial, writeBestTrial, type BestTrialFile } from './best-trial.js';
import { parallelCoordinatesSpec } from './parallel-coordinates.js';
import { renderChart } from '../../util/render-chart.js';
import { formatTable, resultsTable, toCsv } from './results-table.js';
import type { SweepState } from './state.js';

/** What writeReport wrote. */
export interface SweepReport {
  /** The printed table. */
  table: string;
  best: BestTrialFile | null;
  /** Every file written. */
  files: string[];
}

/** Writes the sweep's results into `sweepDir` and returns them (the caller prints `table`). */
export async function writeReport(sweepDir: string, state: SweepState): Promise<SweepReport> {
  const files: string[] = [];
  const table = resultsTable(state);
  const csv = path.join(sweepDir, 'results.csv');
  await writeFileAtomic(csv, toCsv(table));
  files.push(csv);
  const trial = bestTrial(state);
  const best = trial ? await writeBestTrial(sweepDir, state, trial) : null;
  if (best) files.push(path.join(sweepDir, 'best.json'), ...(best.config ? [best.config] : []));
  const spec = parallelCoordinatesSpec(state);
  if (spec) {
    try {
      const { svg, png } = await renderChart(spec);
      const [svgFile, pngFile] = [path.join(sweepDir, 'parallel-coordinates.svg'), path.join(sweepDir, 'parallel-coordinates.png')];
      await writeFileAtomic(svgFile, svg);
      await writeFileAtomic(pngFile, png);
      files.push(svgFile, pngFile);
    } catch (error) {
      process.emitWarning(`sweep: could not draw the parallel-coordinates plot: ${(error as Error).message}`, {
        code: 'NODETORCH_SWEEP_PLOT',
      });
    }
  }
  return { table: formatTable(table, best?.id), best, files };
}
