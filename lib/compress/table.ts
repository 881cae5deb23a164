/**
 * A compression report as a Markdown table (one row per variant: file kind and size, sparsity,
 * accuracy and its change, latency and speed-up at each batch size) with the environment it was
 * measured in.
 * @module
 */
import type { CompressionReport, VariantResult } from './pipeline.js';

function microseconds(us: number): string {
  return us >= 10_000 ? us.toFixed(0) : us >= 100 ? us.toFixed(0) : us.toFixed(1);
}

function signedPoints(points: number): string {
  const rounded = Number(points.toFixed(2));
  return `${rounded > 0 ? '+' : ''}${rounded.toFixed(2)}`;
}

function fileCell(row: VariantResult): string {
  const dense = `${row.file.bytes.toLocaleString('en-US')} (${row.file.kind})`;
  return row.sparseFile ? `${dense}; ${row.sparseFile.bytes.toLocaleString('en-US')} (${row.sparseFile.kind})` : dense;
}

/** The report's rows as a Markdown table, preceded by a line naming the environment. */
export function formatCompressionTable(report: CompressionReport, title = ''): string {
  const sizes = report.settings.batchSizes;
  const header = [
    'variant',
    'file bytes (format)',
    'weight sparsity',
    'accuracy',
    'change (points)',
    ...sizes.flatMap((size) => [`batch ${size} (us)`, `speed-up b${size}`]),
  ];
  const lines = report.rows.map((row) => [
    row.name,
    fileCell(row),
    row.sparsity === undefined ? '' : `${(row.sparsity * 100).toFixed(1)}%`,
    `${(row.accuracy * 100).toFixed(2)}%`,
    row.variant === 'fp32' ? '' : signedPoints(row.accuracyChangePoints),
    ...sizes.flatMap((size) => [microseconds(row.latency[size]!.medianUs), `${row.speedUp[size]!.toFixed(2)}x`]),
  ]);
  const { environment: env, settings } = report;
  const about =
    `LibTorch ${env.torchVersion}, quantized engine ${env.quantizedEngine}, ${env.threads} intra-op thread(s), ` +
    `${env.blasThreads ?? 'unknown'} BLAS thread(s), ${env.cpu}, Node ${env.node}; latency: median of ${settings.runs} forwards ` +
    `(no grad) after ${settings.warmup} warm-up ones.`;
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [...(title ? [title, ''] : []), about, '', row(header), row(header.map(() => '---')), ...lines.map(row)].join('\n');
}
