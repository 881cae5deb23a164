/**
 * Profiling a few steps of a long run: PyTorch's `torch.profiler.schedule` (skip, wait, warm up,
 * record, repeat) and `tensorboard_trace_handler`, which writes each finished trace where
 * TensorBoard's profiler plugin looks.
 * @module
 */
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { writeFileAtomicSync } from '../io/atomic.js';

/** What the profiler does during a step: PyTorch's ProfilerAction. */
export type ProfilerAction = 'NONE' | 'WARMUP' | 'RECORD' | 'RECORD_AND_SAVE';

/** A schedule: the action for each step number (from 0). */
export type Schedule = (step: number) => ProfilerAction;

/** Options of {@link schedule}, PyTorch's keyword arguments in camelCase. */
export interface ScheduleOptions {
  /** Steps with the profiler off at the start of each cycle. */
  wait: number;
  /** Steps profiled and thrown away (the first steps of a trace carry start-up costs). */
  warmup: number;
  /** Steps recorded; the last of them saves the trace. */
  active: number;
  /** Cycles to run; 0 (the default) repeats for as long as steps are taken. */
  repeat?: number;
  /** Steps to skip before the first cycle. */
  skipFirst?: number;
}

/** PyTorch's `torch.profiler.schedule(wait=, warmup=, active=, repeat=, skip_first=)`. */
export function schedule(options: ScheduleOptions): Schedule {
  const { wait, warmup, active, repeat = 0, skipFirst = 0 } = options;
  for (const [name, value] of Object.entries({ wait, warmup, active, repeat, skipFirst })) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`schedule: ${name} must be a whole number >= 0, got ${value}`);
  }
  if (active < 1) throw new RangeError('schedule: active must be at least 1');
  const cycle = wait + warmup + active;
  return (step) => {
    if (step < skipFirst) return 'NONE';
    const inCycles = step - skipFirst;
    if (repeat > 0 && inCycles / cycle >= repeat) return 'NONE';
    const position = inCycles % cycle;
    if (position < wait) return 'NONE';
    if (position < wait + warmup) return 'WARMUP';
    return position < cycle - 1 ? 'RECORD' : 'RECORD_AND_SAVE';
  };
}

/** What a trace handler receives: the profile whose trace just finished. */
export interface TraceSource {
  /** The finished trace as Chrome trace JSON text. */
  chromeTraceJson(): string;
}

/**
 * PyTorch's `tensorboard_trace_handler(dir_name, worker_name, use_gzip)`: an `onTraceReady` that
 * writes `<worker>.<ms>.pt.trace.json[.gz]` into `dirName` (point TensorBoard's `--logdir` at it)
 * and returns the file's path.
 */
export function tensorboardTraceHandler(
  dirName: string,
  options: { workerName?: string; useGzip?: boolean } = {},
): (profile: TraceSource) => string {
  const worker = options.workerName ?? `${os.hostname()}_${process.pid}`;
  return (profile) => {
    mkdirSync(dirName, { recursive: true });
    let ms = Date.now();
    while (existsSync(path.join(dirName, `${worker}.${ms}.pt.trace.json${options.useGzip === true ? '.gz' : ''}`))) ms += 1;
    const file = path.join(dirName, `${worker}.${ms}.pt.trace.json`);
    const text = profile.chromeTraceJson();
    if (options.useGzip !== true) {
      writeFileAtomicSync(file, text);
      return file;
    }
    writeFileAtomicSync(`${file}.gz`, gzipSync(text));
    return `${file}.gz`;
  };
}
