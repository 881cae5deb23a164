// The suite's report: a JSON file with every number, and a Markdown file of the medians and ratios,
// both under bench/results/ with the command, the machine and the thread settings.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchDir } from './processes.mjs';

/** Three significant digits, n/a for a missing value. */
export function formatNumber(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

// Extras named '... % of ...' are shares (0.31 prints as 31%).
const formatExtra = (name, value) =>
  name.includes('% of') && Number.isFinite(value) ? `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%` : formatNumber(value);

/** One case as a Markdown section. */
export function caseMarkdown(result) {
  const ratioNames = [...new Set(result.rows.flatMap((row) => Object.keys(row.ratios ?? {})))];
  const extraNames = [...new Set(result.rows.flatMap((row) => Object.keys(row.extras ?? {})))];
  // A ratio the CI check compares with bench/baseline.json is marked with a star.
  const checked = (name) => (!result.checkedRatios || result.checkedRatios.includes(name) ? `${name} *` : name);
  const header = ['', ...result.columns, ...ratioNames.map(checked), ...extraNames];
  const lines = [`## ${result.title}`, '', ...result.notes.map((note) => `${note}`), ''];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`);
  const footnotes = [];
  for (const row of result.rows) {
    const cells = result.columns.map((column) => {
      const note = row.notes?.[column];
      if (note && !Number.isFinite(row.values[column])) {
        if (!footnotes.includes(note)) footnotes.push(note);
        return `n/a [${footnotes.indexOf(note) + 1}]`;
      }
      return formatNumber(row.values[column]);
    });
    const ratios = ratioNames.map((name) => formatNumber(row.ratios?.[name]));
    const extras = extraNames.map((name) => formatExtra(name, row.extras?.[name]));
    lines.push(`| ${[row.label, ...cells, ...ratios, ...extras].join(' | ')} |`);
  }
  if (footnotes.length) lines.push('', ...footnotes.map((note, i) => `[${i + 1}] ${note}`));
  return lines.join('\n');
}

/** The whole run as Markdown. */
export function suiteMarkdown(suite) {
  const { machine, settings } = suite;
  return [
    `# nodetorch benchmark suite${suite.quick ? ' (quick)' : ''}`,
    '',
    `Command: \`${suite.command}\` (${suite.durationS.toFixed(0)} s, ${suite.startedAt}).`,
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}, Node ${machine.node}.`,
    `Versions: ${Object.entries(suite.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}.`,
    `Threads: ${settings.threads}. Times are medians over ${settings.rounds} interleaved round(s); lower is better; every ratio is nodetorch over the named peer (above 1: nodetorch is slower); ratios marked * are the ones the CI check compares with bench/baseline.json.`,
    '',
    ...suite.cases.map(caseMarkdown).flatMap((section) => [section, '']),
  ].join('\n');
}

/** Writes bench/results/<name>.json and .md; returns their paths. */
export function writeResults(name, suite) {
  const dir = path.join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${name}.json`);
  const markdown = path.join(dir, `${name}.md`);
  writeFileSync(json, JSON.stringify(suite, null, 2) + '\n');
  writeFileSync(markdown, suiteMarkdown(suite));
  return [json, markdown];
}
