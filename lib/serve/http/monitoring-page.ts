/**
 * The monitoring page on the metrics listener: `GET /monitoring`, one self-contained HTML page
 * (inline CSS and script, nothing fetched from elsewhere, so it works offline and behind a
 * firewall), and `GET /monitoring/summary.json`, the numbers it polls (see monitoring-summary.ts).
 * The page polls every 2 s (`?interval=SECONDS` to change it, 0.2 s at least), computes the
 * request rate from successive summaries, and shows per model the rate, requests, latency
 * percentiles, batch sizes, class distribution, confidence and drift. Every number is an element
 * with `data-metric` (and `data-model`, `data-class`, ... where it applies) whose `data-value` is
 * the raw number, for tests and scripts.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { ServeMetrics } from '../metrics.js';
import { monitoringSummary } from '../monitoring-summary.js';
import { routes, sendJson } from './common.js';

/** What the page may load: only itself and its own origin's summary (no CDN, no external fetch). */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #667085; --bg: #f6f7f9; --card: #fff; --line: #e3e6eb;
  --accent: #3b6fd8; --warn: #c2410c; --ok: #15803d; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ec; --muted: #9aa3b2; --bg: #14171c; --card: #1d2128; --line: #2c313a; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 1em; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 18px; margin: 0; }
header nav a { margin-right: 1em; color: var(--accent); }
#status { color: var(--muted); }
body[data-state="error"] #status { color: var(--warn); font-weight: 600; }
main { padding: 16px 20px; display: grid; gap: 16px; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
section.card h2 { font-size: 16px; margin: 0 0 10px; }
section.card h3 { font-size: 13px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 8px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.tile .label { color: var(--muted); font-size: 12px; }
.tile .num { font-size: 20px; font-variant-numeric: tabular-nums; }
.bars { display: grid; grid-template-columns: minmax(60px, max-content) 1fr minmax(90px, max-content); gap: 3px 10px; align-items: center; }
.bar { height: 14px; background: var(--line); border-radius: 3px; overflow: hidden; }
.bar > div { height: 100%; background: var(--accent); }
.bar.drift > div { background: var(--warn); }
.num, .count { font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--ok); }
.badge.on { background: var(--warn); }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
td, th { text-align: left; padding: 2px 12px 2px 0; border-bottom: 1px solid var(--line); }
.muted { color: var(--muted); }
`;

// The page's script: plain ES2020, no modules, no template literals (it sits in one).
const SCRIPT = `
'use strict';
var params = new URLSearchParams(location.search);
var asked = Number(params.get('interval'));
var intervalMs = Math.max(200, (asked > 0 ? asked : 2) * 1000);
var summaryUrl = new URL('monitoring/summary.json', location.href);
var previous = null;
var samples = 0;

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  for (var key in attrs || {}) if (attrs[key] !== undefined && attrs[key] !== null) node.setAttribute(key, String(attrs[key]));
  (children || []).forEach(function (child) {
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  });
  return node;
}
function fixed(x, digits) {
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
var formats = {
  count: function (x) { return fixed(x, 0); },
  number: function (x) { return fixed(x, 2); },
  rate: function (x) { return fixed(x, 2) + ' /s'; },
  ms: function (x) { return x * 1000 < 10 ? fixed(x * 1000, 3) + ' ms' : fixed(x * 1000, 1) + ' ms'; },
  share: function (x) { return fixed(x * 100, 1) + ' %'; },
  bytes: function (x) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (Math.abs(x) >= 1024 && i < units.length - 1) { x /= 1024; i++; }
    return fixed(x, i === 0 ? 0 : 1) + ' ' + units[i];
  },
  p: function (x) { return x < 0.001 ? x.toExponential(2) : fixed(x, 4); },
  yesno: function (x) { return x ? 'yes' : 'no'; }
};
// One number: its text for people, its raw value in data-value for scripts.
function num(metric, value, format, attrs) {
  var a = Object.assign({ 'data-metric': metric, 'data-value': value === null || value === undefined ? '' : String(value), class: 'num' }, attrs || {});
  return el('span', a, [value === null || value === undefined ? '\\u2014' : formats[format](value)]);
}
function tile(label, number) {
  return el('div', { class: 'tile' }, [el('div', { class: 'label' }, [label]), number]);
}
function bars(rows, attrs) {
  var max = rows.reduce(function (m, r) { return Math.max(m, r.value); }, 0);
  var grid = el('div', { class: 'bars' }, []);
  rows.forEach(function (r) {
    var width = max > 0 ? (100 * r.value) / max : 0;
    grid.appendChild(el('span', {}, [r.label]));
    grid.appendChild(el('div', { class: 'bar' + (r.drift ? ' drift' : ''), role: 'img', 'aria-label': r.label + ': ' + r.value }, [el('div', { style: 'width:' + width.toFixed(2) + '%' }, [])]));
    grid.appendChild(el('span', { class: 'count' }, r.cells));
  });
  return grid;
}
function rangeLabel(bar) {
  if (bar.le === null) return '> ' + bar.from;
  if (bar.le - bar.from <= 1) return String(bar.le);
  return (bar.from + 1) + '\\u2013' + bar.le;
}

function modelCard(model, rate) {
  var m = { 'data-model': model.name };
  var card = el('section', { class: 'card', 'data-model-card': model.name }, [
    el('h2', {}, [model.name + ' ', el('span', { class: 'muted' }, [model.versions.length ? 'v' + model.versions.join(', v') : ''])])
  ]);
  card.appendChild(el('div', { class: 'tiles' }, [
    tile('request rate', num('request_rate', rate, 'rate', m)),
    tile('requests', num('requests_total', model.requestsTotal, 'count', m)),
    tile('latency p50', num('latency_p50', model.latency.p50, 'ms', m)),
    tile('latency p95', num('latency_p95', model.latency.p95, 'ms', m)),
    tile('latency p99', num('latency_p99', model.latency.p99, 'ms', m)),
    tile('latency mean', num('latency_mean', model.latency.mean, 'ms', m)),
    tile('batches', num('batch_count', model.batchSize.count, 'count', m)),
    tile('mean batch size', num('batch_mean', model.batchSize.mean, 'number', m)),
    tile('queue depth', num('queue_depth', model.queueDepth, 'count', m)),
    tile('workers', num('workers', model.workers, 'count', m)),
    tile('mean confidence', num('confidence_mean', model.confidence.mean, 'share', m))
  ]));
  var codes = Object.keys(model.responses).sort();
  card.appendChild(el('h3', {}, ['answers by status']));
  card.appendChild(codes.length === 0 ? el('p', { class: 'muted' }, ['none yet']) : el('div', { class: 'tiles' }, codes.map(function (code) {
    return tile('HTTP ' + code, num('responses', model.responses[code], 'count', Object.assign({ 'data-code': code }, m)));
  })));

  card.appendChild(el('h3', {}, ['batch sizes']));
  var batches = model.batchSize.distribution.filter(function (b) { return b.count > 0; });
  card.appendChild(batches.length === 0 ? el('p', { class: 'muted' }, ['no batches yet']) : bars(batches.map(function (b) {
    return { label: rangeLabel(b), value: b.count, cells: [num('batch_bucket', b.count, 'count', Object.assign({ 'data-le': b.le === null ? '+Inf' : b.le }, m))] };
  })));

  card.appendChild(el('h3', {}, ['predicted classes (', num('predictions_total', model.predictionsTotal, 'count', m), ' rows)']));
  card.appendChild(model.classes.length === 0 ? el('p', { class: 'muted' }, ['no classified predictions yet']) : bars(model.classes.map(function (c) {
    var a = Object.assign({ 'data-class': c.name }, m);
    return { label: c.name, value: c.count, cells: [num('class_count', c.count, 'count', a), ' (', num('class_share', c.share, 'share', a), ')'] };
  })));

  card.appendChild(el('h3', {}, ['drift']));
  var drift = model.drift;
  if (!drift) {
    card.appendChild(el('p', { class: 'muted' }, ['no drift check yet (', el('a', { href: new URL('monitoring/drift', location.href).href }, ['drift report']), ')']));
    return card;
  }
  var drifted = drift.features.filter(function (f) { return f.drifted; });
  card.appendChild(el('div', { class: 'tiles' }, [
    tile('drifted features', num('drift_share', drift.share, 'share', m)),
    tile('dataset drift', el('span', { class: 'badge' + (drift.datasetDrift ? ' on' : ''), 'data-metric': 'dataset_drift', 'data-model': model.name, 'data-value': drift.datasetDrift ? '1' : '0' }, [formats.yesno(drift.datasetDrift)])),
    tile('window rows', num('drift_window_rows', drift.windowRows, 'count', m)),
    tile('checked', el('span', { class: 'num', 'data-metric': 'drift_last_check', 'data-model': model.name, 'data-value': drift.lastCheckSeconds === null ? '' : String(drift.lastCheckSeconds) }, [drift.lastCheckSeconds === null ? '\\u2014' : new Date(drift.lastCheckSeconds * 1000).toLocaleTimeString()]))
  ]));
  var table = el('table', {}, [el('tr', {}, ['feature', 'test', 'statistic', 'p-value', 'drifted'].map(function (h) { return el('th', {}, [h]); }))]);
  drift.features.forEach(function (f) {
    var a = Object.assign({ 'data-feature': f.name }, m);
    table.appendChild(el('tr', { class: f.drifted ? 'drifted' : '' }, [
      el('td', {}, [f.name]), el('td', {}, [f.test]),
      el('td', {}, [num('feature_statistic', f.statistic, 'p', a)]),
      el('td', {}, [num('feature_p_value', f.pValue, 'p', a)]),
      el('td', {}, [el('span', Object.assign({ 'data-metric': 'feature_drifted', 'data-value': f.drifted ? '1' : '0' }, a), [formats.yesno(f.drifted)])])
    ]));
  });
  card.appendChild(el('p', {}, [drifted.length + ' of ' + drift.features.length + ' features drifted. ', el('a', { href: new URL('monitoring/drift', location.href).href }, ['Full drift report'])]));
  card.appendChild(table);
  return card;
}

function processCard(p) {
  var log = p.predictionLog;
  var card = el('section', { class: 'card', 'data-process-card': '' }, [el('h2', {}, ['process'])]);
  var tiles = [
    tile('resident memory', num('resident_memory_bytes', p.residentMemoryBytes, 'bytes')),
    tile('CPU seconds', num('cpu_seconds_total', p.cpuSecondsTotal, 'number')),
    tile('live tensors', num('live_tensors', p.liveTensors, 'count'))
  ];
  Object.keys(p.nativeMemory).sort().forEach(function (kind) {
    tiles.push(tile('native ' + kind.replace('_', ' '), num('native_memory_bytes', p.nativeMemory[kind], 'bytes', { 'data-kind': kind })));
  });
  card.appendChild(el('div', { class: 'tiles' }, tiles));
  card.appendChild(el('h3', {}, ['prediction log']));
  card.appendChild(!log ? el('p', { class: 'muted' }, ['no prediction log open']) : el('div', { class: 'tiles' }, [
    tile('rows', num('prediction_log_rows', log.rows, 'count')),
    tile('size', num('prediction_log_bytes', log.bytes, 'bytes')),
    tile('pending', num('prediction_log_pending', log.pending, 'count')),
    tile('dropped', num('prediction_log_dropped', log.dropped, 'count')),
    tile('write errors', num('prediction_log_write_errors', log.writeErrors, 'count'))
  ]));
  return card;
}

function rates(summary) {
  var out = {};
  summary.models.forEach(function (model) {
    var before = previous && previous.requests[model.name];
    var seconds = previous ? (summary.generatedAt - previous.at) / 1000 : 0;
    out[model.name] = before !== undefined && seconds > 0 && model.requestsTotal >= before ? (model.requestsTotal - before) / seconds : null;
  });
  return out;
}

function render(summary) {
  var perModel = rates(summary);
  var main = el('main', { id: 'content' }, []);
  if (summary.models.length === 0) main.appendChild(el('section', { class: 'card muted' }, ['No models registered.']));
  summary.models.forEach(function (model) { main.appendChild(modelCard(model, perModel[model.name])); });
  main.appendChild(processCard(summary.process));
  document.getElementById('content').replaceWith(main);
  previous = { at: summary.generatedAt, requests: {} };
  summary.models.forEach(function (model) { previous.requests[model.name] = model.requestsTotal; });
}

function setStatus(state, text) {
  document.body.setAttribute('data-state', state);
  document.getElementById('status').textContent = text;
}

function poll() {
  fetch(summaryUrl, { cache: 'no-store' })
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    })
    .then(function (summary) {
      render(summary);
      samples++;
      document.body.setAttribute('data-samples', String(samples));
      setStatus('live', 'updated ' + new Date(summary.generatedAt).toLocaleTimeString() + ', every ' + intervalMs / 1000 + ' s');
    })
    .catch(function (error) {
      setStatus('error', 'cannot read ' + summaryUrl.pathname + ': ' + error.message + ' (retrying every ' + intervalMs / 1000 + ' s)');
    })
    .finally(function () { setTimeout(poll, intervalMs); });
}
document.getElementById('metrics-link').href = new URL('metrics', location.href).href;
document.getElementById('drift-link').href = new URL('monitoring/drift', location.href).href;
poll();
`;

/** The monitoring page's HTML: self-contained (inline style and script). */
export function monitoringPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nodetorch serve: monitoring</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body data-state="loading" data-samples="0">
<header>
<h1>nodetorch serve: monitoring</h1>
<nav><a id="metrics-link" href="/metrics">/metrics</a><a id="drift-link" href="/monitoring/drift">drift report</a></nav>
<span id="status">loading...</span>
</header>
<main id="content"><section class="card muted">Waiting for the first summary...</section></main>
<noscript>This page needs JavaScript; the numbers are also at monitoring/summary.json and /metrics.</noscript>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Registers `GET /monitoring` (the page) and `GET /monitoring/summary.json` (its data) on `app`. */
export function addMonitoringPageRoutes(app: FastifyInstance, metrics: ServeMetrics): void {
  const page = monitoringPageHtml();
  routes(app, '/monitoring', {
    GET: async (_request, reply) =>
      reply
        .code(200)
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(page),
  });
  routes(app, '/monitoring/summary.json', {
    GET: async (_request, reply) => sendJson(reply.header('cache-control', 'no-store'), await monitoringSummary(metrics.registry)),
  });
}
