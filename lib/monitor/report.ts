/**
 * The drift report: one self-contained HTML page (inline CSS and SVG, no scripts, no network)
 * with the dataset verdict, the drift share, a table of every column's test, statistic, p-value
 * and threshold, a chart of each column's p-value or distance against its threshold
 * (lib/monitor/report-chart.ts), and each column's reference and current distributions side by
 * side (shares per bin over the pooled range for numerical columns, per category for categorical
 * ones); and a JSON summary of the same result. Both files are written atomically.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { binEdges, histogramCounts } from './binning.js';
import { countCategories, type Category } from './categories.js';
import type { DataDriftResult, FeatureDrift } from './data-drift.js';
import { cleanColumn, readDataset, type Dataset } from './dataset.js';
import { MonitorError } from './errors.js';
import { testChart } from './report-chart.js';
import { escape, format } from './report-text.js';

/** What a report shows. */
export interface DriftReportInput {
  /** The reference dataset. */
  reference: Dataset;
  /** The current dataset. */
  current: Dataset;
  /** dataDrift's result on the two (with the same options). */
  result: DataDriftResult;
  /** Where the datasets came from (file names, a log window), shown in the report and the summary. */
  sources?: { reference?: string; current?: string };
  /** The page's title (default 'Data drift report'). */
  title?: string;
}

/** The JSON summary: the result plus where and when. */
export interface DriftSummary extends DataDriftResult {
  /** ISO time the report was made. */
  generatedAt: string;
  /** The reference's source and row count. */
  reference: { source: string | null; rows: number };
  /** The current data's source and row count. */
  current: { source: string | null; rows: number };
}

/** Files {@link writeDriftReport} wrote. */
export interface WrittenReport {
  /** The HTML page. */
  html: string;
  /** The JSON summary. */
  json: string;
  /** The summary written. */
  summary: DriftSummary;
}

const BINS = 20;
const MAX_CATEGORIES = 20;
const COLORS = { reference: '#4c78a8', current: '#f58518' };

/** The summary of a report on `input`. */
export function driftSummary(input: DriftReportInput, now = new Date()): DriftSummary {
  return {
    generatedAt: now.toISOString(),
    reference: { source: input.sources?.reference ?? null, rows: readDataset(input.reference, 'reference').rows },
    current: { source: input.sources?.current ?? null, rows: readDataset(input.current, 'current').rows },
    ...input.result,
  };
}

/** The report page for `input`, as HTML text. */
export function renderDriftReport(input: DriftReportInput, summary = driftSummary(input)): string {
  const { result } = input;
  const title = input.title ?? 'Data drift report';
  const ref = readDataset(input.reference, 'reference');
  const cur = readDataset(input.current, 'current');
  const rows = Object.entries(result.features).map(([name, feature]) => tableRow(name, feature));
  const charts = Object.entries(result.features).map(([name, feature]) => {
    const a = cleanColumn(ref, name, 'reference', feature.type === 'categorical').values;
    const b = cleanColumn(cur, name, 'current', feature.type === 'categorical').values;
    return `<section class="feature"><h3>${escape(name)} <span class="${feature.drifted ? 'bad' : 'good'}">${feature.drifted ? 'drifted' : 'no drift'}</span></h3>${histogram(name, feature, a, b)}</section>`;
  });
  const verdict = result.datasetDrift ? 'Dataset drift detected' : 'No dataset drift';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
.bad { color: #b00020; font-weight: 600; }
.good { color: #1b7f3b; }
.feature { display: inline-block; vertical-align: top; margin: 0 1.5rem 1.5rem 0; }
.legend span { display: inline-block; width: 0.8rem; height: 0.8rem; margin: 0 0.3rem 0 1rem; }
.meter { width: 20rem; height: 0.8rem; background: #eee; display: inline-block; }
.meter div { height: 100%; background: ${result.datasetDrift ? '#b00020' : '#1b7f3b'}; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
<p>Reference: ${escape(summary.reference.source ?? 'dataset')} (${summary.reference.rows} rows); current: ${escape(summary.current.source ?? 'dataset')} (${summary.current.rows} rows). Generated ${escape(summary.generatedAt)}.</p>
<h2 class="${result.datasetDrift ? 'bad' : 'good'}" id="verdict">${verdict}</h2>
<p>Drifted columns: <strong id="drifted">${result.driftedColumns}</strong> of ${Object.keys(result.features).length}, share <strong id="share">${format(result.share)}</strong> (dataset drift at ${format(result.driftShare)}) <span class="meter"><div style="width: ${(100 * result.share).toFixed(1)}%"></div></span></p>
<table>
<thead><tr><th>column</th><th>type</th><th>test</th><th>statistic</th><th>p-value</th><th>threshold</th><th>drift</th><th>reference n (missing)</th><th>current n (missing)</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<h2>Tests against their thresholds</h2>
<p>Each column's p-value (drift below the threshold) or distance (drift at or above it); the dashed line is the threshold.</p>
${testChart(result.features)}
<h2>Distributions</h2>
<p class="legend"><span style="background: ${COLORS.reference}"></span>reference<span style="background: ${COLORS.current}"></span>current (share of each sample per bin)</p>
${charts.join('\n')}
</body>
</html>
`;
}

/** Writes `report.html` and `summary.json` into `dir` (created if needed), atomically. */
export async function writeDriftReport(dir: string, input: DriftReportInput): Promise<WrittenReport> {
  const summary = driftSummary(input);
  const html = path.join(dir, 'report.html');
  const json = path.join(dir, 'summary.json');
  const page = renderDriftReport(input, summary);
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(json, `${JSON.stringify(summary, null, 2)}\n`);
    await writeFileAtomic(html, page);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new MonitorError(`cannot write the drift report to ${dir}: ${code ?? ''} ${message}`.replace(/\s+/g, ' '));
  }
  return { html, json, summary };
}

const TESTS: Record<string, string> = {
  ks: 'K-S p-value',
  chisquare: 'chi-square p-value',
  z: 'Z-test p-value',
  wasserstein: 'Wasserstein distance (normed)',
  jensenshannon: 'Jensen-Shannon distance',
  psi: 'PSI',
};

function tableRow(name: string, f: FeatureDrift): string {
  const cells = [
    `<td class="text">${escape(name)}</td>`,
    `<td class="text">${f.type}</td>`,
    `<td class="text">${TESTS[f.test] ?? f.test}</td>`,
    `<td>${format(f.statistic)}</td>`,
    `<td>${f.pValue === null ? '&ndash;' : format(f.pValue)}</td>`,
    `<td>${format(f.threshold)}</td>`,
    `<td class="${f.drifted ? 'bad' : 'good'}">${f.drifted ? 'drifted' : 'no'}</td>`,
    `<td>${f.reference.count} (${f.reference.missing})</td>`,
    `<td>${f.current.count} (${f.current.missing})</td>`,
  ];
  return `<tr data-column="${escape(name)}">${cells.join('')}</tr>`;
}

// Shares of each sample per bin: equal-width bins over the pooled range, or the most common categories.
function distributions(feature: FeatureDrift, a: Category[], b: Category[]): { labels: string[]; reference: number[]; current: number[] } {
  if (feature.type === 'numerical') {
    const pooled = [...(a as number[]), ...(b as number[])];
    const edges = binEdges(pooled, BINS);
    return {
      labels: Array.from({ length: BINS }, (_, i) => format(edges[i]!)),
      reference: Array.from(histogramCounts(a as number[], edges), (c) => c / a.length),
      current: Array.from(histogramCounts(b as number[], edges), (c) => c / b.length),
    };
  }
  const ra = countCategories(a);
  const rb = countCategories(b);
  const keys = [...new Set([...ra.keys(), ...rb.keys()])]
    .sort((x, y) => (ra.get(y) ?? 0) + (rb.get(y) ?? 0) - (ra.get(x) ?? 0) - (rb.get(x) ?? 0))
    .slice(0, MAX_CATEGORIES);
  return {
    labels: keys.map(String),
    reference: keys.map((key) => (ra.get(key) ?? 0) / a.length),
    current: keys.map((key) => (rb.get(key) ?? 0) / b.length),
  };
}

function histogram(name: string, feature: FeatureDrift, a: Category[], b: Category[]): string {
  const { labels, reference, current } = distributions(feature, a, b);
  const width = 420;
  const height = 200;
  const left = 40;
  const bottom = 40;
  const plotWidth = width - left - 10;
  const plotHeight = height - bottom - 10;
  const top = Math.max(...reference, ...current, 1e-12);
  const slot = plotWidth / labels.length;
  const bar = Math.max((slot - 2) / 2, 0.5);
  const y = (share: number) => 10 + plotHeight - (share / top) * plotHeight;
  const bars = labels.flatMap((label, i) => {
    const x = left + i * slot + 1;
    return [
      `<rect x="${x.toFixed(1)}" y="${y(reference[i]!).toFixed(1)}" width="${bar.toFixed(1)}" height="${(10 + plotHeight - y(reference[i]!)).toFixed(1)}" fill="${COLORS.reference}"><title>reference ${escape(label)}: ${format(reference[i]!)}</title></rect>`,
      `<rect x="${(x + bar).toFixed(1)}" y="${y(current[i]!).toFixed(1)}" width="${bar.toFixed(1)}" height="${(10 + plotHeight - y(current[i]!)).toFixed(1)}" fill="${COLORS.current}"><title>current ${escape(label)}: ${format(current[i]!)}</title></rect>`,
    ];
  });
  const every = Math.ceil(labels.length / 6);
  const ticks = labels
    .map((label, i) =>
      i % every
        ? ''
        : `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${height - bottom + 14}" font-size="10" text-anchor="middle">${escape(label.slice(0, 12))}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escape(name)} distributions">
<line x1="${left}" y1="${10 + plotHeight}" x2="${width - 10}" y2="${10 + plotHeight}" stroke="#888"/>
<text x="4" y="14" font-size="10">${format(top)}</text><text x="4" y="${10 + plotHeight}" font-size="10">0</text>
${bars.join('\n')}
${ticks}
</svg>`;
}
