/**
 * `nodetorch drift reference=FILE current=FILE [output=DIR] [columns=[a,b]] [categorical=[c]]
 * [drift_share=0.5] [model=NAME] [limit=1000]`: compares a current dataset with a reference one
 * (CSV, TSV, JSON or JSON Lines; the current data may also be a prediction log, `.sqlite` or `.db`,
 * whose newest `limit` predictions of `model` are the current window), one test per column as
 * Evidently chooses, and writes DIR/report.html (self-contained: distributions, statistics,
 * p-values, drift share) and DIR/summary.json, atomically. A JSON line reports the verdict and the
 * files. Bad files or data are usage errors naming the problem.
 * @module
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { dataDrift } from '../../monitor/data-drift.js';
import type { Dataset } from '../../monitor/dataset.js';
import { PredictionLog } from '../../monitor/prediction-log.js';
import { writeDriftReport } from '../../monitor/report.js';
import { readTableFile } from '../../monitor/table-file.js';
import { UsageError } from '../exit-codes.js';
import { takeArguments } from './evaluate.js';

const ARGUMENTS = ['reference', 'current', 'output', 'columns', 'categorical', 'drift_share', 'model', 'limit'] as const;
const LOG_EXTENSIONS = ['.sqlite', '.sqlite3', '.db'];

/** The current window of a prediction log file: the newest `limit` predictions (of `model`), as columns. */
function readLogWindow(file: string, model: string | undefined, limit: number): Dataset {
  // PredictionLog creates a missing file: a typo must not become an empty log.
  if (!existsSync(file)) throw new UsageError(`current=${file}: no such prediction log`);
  const log = new PredictionLog(file);
  try {
    return log.window({ ...(model !== undefined ? { model } : {}), limit }).columns;
  } finally {
    log.close();
  }
}

/** A Hydra-style list value: `[a,b]` or `a,b`. */
export function parseList(value: string): string[] {
  const inner = value.trim().replace(/^\[(.*)\]$/s, '$1');
  return inner
    .split(',')
    .map((item) => item.trim().replace(/^(['"])(.*)\1$/, '$2'))
    .filter((item) => item !== '');
}

/** Adds `drift` to `program`. */
export function addDriftCommand(program: Command): void {
  program
    .command('drift')
    .description(
      'data drift of a current dataset against a reference: nodetorch drift reference=FILE current=FILE|LOG.sqlite [output=DIR] [columns=[a,b]] [categorical=[c]] [drift_share=0.5] [model=NAME] [limit=1000]',
    )
    .argument(
      '<args...>',
      `${ARGUMENTS.map((name) => `${name}=...`).join(' ')} (CSV, TSV, JSON or JSON Lines files; current may be a prediction log)`,
    )
    .action(async (args: string[]) => {
      const { taken, overrides } = takeArguments(args, ARGUMENTS);
      if (overrides.length) throw new UsageError(`drift does not take '${overrides.join(' ')}' (it takes ${ARGUMENTS.join(', ')})`);
      if (!taken.reference || !taken.current) throw new UsageError('drift needs reference=FILE and current=FILE');
      const driftShare = taken.drift_share === undefined ? undefined : Number(taken.drift_share);
      if (driftShare !== undefined && !(driftShare > 0 && driftShare <= 1))
        throw new UsageError(`drift_share must be a number in (0, 1], got '${taken.drift_share}'`);
      const limit = Number(taken.limit ?? 1000);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`limit must be a positive integer, got '${taken.limit}'`);
      const fromLog = LOG_EXTENSIONS.includes(path.extname(taken.current).toLowerCase());
      if (!fromLog && (taken.model !== undefined || taken.limit !== undefined))
        throw new UsageError('model= and limit= select a window of a prediction log: current= must then be a .sqlite or .db file');
      const [reference, current] = await Promise.all([
        readTableFile(taken.reference),
        fromLog ? readLogWindow(taken.current, taken.model, limit) : readTableFile(taken.current),
      ]);
      const result = dataDrift(reference, current, {
        ...(taken.columns !== undefined ? { columns: parseList(taken.columns) } : {}),
        ...(taken.categorical !== undefined ? { categorical: parseList(taken.categorical) } : {}),
        ...(driftShare !== undefined ? { driftShare } : {}),
      });
      const written = await writeDriftReport(taken.output ?? 'drift-report', {
        reference,
        current,
        result,
        sources: { reference: taken.reference, current: taken.current },
      });
      console.log(
        JSON.stringify({
          datasetDrift: result.datasetDrift,
          share: result.share,
          driftedColumns: result.driftedColumns,
          drifted: Object.keys(result.features).filter((name) => result.features[name]!.drifted),
          html: written.html,
          json: written.json,
        }),
      );
    });
}
