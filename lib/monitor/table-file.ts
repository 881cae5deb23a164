/**
 * Reads a dataset file for drift checks: CSV or TSV (csv-parse; a header row names the columns),
 * JSON (an array of records, or an object of column arrays) or JSON Lines (one record a line),
 * chosen by the extension. CSV cells are typed per column: a column whose non-empty cells are all
 * numbers holds numbers; any other holds strings; an empty cell is missing (null).
 * @module
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Dataset } from './dataset.js';
import { MonitorError } from './errors.js';

/** The extensions {@link readTableFile} reads. */
export const TABLE_EXTENSIONS = ['.csv', '.tsv', '.json', '.jsonl', '.ndjson'] as const;

/** The dataset in `file`; errors name the file and the problem. */
export async function readTableFile(file: string): Promise<Dataset> {
  const extension = path.extname(file).toLowerCase();
  if (!(TABLE_EXTENSIONS as readonly string[]).includes(extension))
    throw new MonitorError(`${file}: unknown format '${extension || '(no extension)'}'; use ${TABLE_EXTENSIONS.join(', ')}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MonitorError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (extension === '.csv' || extension === '.tsv') return parseDelimited(text, extension === '.tsv' ? '\t' : ',', file);
  if (extension === '.json') return parseJson(text, file);
  return text
    .split('\n')
    .map((line, i) => [line.trim(), i] as const)
    .filter(([line]) => line !== '')
    .map(([line, i]) => {
      const record = parseJsonText(line, `${file} line ${i + 1}`);
      if (record === null || typeof record !== 'object' || Array.isArray(record))
        throw new MonitorError(`${file} line ${i + 1}: each line must be a JSON object (one record)`);
      return record as Record<string, unknown>;
    });
}

function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MonitorError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}

function parseJson(text: string, file: string): Dataset {
  const value = parseJsonText(text, file);
  if (Array.isArray(value) || (value !== null && typeof value === 'object')) return value as Dataset;
  throw new MonitorError(`${file} must hold an array of records or an object of columns`);
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function parseDelimited(text: string, delimiter: string, file: string): Dataset {
  let rows: string[][];
  try {
    // Without `columns`, csv-parse returns each row as an array of strings.
    const parsed: unknown = parse(text, { delimiter, bom: true, skip_empty_lines: true, relax_column_count: false });
    rows = parsed as string[][];
  } catch (error) {
    throw new MonitorError(`${file} is not valid ${delimiter === ',' ? 'CSV' : 'TSV'}: ${(error as Error).message}`);
  }
  const [header, ...body] = rows;
  if (!header) throw new MonitorError(`${file} is empty: it needs a header row and data rows`);
  const names = header.map((name) => name.trim());
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new MonitorError(`${file}: the header names column '${duplicate}' twice`);
  const columns: Record<string, (string | number | null)[]> = {};
  names.forEach((name, j) => {
    const cells = body.map((row) => row[j]!.trim());
    const numeric = cells.every((cell) => cell === '' || NUMBER.test(cell));
    columns[name] = cells.map((cell) => (cell === '' ? null : numeric ? Number(cell) : cell));
  });
  return columns;
}
