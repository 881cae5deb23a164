/**
 * The results table: a row per trial (id, state, the metric's value, each parameter), written as
 * `<sweepDir>/results.csv` and printed with aligned columns.
 * @module
 */
import { leavesOf } from '../../sweep/index.js';
import { getPath } from '../../sweep/space.js';
import type { SweepState } from './state.js';

/** A table of text cells. */
export interface Table {
  header: string[];
  rows: string[][];
}

// A parameter value as a cell: strings as they are, anything else as JSON ([0.9,0.999], true).
const cell = (value: unknown): string => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** The table of `state`'s trials; the value column is named after the metric. */
export function resultsTable(state: SweepState): Table {
  const leaves = leavesOf(state.config.parameters);
  return {
    header: ['trial', 'state', state.config.metric?.name ?? 'value', ...leaves.map((leaf) => leaf.key)],
    rows: state.trials.map((trial) => [
      String(trial.id),
      trial.state,
      trial.value === null ? '' : String(trial.value),
      ...leaves.map((leaf) => cell(getPath(trial.params, leaf.path))),
    ]),
  };
}

// RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled.
const csvCell = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** The table as CSV (a header line, then a line per row). */
export function toCsv(table: Table): string {
  return [table.header, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

// Numbers shown with 6 significant digits at most (the CSV keeps every digit).
const shown = (text: string): string => {
  const number = Number(text);
  return text !== '' && Number.isFinite(number) && !Number.isInteger(number) ? String(Number(number.toPrecision(6))) : text;
};

/** The table as aligned text; the row of trial `markId` is marked with `*`. */
export function formatTable(table: Table, markId?: number): string {
  const lines = [table.header, ...table.rows.map((row) => row.map(shown))];
  const widths = table.header.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  return lines
    .map((line, i) => {
      const mark = i > 0 && markId !== undefined && line[0] === String(markId) ? '*' : ' ';
      return `${mark} ${line.map((text, column) => text.padEnd(widths[column]!)).join('  ')}`.trimEnd();
    })
    .join('\n');
}
