/**
 * PyTorchProfiler (Lightning's `Trainer(profiler='pytorch')`): torch.profiler over a few training
 * steps of a fit, on a schedule (by default Lightning's cycle once: wait 1, warm up 1, record 3), writing each
 * trace as `<filename>.<ms>.pt.trace.json` (Perfetto, chrome://tracing, TensorBoard) and the
 * key-averages table as `fit-<filename>.txt` in `dirpath`.
 * @module
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../../io/atomic.js';
import type { SortBy } from '../../profiler/key-averages.js';
import { profile, type Profile } from '../../profiler/profile.js';
import { schedule, tensorboardTraceHandler, type Schedule } from '../../profiler/schedule.js';
import { Callback } from '../callbacks/callback.js';
import type { LightningModule } from '../lightning-module.js';
import type { Trainer } from '../trainer.js';

/** Options of PyTorchProfiler (Lightning's, camelCase). */
export interface PyTorchProfilerOptions {
  /** The folder for traces and the summary (default: the logger's folder, else the trainer's root). */
  dirpath?: string;
  /** The files' name stem (default 'profile'). */
  filename?: string;
  /**
   * Which training steps to record (default `schedule({ wait: 1, warmup: 1, active: 3, repeat: 1 })`:
   * Lightning's cycle, once, so a long fit leaves one trace rather than one every five steps).
   */
  schedule?: Schedule;
  /** Separate rows per input shape in the summary (implies recordShapes). */
  groupByInputShapes?: boolean;
  recordShapes?: boolean;
  profileMemory?: boolean;
  withStack?: boolean;
  /** Rows in the summary (default 20). */
  rowLimit?: number;
  /** The summary's sort column (default 'self_cpu_time_total'). */
  sortByKey?: SortBy;
  /** Write Chrome traces (default true). */
  exportToChrome?: boolean;
}

/** Profiles training steps of a fit; give it as `new Trainer({ profiler })`. */
export class PyTorchProfiler extends Callback {
  /** The trace files written so far. */
  readonly traces: string[] = [];
  /** The summary file, once the fit has ended. */
  summaryPath: string | undefined;
  private readonly settings: PyTorchProfilerOptions;
  private session: Profile | undefined;
  private dir = '';

  /** A profiler configured by `options`. */
  constructor(options: PyTorchProfilerOptions = {}) {
    super();
    this.settings = options;
  }

  /** The profile of the last fit (its last finished trace). */
  get profile(): Profile | undefined {
    return this.session;
  }

  /** Starts the session. */
  onFitStart(trainer: Trainer, _module: LightningModule): void {
    const options = this.settings;
    this.dir = path.resolve(options.dirpath ?? trainer.logger?.logDir ?? trainer.defaultRootDir);
    const filename = options.filename ?? 'profile';
    const writeTrace = options.exportToChrome === false ? undefined : tensorboardTraceHandler(this.dir, { workerName: filename });
    this.session = profile({
      recordShapes: options.recordShapes === true || options.groupByInputShapes === true,
      profileMemory: options.profileMemory,
      withStack: options.withStack,
      schedule: options.schedule ?? schedule({ wait: 1, warmup: 1, active: 3, repeat: 1 }),
      onTraceReady: (prof) => {
        if (writeTrace !== undefined) this.traces.push(writeTrace(prof));
      },
    });
    this.session.start();
  }

  /**
   * One training step done. Steps are marked from JS, so a fit with this profiler steps from JS
   * (the native epoch loop reports finished steps later than they run); to see the native loop's
   * ops, wrap the fit in `torch.profiler.profile` instead.
   */
  onTrainBatchEnd(_trainer: Trainer, _module: LightningModule): void {
    this.session?.step();
  }

  /** Ends the session and writes the summary table. */
  onFitEnd(_trainer: Trainer, _module: LightningModule): void {
    const session = this.session;
    if (session === undefined) return;
    session.stop();
    if (session.events().length === 0) {
      console.warn(`PyTorchProfiler: the fit ended after ${session.stepNum} steps, before the schedule recorded one`);
      return;
    }
    const table = session
      .keyAverages({ groupByInputShape: this.settings.groupByInputShapes === true })
      .table({ sortBy: this.settings.sortByKey ?? 'self_cpu_time_total', rowLimit: this.settings.rowLimit ?? 20 });
    mkdirSync(this.dir, { recursive: true });
    this.summaryPath = path.join(this.dir, `fit-${this.settings.filename ?? 'profile'}.txt`);
    writeFileAtomicSync(this.summaryPath, `FIT Profiler Report\n\n${table}`);
  }

  /** A failed fit still ends its session (the next fit can profile). */
  onException(_trainer: Trainer, _module: LightningModule): void {
    this.session?.stop();
  }
}
