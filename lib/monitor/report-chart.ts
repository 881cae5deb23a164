/**
 * The drift report's test chart: one horizontal bar per column, its p-value (hypothesis tests) or
 * distance against a dashed line at its threshold, red when the column drifted. P-values share
 * the scale [0, 1]; each distance gets a scale of its own, up to 1.25 times the larger of it and
 * its threshold, so the line and the bar can be compared at a glance; a bar is at least 2 px
 * wide. Inline SVG, no scripts.
 * @module
 */
import type { FeatureDrift } from './data-drift.js';
import { escape, format } from './report-text.js';

const ROW = 24;
const LABEL = 150;
const BAR = 300;
const TEXT = 190;
const TOP = 8;
// A bar at 0 (the usual p-value of a drifted column) still shows its color.
const MIN_BAR = 2;
const COLORS = { drifted: '#b00020', stable: '#1b7f3b', track: '#eee', threshold: '#222' };

/** The chart of every column's p-value or distance against its threshold, as an SVG element. */
export function testChart(features: Readonly<Record<string, FeatureDrift>>): string {
  const rows = Object.entries(features).map(([name, feature], i) => row(name, feature, TOP + i * ROW));
  const width = LABEL + BAR + TEXT;
  const height = TOP * 2 + rows.length * ROW;
  return `<svg xmlns="http://www.w3.org/2000/svg" id="test-chart" width="${width}" height="${height}" role="img" aria-label="p-values and distances against their thresholds">
${rows.join('\n')}
</svg>`;
}

function row(name: string, f: FeatureDrift, y: number): string {
  const isP = f.pValue !== null;
  const value = f.pValue ?? f.statistic;
  // An infinite distance fills its bar; the scale then follows the threshold.
  const top = isP ? 1 : Math.max(Number.isFinite(value) ? value : 0, f.threshold) * 1.25 || 1;
  const scale = (v: number) => (Number.isFinite(v) ? Math.min(Math.max(v / top, 0), 1) * BAR : BAR);
  const rule = isP ? `p ${f.test === 'ks' ? '<=' : '<'} ${format(f.threshold)}` : `>= ${format(f.threshold)}`;
  const text = `${isP ? 'p' : f.test} ${format(value)} (drift at ${rule})`;
  const color = f.drifted ? COLORS.drifted : COLORS.stable;
  const mid = y + ROW / 2;
  const line = LABEL + scale(f.threshold);
  return [
    `<text x="${LABEL - 6}" y="${mid + 4}" font-size="12" text-anchor="end">${escape(name.length > 22 ? `${name.slice(0, 21)}...` : name)}</text>`,
    `<rect x="${LABEL}" y="${y + 4}" width="${BAR}" height="${ROW - 8}" fill="${COLORS.track}"/>`,
    `<rect class="test-bar" data-column="${escape(name)}" x="${LABEL}" y="${y + 4}" width="${Math.max(scale(value), MIN_BAR).toFixed(1)}" height="${ROW - 8}" fill="${color}"><title>${escape(`${name}: ${text}`)}</title></rect>`,
    `<line class="threshold" x1="${line.toFixed(1)}" y1="${y + 1}" x2="${line.toFixed(1)}" y2="${y + ROW - 1}" stroke="${COLORS.threshold}" stroke-dasharray="3 2"/>`,
    `<text x="${LABEL + BAR + 6}" y="${mid + 4}" font-size="11">${escape(text)}</text>`,
  ].join('');
}
