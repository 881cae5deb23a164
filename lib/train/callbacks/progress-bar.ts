/**
 * The progress bar (Lightning's TQDMProgressBar, on cli-progress): on a terminal, a live bar per
 * epoch with it/s, ETA, the loss and every value logged with `progBar: true`; elsewhere (CI logs,
 * pipes) one plain line per epoch, so logs stay readable. The Trainer adds one unless
 * `enableProgressBar: false` or another ProgressBar is among the callbacks.
 * @module
 */
import { SingleBar } from 'cli-progress';
import type { LightningModule } from '../lightning-module.js';
import type { Trainer } from '../trainer.js';
import { Callback } from './callback.js';

/** Where the bar writes: a writable stream such as process.stderr (live when it is a TTY). */
export interface ProgressStream {
  /** Writes text. */
  write(text: string): unknown;
  /** True on a terminal: the bar is then redrawn in place. */
  isTTY?: boolean;
}

/** Options of ProgressBar. */
export interface ProgressBarOptions {
  /** Where to write (default process.stderr, like tqdm). */
  stream?: ProgressStream;
  /** Redraw at most this often on a terminal, in milliseconds (default 100). */
  refreshRateMs?: number;
  /** Where the end-of-fit summary table goes (default process.stdout; null for none). */
  summary?: ProgressStream | null;
}

/** The epoch summary: one row per epoch, a column per epoch-level value (step values left out). */
export function summaryTable(rows: readonly Record<string, number>[]): string {
  const columns = ['epoch', ...new Set(rows.flatMap((row) => Object.keys(row)).filter((key) => key !== 'epoch'))];
  const cells = rows.map((row) =>
    columns.map((column) => (row[column] === undefined ? '' : column === 'epoch' ? String(row[column]) : row[column].toPrecision(5))),
  );
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => values.map((value, i) => value.padStart(widths[i]!)).join('  ');
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

/**
 * The epoch-level values logged so far (what the summary table and the learning curves show): the
 * trainer's callback metrics without step values and learning rates, with the current epoch.
 */
export function epochRow(trainer: Trainer): Record<string, number> {
  const row: Record<string, number> = { epoch: trainer.currentEpoch };
  for (const [key, value] of trainer.callbackMetrics) if (!key.endsWith('_step') && !key.startsWith('lr-')) row[key] = value;
  return row;
}

const format = (values: ReadonlyMap<string, number>) =>
  [...values]
    .map(
      ([key, value]) =>
        `${key}=${Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : value.toFixed(4)}`,
    )
    .join(' ');

/** Shows training progress. */
export class ProgressBar extends Callback {
  private readonly stream: ProgressStream;
  private readonly refreshRateMs: number;
  private readonly summary: ProgressStream | null;
  private readonly history: Record<string, number>[] = [];
  private bar: SingleBar | null = null;
  private epochStarted = 0;
  private batches = 0;

  /** A progress bar writing to `options.stream`. */
  constructor(options: ProgressBarOptions = {}) {
    super();
    this.stream = options.stream ?? process.stderr;
    this.refreshRateMs = options.refreshRateMs ?? 100;
    this.summary = options.summary === undefined ? process.stdout : options.summary;
  }

  /** Whether the bar is live (a terminal) rather than plain lines. */
  get live(): boolean {
    return this.stream.isTTY === true;
  }

  /** Starts the epoch's bar. */
  onTrainEpochStart(trainer: Trainer, _module: LightningModule): void {
    this.epochStarted = performance.now();
    this.batches = 0;
    if (!this.live) return;
    const total = trainer.trainBatches ?? 0;
    this.bar = new SingleBar(
      {
        stream: this.stream as NodeJS.WritableStream,
        fps: 1000 / this.refreshRateMs,
        format: `Epoch ${trainer.currentEpoch} {bar} {value}/{total} [{duration_formatted}<{eta_formatted}, {rate} it/s] {metrics}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      undefined,
    );
    this.bar.start(total, 0, { rate: '0.00', metrics: '' });
  }

  /** Advances the bar. */
  onTrainBatchEnd(trainer: Trainer, _module: LightningModule): void {
    this.batches++;
    if (!this.bar) return;
    const seconds = (performance.now() - this.epochStarted) / 1000;
    this.bar.increment(1, { rate: (this.batches / Math.max(seconds, 1e-9)).toFixed(2), metrics: format(trainer.progressBarMetrics) });
  }

  /** Ends the epoch's bar, or prints its line. */
  onTrainEpochEnd(trainer: Trainer, _module: LightningModule): void {
    this.history.push(epochRow(trainer));
    const seconds = (performance.now() - this.epochStarted) / 1000;
    if (this.bar) {
      this.bar.update({ metrics: format(trainer.progressBarMetrics) });
      this.bar.stop();
      this.bar = null;
      return;
    }
    const rate = (this.batches / Math.max(seconds, 1e-9)).toFixed(2);
    this.stream.write(
      `Epoch ${trainer.currentEpoch}: ${this.batches} batches in ${seconds.toFixed(1)} s (${rate} it/s) ${format(trainer.progressBarMetrics)}\n`,
    );
  }

  /** Prints the epoch summary table. */
  onFitEnd(_trainer: Trainer, _module: LightningModule): void {
    if (this.summary && this.history.length) this.summary.write(summaryTable(this.history));
    this.history.length = 0;
  }

  /** Leaves the terminal tidy when the fit fails. */
  onException(_trainer: Trainer, _module: LightningModule): void {
    this.bar?.stop();
    this.bar = null;
  }
}
