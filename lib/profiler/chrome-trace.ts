/**
 * The Chrome trace event format (what chrome://tracing, Perfetto and TensorBoard's profiler read):
 * ops and spans as complete ("X") events on their thread's track, memory reports as instant events,
 * thread names as metadata, the fields named as PyTorch's Kineto traces name them.
 * @module
 */
import type { ProfilerEvent } from './events.js';

/** One entry of a trace's `traceEvents`. */
export interface TraceEvent {
  ph: 'X' | 'i' | 'M';
  name: string;
  cat?: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  s?: 't';
  args?: Record<string, unknown>;
}

/** A whole trace file. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  /** The wall-clock time (ms since the epoch) that `ts` 0 stands for. */
  baseTimeMs: number;
}

const categories = { op: 'cpu_op', backward: 'cpu_op', user: 'user_annotation', memory: 'cpu_instant_event' } as const;

/** @internal The trace of one session; `jsThread` is the id of the thread that ran the JS. */
export function chromeTrace(events: readonly ProfilerEvent[], jsThread: number, baseTimeMs: number): ChromeTrace {
  const pid = process.pid;
  const threads = new Set(events.map((event) => event.threadId));
  threads.add(jsThread);
  const traceEvents: TraceEvent[] = [{ ph: 'M', name: 'process_name', pid, tid: 0, args: { name: 'nodetorch' } }];
  for (const tid of [...threads].sort((a, b) => a - b)) {
    const name = tid === jsThread ? 'JS thread' : `LibTorch thread ${tid}`;
    traceEvents.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name } });
  }
  for (const event of events) {
    const cat = categories[event.kind];
    if (event.memory !== undefined) {
      const args = { 'Device Type': 0, 'Device Id': -1, Bytes: event.memory.bytes, 'Total Allocated': event.memory.totalAllocated };
      traceEvents.push({ ph: 'i', s: 't', cat, name: event.name, pid, tid: event.threadId, ts: event.startUs, args });
      continue;
    }
    const args: Record<string, unknown> = { 'External id': event.id };
    if (event.sequenceNr >= 0) args['Sequence number'] = event.sequenceNr;
    if (event.inputShapes !== undefined) args['Input Dims'] = event.inputShapes;
    if (event.stack !== undefined && event.kind === 'user') args['Call stack'] = event.stack.join(';');
    traceEvents.push({ ph: 'X', cat, name: event.name, pid, tid: event.threadId, ts: event.startUs, dur: event.durationUs, args });
  }
  return { traceEvents, displayTimeUnit: 'ms', baseTimeMs };
}
