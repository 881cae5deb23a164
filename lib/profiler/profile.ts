/**
 * `torch.profiler.profile`: a session over the native collector with PyTorch's schedule semantics
 * (the transitions of torch/profiler/profiler.py), `ProfilerStep#N` spans around steps, and JS spans
 * from {@link recordFunction} on the same clock as the ops.
 * @module
 */
import { native } from '../native.js';
import { writeFileAtomicSync } from '../io/atomic.js';
import { cuda } from '../tensor/runtime.js';
import { chromeTrace, type ChromeTrace } from './chrome-trace.js';
import { toEvents, type ProfilerEvent } from './events.js';
import { KeyAverages, type KeyAveragesOptions } from './key-averages.js';
import type { ProfilerAction, Schedule } from './schedule.js';

/** What to profile: PyTorch's ProfilerActivity. */
export type ProfilerActivity = 'cpu' | 'cuda';
/** PyTorch's `ProfilerActivity.CPU` / `.CUDA`. */
export const ProfilerActivity = { CPU: 'cpu', CUDA: 'cuda' } as const;

/** Options of {@link profile}, PyTorch's keyword arguments in camelCase. */
export interface ProfileOptions {
  /** Default `['cpu']`. 'cuda' records the CPU side of CUDA ops (kernel times need Kineto). */
  activities?: readonly ProfilerActivity[];
  /** Record each op's input shapes (for `keyAverages({ groupByInputShape: true })` and the trace). */
  recordShapes?: boolean;
  /** Record allocations and frees, per op (the CPU Mem columns) and as trace events. */
  profileMemory?: boolean;
  /** Record the JS stack at each {@link recordFunction} span; ops inside it carry that stack. */
  withStack?: boolean;
  /** Which steps to record (see `schedule`); without one, everything between start and stop. */
  schedule?: Schedule;
  /** Called with the profile each time a trace finishes (e.g. `tensorboardTraceHandler(dir)`). */
  onTraceReady?: (profile: Profile) => void;
}

let activeProfile: Profile | undefined;

/** A profiling session: `start()`, `step()` once per step, `stop()`; then read its last trace. */
export class Profile {
  /** The number of `step()` calls so far. */
  stepNum = 0;
  readonly #options: ProfileOptions;
  readonly #schedule: Schedule;
  #action: ProfilerAction = 'NONE';
  #collecting = false;
  #running = false;
  #stepSpan = -1;
  #originNs = 0;
  #originWallMs = 0;
  #spanStacks = new Map<number, string[]>();
  #events: ProfilerEvent[] = [];
  #trace: { events: ProfilerEvent[]; jsThread: number; baseTimeMs: number } | undefined;

  /** Use {@link profile}. */
  constructor(options: ProfileOptions = {}) {
    const activities = options.activities ?? ['cpu'];
    for (const activity of activities) {
      if (activity !== 'cpu' && activity !== 'cuda') throw new TypeError(`profile: unknown activity '${String(activity)}'; expected 'cpu' or 'cuda'`); // prettier-ignore
    }
    if (activities.includes('cuda') && !cuda.isAvailable())
      console.warn('nodetorch profiler: CUDA is not available; profiling the CPU only');
    this.#options = options;
    this.#schedule = options.schedule ?? (() => 'RECORD');
  }

  /** Whether {@link recordFunction} spans capture the JS stack. */
  get withStack(): boolean {
    return this.#options.withStack === true;
  }

  /** Starts the session (step 0's action). Only one session runs at a time in a process. */
  start(): void {
    if (this.#running) throw new Error('profile: already started');
    if (activeProfile !== undefined) throw new Error('profile: another profiler session is active; stop it first');
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the process-wide active session, for recordFunction
    activeProfile = this;
    this.#running = true;
    this.#action = this.#schedule(this.stepNum);
    if (this.#action !== 'NONE') this.#beginTrace();
    this.#openStepSpan();
  }

  /** Marks the end of a step: moves along the schedule, finishing a trace where it says so. */
  step(): void {
    if (!this.#running) throw new Error('profile: step() before start()');
    this.#closeStepSpan();
    const previous = this.#action;
    this.stepNum += 1;
    const next = this.#schedule(this.stepNum);
    this.#action = next;
    const recording = (action: ProfilerAction) => action === 'RECORD' || action === 'RECORD_AND_SAVE';
    if (previous === 'RECORD_AND_SAVE' || (previous === 'RECORD' && !recording(next))) {
      this.#endTrace(true);
      if (next !== 'NONE') this.#beginTrace();
    } else if (previous === 'WARMUP' && recording(next)) {
      this.#endTrace(false); // the warm-up steps are thrown away
      this.#beginTrace();
    } else if (previous === 'WARMUP' && next === 'NONE') {
      this.#endTrace(false);
    } else if (previous === 'NONE' && next !== 'NONE') {
      this.#beginTrace();
    }
    this.#openStepSpan();
  }

  /** Ends the session; a trace being recorded finishes (and reaches `onTraceReady`). */
  stop(): void {
    if (!this.#running) return;
    this.#closeStepSpan();
    if (this.#collecting) this.#endTrace(this.#action === 'RECORD' || this.#action === 'RECORD_AND_SAVE');
    this.#running = false;
    activeProfile = undefined;
  }

  /** The events of the last finished trace, sorted by start time. */
  events(): readonly ProfilerEvent[] {
    return this.#events;
  }

  /** The last trace's events grouped by name (PyTorch's `key_averages`), with `.table()`. */
  keyAverages(options: KeyAveragesOptions = {}): KeyAverages {
    if (options.groupByInputShape === true && this.#options.recordShapes !== true) throw new Error('keyAverages: groupByInputShape needs recordShapes: true'); // prettier-ignore
    if ((options.groupByStackN ?? 0) > 0 && !this.withStack) throw new Error('keyAverages: groupByStackN needs withStack: true');
    return new KeyAverages(this.#events, { ...options, withMemory: this.#options.profileMemory === true });
  }

  /** The last trace in the Chrome trace event format. */
  chromeTrace(): ChromeTrace {
    if (this.#trace === undefined) throw new Error('profile: no trace has finished yet');
    return chromeTrace(this.#trace.events, this.#trace.jsThread, this.#trace.baseTimeMs);
  }

  /** {@link chromeTrace} as JSON text. */
  chromeTraceJson(): string {
    return JSON.stringify(this.chromeTrace());
  }

  /** Writes the last trace as a Chrome trace JSON file (opens in Perfetto and chrome://tracing). */
  exportChromeTrace(file: string): void {
    writeFileAtomicSync(file, this.chromeTraceJson());
  }

  /** @internal Records a span's JS stack (from {@link recordFunction}). */
  addSpanStack(id: number, stack: string[]): void {
    this.#spanStacks.set(id, stack);
  }

  #beginTrace(): void {
    native.profilerStart({ recordShapes: this.#options.recordShapes === true, profileMemory: this.#options.profileMemory === true }); // prettier-ignore
    this.#collecting = true;
    this.#originNs = native.profilerNow();
    this.#originWallMs = Date.now();
    this.#spanStacks = new Map();
  }

  #endTrace(save: boolean): void {
    const columns = native.profilerStop();
    this.#collecting = false;
    if (!save) return;
    this.#events = toEvents(columns, this.#originNs, this.withStack ? this.#spanStacks : undefined);
    this.#trace = { events: this.#events, jsThread: columns.sessionThread, baseTimeMs: this.#originWallMs };
    this.#options.onTraceReady?.(this);
  }

  #openStepSpan(): void {
    // As PyTorch's, step markers only where a schedule gives steps a meaning.
    const marked = this.#collecting && this.#options.schedule !== undefined;
    this.#stepSpan = marked ? native.profilerBeginSpan(`ProfilerStep#${this.stepNum}`) : -1;
  }

  #closeStepSpan(): void {
    if (this.#stepSpan >= 0) native.profilerEndSpan(this.#stepSpan);
    this.#stepSpan = -1;
  }
}

/** A session that records nothing yet: call `start()` (and `stop()`) yourself. */
export function profile(options?: ProfileOptions): Profile;
/** Profiles `fn` (which may call `prof.step()`), awaiting it if it returns a Promise. */
export function profile(options: ProfileOptions, fn: (prof: Profile) => Promise<unknown>): Promise<Profile>;
export function profile(options: ProfileOptions, fn: (prof: Profile) => unknown): Profile;
export function profile(options: ProfileOptions = {}, fn?: (prof: Profile) => unknown): Profile | Promise<Profile> {
  const prof = new Profile(options);
  if (fn === undefined) return prof;
  prof.start();
  let result: unknown;
  try {
    result = fn(prof);
  } catch (error) {
    prof.stop();
    throw error;
  }
  if (!isThenable(result)) {
    prof.stop();
    return prof;
  }
  return Promise.resolve(result).then(
    () => {
      prof.stop();
      return prof;
    },
    (error: unknown) => {
      prof.stop();
      throw error;
    },
  );
}

/**
 * PyTorch's `record_function(name)`: a named span around `fn` in the active profile (nothing when
 * none is active). Ops that `fn` runs on this thread nest under it; a Promise-returning `fn` ends
 * the span when it settles.
 */
export function recordFunction<T>(name: string, fn: () => T): T {
  const id = native.profilerBeginSpan(name);
  if (id < 0) return fn();
  if (activeProfile?.withStack === true) activeProfile.addSpanStack(id, callerStack());
  let result: T;
  try {
    result = fn();
  } catch (error) {
    native.profilerEndSpan(id);
    throw error;
  }
  if (!isThenable(result)) {
    native.profilerEndSpan(id);
    return result;
  }
  return Promise.resolve(result).finally(() => native.profilerEndSpan(id)) as T;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The JS frames above recordFunction, as "function (file:line:column)". */
function callerStack(): string[] {
  const site: { stack?: string } = {};
  Error.captureStackTrace(site, recordFunction);
  return (site.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().replace(/^at /, ''));
}
