/**
 * The prediction log: every prediction a server makes (time, model, version, the input features or
 * a summary of them, the outputs, the latency) in a SQLite file (better-sqlite3), for drift checks
 * over a recent window and for audits.
 *
 * Never on the request's critical path: `record()` only serializes the record into a bounded
 * in-memory buffer (when it is full, the record is dropped and counted); the buffer is written in
 * one transaction per batch, from a timer or a setImmediate once a batch is full, so a request
 * never waits on the disk. Durable across kill -9: the database runs in WAL mode (synchronous
 * NORMAL), so a crash loses at most the batch in memory, never the file. Retention by age, by row
 * count and by size runs at open, after flushes (at most once per retention interval) and on demand.
 *
 * Failures: a file that is not a SQLite database, is corrupt, is locked or cannot be opened gives
 * a MonitorError naming the file and what to do. A failed background flush never throws into the
 * server: its records are counted as dropped, `writeErrors` goes up and the `warn` callback
 * (default: process.emitWarning) gets the message; an explicit `flush()` throws it.
 * @module
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { MonitorError, WindowTooSmallError, describeValue } from './errors.js';

/** One prediction. */
export interface PredictionRecord {
  /** The model's name. */
  model: string;
  /** The model's version (default ''). */
  version?: string;
  /** The input features, or a summary of them (image statistics, an embedding's norms): a JSON object. */
  inputs: Readonly<Record<string, unknown>>;
  /** The outputs (class, scores, a value): anything JSON can hold. */
  outputs: unknown;
  /** How long the prediction took, in milliseconds. */
  latencyMs: number;
  /** When it happened, in ms since the epoch (default: now). */
  timestamp?: number;
}

/** A logged prediction read back. */
export interface LoggedPrediction {
  /** Row id, increasing with time of writing. */
  id: number;
  /** Time in ms since the epoch. */
  timestamp: number;
  /** The model's name. */
  model: string;
  /** The model's version. */
  version: string;
  /** The inputs as recorded. */
  inputs: Record<string, unknown>;
  /** The outputs as recorded. */
  outputs: unknown;
  /** Latency in milliseconds. */
  latencyMs: number;
}

/** Retention rules; each applies when set. */
export interface RetentionOptions {
  /** Delete predictions older than this many milliseconds. */
  maxAgeMs?: number;
  /** Keep at most this many predictions (the newest). */
  maxRows?: number;
  /** Keep the database's pages in use at most this many bytes (the oldest predictions go first). */
  maxBytes?: number;
  /** Apply the rules after a flush at most this often, in milliseconds (default 60000). */
  intervalMs?: number;
}

/** Options of {@link PredictionLog}. */
export interface PredictionLogOptions {
  /** Records held in memory before new ones are dropped (default 10000). */
  maxBuffer?: number;
  /** A flush starts (on setImmediate) once this many records wait (default 256). */
  batchSize?: number;
  /** Waiting records are flushed at least this often, in milliseconds (default 1000). */
  flushIntervalMs?: number;
  /** How long a write waits for another connection's lock, in milliseconds (default 2000). */
  busyTimeoutMs?: number;
  /** Retention rules (default: keep everything). */
  retention?: RetentionOptions;
  /** Receives the message of a failed background flush or retention (default: process.emitWarning). */
  warn?: (message: string) => void;
  /** Called after each successful flush, e.g. to observe a write-latency histogram. */
  onFlush?: (flush: { rows: number; ms: number }) => void;
}

/** Counters a server turns into metrics. */
export interface PredictionLogCounters {
  /** Rows in the table: counted at open, then kept by this log's writes and deletions. */
  rows: number;
  /** Bytes of the database's pages in use (page_count - freelist_count, times page_size). */
  bytes: number;
  /** Rows this log has written. */
  written: number;
  /** Records not logged: the buffer was full, or their flush failed. */
  dropped: number;
  /** Records waiting in memory. */
  pending: number;
  /** Failed flushes. */
  writeErrors: number;
  /** Successful flushes. */
  flushes: number;
  /** Duration of the last flush in ms. */
  lastFlushMs: number;
  /** Longest flush in ms. */
  maxFlushMs: number;
  /** Sum of all flush durations in ms. */
  totalFlushMs: number;
  /** Rows deleted by retention. */
  deletedByRetention: number;
}

/** Options of {@link PredictionLog.recent} and {@link PredictionLog.window}. */
export interface WindowOptions {
  /** Only this model's predictions. */
  model?: string;
  /** Only this version's. */
  version?: string;
  /** Only predictions at or after this time (ms since the epoch). */
  since?: number;
  /** At most this many, the newest (default 1000). */
  limit?: number;
}

/** A window of predictions as columns, ready for dataDrift. */
export interface PredictionWindow {
  /** One column per input feature (null where a prediction lacks it), plus `output` or `output.<key>` with `outputs: true`. */
  columns: Record<string, unknown[]>;
  /** Predictions in the window. */
  rows: number;
  /** Time of the oldest and the newest in the window. */
  from: number;
  /** Time of the newest. */
  to: number;
}

interface Pending {
  ts: number;
  model: string;
  version: string;
  inputs: string;
  outputs: string;
  latency: number;
}

interface Row {
  id: number;
  ts: number;
  model: string;
  version: string;
  inputs: string;
  outputs: string;
  latency_ms: number;
}

type Database = BetterSqlite3.Database;
type SqliteConstructor = typeof BetterSqlite3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS predictions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts REAL NOT NULL,
  model TEXT NOT NULL,
  version TEXT NOT NULL,
  inputs TEXT NOT NULL,
  outputs TEXT NOT NULL,
  latency_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_model_ts ON predictions (model, ts);
CREATE INDEX IF NOT EXISTS predictions_ts ON predictions (ts);
`;

/** A SQLite prediction log; see the module's description for its guarantees. */
export class PredictionLog {
  /** The database file. */
  readonly file: string;
  private readonly db: Database;
  private readonly options: Required<Omit<PredictionLogOptions, 'retention' | 'onFlush'>> & Pick<PredictionLogOptions, 'onFlush'>;
  private readonly retention: RetentionOptions;
  private readonly insert: BetterSqlite3.Statement<[number, string, string, string, string, number]>;
  private readonly insertBatch: (batch: Pending[]) => void;
  private buffer: Pending[] = [];
  private readonly timer: NodeJS.Timeout;
  private immediate: NodeJS.Immediate | undefined;
  private lastRetention = 0;
  private closed = false;
  private readonly stats: Omit<PredictionLogCounters, 'pending'> = {
    rows: 0,
    bytes: 0,
    written: 0,
    dropped: 0,
    writeErrors: 0,
    flushes: 0,
    lastFlushMs: 0,
    maxFlushMs: 0,
    totalFlushMs: 0,
    deletedByRetention: 0,
  };

  /** Opens (or creates) the log in `file`; throws a MonitorError when the file cannot serve as one. */
  constructor(file: string, options: PredictionLogOptions = {}) {
    this.file = file;
    this.options = {
      maxBuffer: positiveInteger(options.maxBuffer ?? 10000, 'maxBuffer'),
      batchSize: positiveInteger(options.batchSize ?? 256, 'batchSize'),
      flushIntervalMs: positiveInteger(options.flushIntervalMs ?? 1000, 'flushIntervalMs'),
      busyTimeoutMs: nonNegative(options.busyTimeoutMs ?? 2000, 'busyTimeoutMs'),
      warn: options.warn ?? ((message) => process.emitWarning(message, 'PredictionLogWarning')),
      onFlush: options.onFlush,
    };
    const retention = options.retention ?? {};
    for (const key of ['maxAgeMs', 'maxRows', 'maxBytes', 'intervalMs'] as const)
      if (retention[key] !== undefined) nonNegative(retention[key], `retention.${key}`);
    this.retention = retention;
    const Sqlite = loadSqlite();
    try {
      this.db = new Sqlite(file, { timeout: this.options.busyTimeoutMs });
    } catch (error) {
      throw sqliteError(file, error, 'open', this.options.busyTimeoutMs);
    }
    try {
      // auto_vacuum must be chosen before the first table exists; it lets size retention shrink the file.
      this.db.pragma('auto_vacuum = INCREMENTAL');
      const mode = this.db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new MonitorError(`prediction log ${file}: SQLite refused WAL mode (journal_mode is '${String(mode)}')`);
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
      this.insert = this.db.prepare('INSERT INTO predictions (ts, model, version, inputs, outputs, latency_ms) VALUES (?, ?, ?, ?, ?, ?)');
      this.insertBatch = this.db.transaction((batch: Pending[]) => {
        for (const r of batch) this.insert.run(r.ts, r.model, r.version, r.inputs, r.outputs, r.latency);
      });
      this.stats.rows = (this.db.prepare('SELECT count(*) AS n FROM predictions').get() as { n: number }).n;
      this.refreshSize();
    } catch (error) {
      this.db.close();
      throw error instanceof MonitorError ? error : sqliteError(file, error, 'open', this.options.busyTimeoutMs);
    }
    // Old predictions go at open too, so a log that restarts often still keeps to its rules.
    if (retention.maxAgeMs !== undefined || retention.maxRows !== undefined || retention.maxBytes !== undefined) {
      try {
        this.applyRetention();
      } catch (error) {
        this.db.close();
        throw error;
      }
    }
    this.lastRetention = Date.now();
    this.timer = setInterval(() => this.flushInBackground(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * Queues one prediction; returns false when it was dropped (the buffer is full or the log is
   * closed). Throws a MonitorError for a malformed record (that is a bug in the caller).
   */
  record(prediction: PredictionRecord): boolean {
    const pending = serialize(prediction);
    if (this.closed || this.buffer.length >= this.options.maxBuffer) {
      this.stats.dropped++;
      return false;
    }
    this.buffer.push(pending);
    if (this.buffer.length >= this.options.batchSize && !this.immediate)
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.flushInBackground();
      });
    return true;
  }

  /** Writes every waiting record now; throws a MonitorError when the write fails (the records are dropped and counted). */
  flush(): void {
    if (this.buffer.length === 0 || this.closed) return;
    const batch = this.buffer;
    this.buffer = [];
    const started = performance.now();
    try {
      this.insertBatch(batch);
    } catch (error) {
      this.stats.writeErrors++;
      this.stats.dropped += batch.length;
      throw sqliteError(this.file, error, 'write', this.options.busyTimeoutMs);
    }
    const ms = performance.now() - started;
    this.stats.written += batch.length;
    this.stats.rows += batch.length;
    this.stats.flushes++;
    this.stats.lastFlushMs = ms;
    this.stats.maxFlushMs = Math.max(this.stats.maxFlushMs, ms);
    this.stats.totalFlushMs += ms;
    this.options.onFlush?.({ rows: batch.length, ms });
    if (Date.now() - this.lastRetention >= (this.retention.intervalMs ?? 60000)) this.applyRetention();
    else this.refreshSize();
  }

  /**
   * Deletes what the retention rules no longer keep (age, then rows, then size) and returns how
   * many predictions went.
   */
  applyRetention(now = Date.now()): number {
    this.lastRetention = now;
    const { maxAgeMs, maxRows, maxBytes } = this.retention;
    let deleted = 0;
    try {
      if (maxAgeMs !== undefined) deleted += this.db.prepare('DELETE FROM predictions WHERE ts < ?').run(now - maxAgeMs).changes;
      if (maxRows !== undefined)
        deleted += this.db
          .prepare('DELETE FROM predictions WHERE id <= (SELECT id FROM predictions ORDER BY id DESC LIMIT 1 OFFSET ?)')
          .run(maxRows).changes;
      if (deleted) this.db.pragma('incremental_vacuum');
      this.stats.rows -= deleted;
      this.refreshSize();
      // Size: drop the oldest rows in proportion to the excess until the pages in use fit.
      for (let round = 0; maxBytes !== undefined && this.stats.bytes > maxBytes && this.stats.rows > 0 && round < 20; round++) {
        const excess = (this.stats.bytes - maxBytes) / this.stats.bytes;
        const count = Math.max(1, Math.ceil(this.stats.rows * Math.min(1, excess * 1.1)));
        const changes = this.db
          .prepare('DELETE FROM predictions WHERE id IN (SELECT id FROM predictions ORDER BY id LIMIT ?)')
          .run(count).changes;
        deleted += changes;
        this.stats.rows -= changes;
        this.db.pragma('incremental_vacuum');
        this.refreshSize();
      }
    } catch (error) {
      throw sqliteError(this.file, error, 'apply retention to', this.options.busyTimeoutMs);
    }
    this.stats.deletedByRetention += deleted;
    return deleted;
  }

  /** The newest predictions matching `options`, oldest first. */
  recent(options: WindowOptions = {}): LoggedPrediction[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const filter = (clause: string, value: string | number): void => {
      where.push(clause);
      params.push(value);
    };
    if (options.model !== undefined) filter('model = ?', options.model);
    if (options.version !== undefined) filter('version = ?', options.version);
    if (options.since !== undefined) filter('ts >= ?', nonNegative(options.since, 'since'));
    const limit = positiveInteger(options.limit ?? 1000, 'limit');
    const sql = `SELECT * FROM predictions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    let rows: Row[];
    try {
      rows = this.db.prepare<(string | number)[], Row>(sql).all(...params, limit);
    } catch (error) {
      throw sqliteError(this.file, error, 'read', this.options.busyTimeoutMs);
    }
    return rows.reverse().map((row) => ({
      id: row.id,
      timestamp: row.ts,
      model: row.model,
      version: row.version,
      inputs: JSON.parse(row.inputs) as Record<string, unknown>,
      outputs: JSON.parse(row.outputs) as unknown,
      latencyMs: row.latency_ms,
    }));
  }

  /**
   * The newest predictions as columns of input features (and outputs with `outputs: true`), for
   * `dataDrift(reference, log.window(...).columns)`. An empty window is a WindowTooSmallError (a
   * MonitorError).
   */
  window(options: WindowOptions & { outputs?: boolean } = {}): PredictionWindow {
    const predictions = this.recent(options);
    if (predictions.length === 0) {
      const filters = [
        options.model !== undefined ? `model '${options.model}'` : '',
        options.version !== undefined ? `version '${options.version}'` : '',
        options.since !== undefined ? `since ${new Date(options.since).toISOString()}` : '',
      ].filter(Boolean);
      throw new WindowTooSmallError(
        `the prediction log ${this.file} has no predictions in the window${filters.length ? ` (${filters.join(', ')})` : ''}`,
        0,
        1,
      );
    }
    const rows = predictions.map((p) => (options.outputs ? { ...p.inputs, ...outputColumns(p.outputs) } : p.inputs));
    const names = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    const columns = Object.fromEntries(names.map((name) => [name, rows.map((row) => row[name] ?? null)]));
    return { columns, rows: predictions.length, from: predictions[0]!.timestamp, to: predictions.at(-1)!.timestamp };
  }

  /** A snapshot of the counters. */
  get counters(): PredictionLogCounters {
    return { ...this.stats, pending: this.buffer.length };
  }

  /** Flushes what waits (a failure is warned about, not thrown), stops the timer and closes the file. */
  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.flushInBackground();
    this.closed = true;
    this.db.close();
  }

  private flushInBackground(): void {
    try {
      this.flush();
    } catch (error) {
      this.options.warn(`prediction log: ${(error as Error).message}`);
    }
  }

  // The pages in use; rows are counted once at open and kept up to date by flushes and deletions.
  private refreshSize(): void {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    this.stats.bytes = (pages - free) * size;
  }
}

function serialize(p: PredictionRecord): Pending {
  if (p === null || typeof p !== 'object')
    throw new MonitorError(`PredictionLog.record: expected a prediction record, got ${describeValue(p)}`);
  if (typeof p.model !== 'string' || p.model === '')
    throw new MonitorError(`PredictionLog.record: model must be a non-empty string, got ${describeValue(p.model)}`);
  if (p.version !== undefined && typeof p.version !== 'string')
    throw new MonitorError(`PredictionLog.record: version must be a string, got ${describeValue(p.version)}`);
  if (p.inputs === null || typeof p.inputs !== 'object' || Array.isArray(p.inputs))
    throw new MonitorError(
      `PredictionLog.record: inputs must be an object of features (or of their summary), got ${describeValue(p.inputs)}`,
    );
  if (typeof p.latencyMs !== 'number' || !(p.latencyMs >= 0))
    throw new MonitorError(`PredictionLog.record: latencyMs must be a number >= 0, got ${describeValue(p.latencyMs)}`);
  const ts = p.timestamp ?? Date.now();
  if (typeof ts !== 'number' || !Number.isFinite(ts))
    throw new MonitorError(`PredictionLog.record: timestamp must be ms since the epoch, got ${describeValue(ts)}`);
  let inputs: string;
  let outputs: string | undefined;
  try {
    inputs = JSON.stringify(p.inputs);
    outputs = JSON.stringify(p.outputs ?? null);
  } catch (error) {
    throw new MonitorError(`PredictionLog.record: inputs and outputs must be JSON-serializable: ${(error as Error).message}`);
  }
  return { ts, model: p.model, version: p.version ?? '', inputs, outputs, latency: p.latencyMs };
}

// Scalar outputs become `output`; an object of scalars `output.<key>`; anything else is left out.
function outputColumns(outputs: unknown): Record<string, unknown> {
  const scalar = (value: unknown) => value === null || ['number', 'string', 'boolean'].includes(typeof value);
  if (scalar(outputs)) return { output: outputs };
  if (outputs && typeof outputs === 'object' && !Array.isArray(outputs))
    return Object.fromEntries(
      Object.entries(outputs)
        .filter(([, value]) => scalar(value))
        .map(([key, value]) => [`output.${key}`, value]),
    );
  return {};
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new MonitorError(`PredictionLog: ${name} must be a positive integer, got ${describeValue(value)}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 0))
    throw new MonitorError(`PredictionLog: ${name} must be a number >= 0, got ${describeValue(value)}`);
  return value;
}

let sqlite: SqliteConstructor | undefined;

// better-sqlite3 is loaded on first use, so that importing nodetorch never needs its native module.
function loadSqlite(): SqliteConstructor {
  if (sqlite) return sqlite;
  const require = createRequire(import.meta.url);
  let constructor: SqliteConstructor;
  try {
    constructor = require('better-sqlite3') as SqliteConstructor;
    // The binding loads on the first connection: try one in memory so a missing build is reported here.
    new constructor(':memory:').close();
  } catch (error) {
    throw new MonitorError(
      `the prediction log needs better-sqlite3's native module, which failed to load (${(error as Error).message.split('\n')[0]!.replace(/\.?\s*Tried:$/, '')}): ` +
        'run `npm rebuild better-sqlite3` (without a prebuilt download it compiles with node-gyp and the Node headers)',
    );
  }
  return (sqlite = constructor);
}

/** Whether the prediction log can run here (better-sqlite3's native module loads), or why not. */
export function predictionLogUnavailable(): string | undefined {
  try {
    loadSqlite();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function sqliteError(file: string, error: unknown, action: string, busyTimeoutMs: number): MonitorError {
  const { code, message } = error as { code?: string; message?: string };
  switch (code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new MonitorError(
        `prediction log ${file} is not a SQLite database or is corrupt (${code}: ${message}): move it aside to start a new log`,
      );
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new MonitorError(
        `cannot ${action} the prediction log ${file}: it is locked by another connection (${code}) for longer than the ${busyTimeoutMs} ms busy timeout`,
      );
    case 'SQLITE_CANTOPEN':
      return new MonitorError(`cannot open the prediction log ${file} (${code}): does its folder exist, and may this process write there?`);
    case 'SQLITE_READONLY':
    case 'SQLITE_FULL':
    case 'SQLITE_IOERR':
      return new MonitorError(`cannot ${action} the prediction log ${file} (${code}: ${message})`);
    default:
      return new MonitorError(`cannot ${action} the prediction log ${file}: ${message ?? String(error)}${code ? ` (${code})` : ''}`);
  }
}
