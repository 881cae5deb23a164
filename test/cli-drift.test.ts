// `nodetorch drift` end to end (lib/cli/bin.ts in child processes): a CSV reference against a JSON
// Lines current file writes a self-contained HTML report and a JSON summary equal to dataDrift's
// result; bad files, different columns and an output path that cannot be written exit 2 with a
// message naming the problem.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { testOrSkip, runCli, showCliOutcome } from './helpers.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'nodetorch-drift-'));

const cli = runCli;
const show = showCliOutcome;

// A deterministic dataset: age shifts, plan's mix changes, score stays; a few cells missing.
function rows(n: number, shift: number, seed: number): { age: number; plan: string; score: number | null }[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const plans = shift ? ['team', 'team', 'pro', 'free'] : ['free', 'free', 'pro', 'team'];
  return Array.from({ length: n }, (_, i) => ({
    age: Math.round((30 + 20 * next() + shift) * 10) / 10,
    plan: plans[Math.floor(next() * 4)]!,
    score: i % 40 === 0 ? null : Math.round(next() * 1000) / 1000,
  }));
}
const reference = rows(300, 0, 1);
const current = rows(200, 8, 2);
const referenceCsv = path.join(scratch, 'reference.csv');
const currentJsonl = path.join(scratch, 'current.jsonl');
writeFileSync(referenceCsv, ['age,plan,score', ...reference.map((r) => `${r.age},${r.plan},${r.score ?? ''}`)].join('\n') + '\n');
writeFileSync(currentJsonl, current.map((r) => JSON.stringify(r)).join('\n') + '\n');
const otherColumns = path.join(scratch, 'other.json');
writeFileSync(otherColumns, JSON.stringify({ age: [1, 2, 3], city: ['a', 'b', 'c'] }));

test('drift writes report.html and summary.json equal to dataDrift; errors exit 2 naming the problem', async () => {
  const output = path.join(scratch, 'report');
  const blocked = path.join(referenceCsv, 'report'); // a path under a regular file cannot be created
  const [ok, unwritable, columns, missing] = await Promise.all([
    cli('drift', `reference=${referenceCsv}`, `current=${currentJsonl}`, `output=${output}`, 'categorical=[plan]'),
    cli('drift', `reference=${referenceCsv}`, `current=${currentJsonl}`, `output=${blocked}`),
    cli('drift', `reference=${referenceCsv}`, `current=${otherColumns}`, `output=${output}-2`),
    cli('drift', `reference=${referenceCsv}`),
  ]);
  assert.equal(ok.code, 0, show(ok));
  const line = JSON.parse(ok.stdout.trim()) as { datasetDrift: boolean; drifted: string[]; html: string; json: string };
  assert.deepEqual(line.drifted.sort(), ['age', 'plan']);
  assert.equal(line.datasetDrift, true);

  const expected = torch.monitor.dataDrift(reference, current, { categorical: ['plan'] });
  const summary = JSON.parse(readFileSync(line.json, 'utf8')) as torch.monitor.DriftSummary;
  assert.deepEqual(summary.features, expected.features);
  assert.equal(summary.share, expected.share);
  assert.deepEqual(summary.reference, { source: referenceCsv, rows: 300 });
  assert.equal(summary.features.score!.reference.missing, 8, 'empty CSV cells are missing values');
  assert.deepEqual(readdirSync(output).sort(), ['report.html', 'summary.json'], 'no temporary files left');

  const html = readFileSync(line.html, 'utf8');
  for (const name of ['age', 'plan', 'score']) assert.match(html, new RegExp(`<tr data-column="${name}">`));
  assert.equal((html.match(/<svg /g) ?? []).length, 4, 'the test chart and one distribution chart per column');
  const chart = /<svg [^>]*id="test-chart"[^>]*>([\s\S]*?)<\/svg>/.exec(html)?.[1] ?? '';
  const bars = [
    ...chart.matchAll(/<rect class="test-bar" data-column="([^"]+)" x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]* fill="([^"]+)"/g),
  ];
  assert.deepEqual(
    bars.map((bar) => bar[1]),
    ['age', 'plan', 'score'],
    'one bar per column',
  );
  assert.equal((chart.match(/<line class="threshold"/g) ?? []).length, 3, 'a threshold line per column');
  for (const [, name, width, fill] of bars) {
    const feature = expected.features[name!]!;
    // p-values on [0, 1] over the 300 px bar (at least 2 px); drifted columns red.
    assert.equal(Number(width), Number(Math.max(feature.pValue! * 300, 2).toFixed(1)), `${name}: the bar is its p-value`);
    assert.equal(fill, feature.drifted ? '#b00020' : '#1b7f3b', name);
  }
  assert.match(chart, /<line class="threshold" x1="165\.0"/, 'the 0.05 threshold, 15 px into the bar from x = 150');
  assert.match(html, /<h2 class="bad" id="verdict">Dataset drift detected<\/h2>/);
  assert.match(html, /<strong id="share">0\.6667<\/strong>/);
  assert.doesNotMatch(html, /<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'self-contained: no scripts, stylesheets or URLs');

  assert.equal(unwritable.code, 2, show(unwritable));
  assert.match(unwritable.stderr, /cannot write the drift report to .*reference\.csv\/report: ENOTDIR/);
  assert.equal(columns.code, 2, show(columns));
  assert.match(columns.stderr, /different columns: only in the reference: plan, score; only in the current data: city/);
  assert.equal(missing.code, 2, show(missing));
  assert.match(missing.stderr, /drift needs reference=FILE and current=FILE/);
});

test('table files: CSV typing, JSON columns, unknown formats and bad JSON', async () => {
  const csv = path.join(scratch, 'typed.csv');
  writeFileSync(csv, 'a,b,c\n1,x,\n2.5e1,7,3\n-3,,4\n');
  assert.deepEqual(await torch.monitor.readTableFile(csv), { a: [1, 25, -3], b: ['x', '7', null], c: [null, 3, 4] });
  const tsv = path.join(scratch, 'typed.tsv');
  writeFileSync(tsv, 'a\tb\n1\tx\n');
  assert.deepEqual(await torch.monitor.readTableFile(tsv), { a: [1], b: ['x'] });
  const bad = path.join(scratch, 'bad.jsonl');
  writeFileSync(bad, '{"a": 1}\n[1, 2]\n');
  await assert.rejects(torch.monitor.readTableFile(bad), /bad\.jsonl line 2: each line must be a JSON object/);
  await assert.rejects(torch.monitor.readTableFile(path.join(scratch, 'data.parquet')), /unknown format '\.parquet'/);
  await assert.rejects(torch.monitor.readTableFile(path.join(scratch, 'absent.csv')), /cannot read .*absent\.csv/);
  const ragged = path.join(scratch, 'ragged.csv');
  writeFileSync(ragged, 'a,b\n1,2\n3\n');
  await assert.rejects(torch.monitor.readTableFile(ragged), /ragged\.csv is not valid CSV/);
});

testOrSkip(test, 'drift reads the current window from a prediction log', torch.monitor.predictionLogUnavailable(), async () => {
  const file = path.join(scratch, 'predictions.sqlite');
  const log = new torch.monitor.PredictionLog(file);
  for (const [i, inputs] of current.entries()) log.record({ model: 'm', inputs, outputs: i % 10, latencyMs: 1 });
  for (const inputs of reference.slice(0, 20)) log.record({ model: 'other', inputs, outputs: 0, latencyMs: 1 });
  log.close();
  const output = path.join(scratch, 'from-log');
  const [fromLog, wrongSource, absent] = await Promise.all([
    cli('drift', `reference=${referenceCsv}`, `current=${file}`, 'model=m', 'limit=500', `output=${output}`, 'categorical=[plan]'),
    cli('drift', `reference=${referenceCsv}`, `current=${currentJsonl}`, 'model=m'),
    cli('drift', `reference=${referenceCsv}`, `current=${path.join(scratch, 'absent.sqlite')}`),
  ]);
  assert.equal(fromLog.code, 0, show(fromLog));
  const summary = JSON.parse(readFileSync(path.join(output, 'summary.json'), 'utf8')) as torch.monitor.DriftSummary;
  assert.deepEqual(summary.features, torch.monitor.dataDrift(reference, current, { categorical: ['plan'] }).features);
  assert.equal(summary.current.rows, 200);
  assert.equal(wrongSource.code, 2, show(wrongSource));
  assert.match(wrongSource.stderr, /model= and limit= select a window of a prediction log/);
  assert.equal(absent.code, 2, show(absent));
  assert.match(absent.stderr, /absent\.sqlite: no such prediction log/);
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
