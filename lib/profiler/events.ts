/**
 * A profiler session's events as objects: the native collector's columns turned into
 * {@link ProfilerEvent}s with self times and memory worked out from the nesting.
 * @module
 */
import type { NativeProfilerEvents } from '../native.js';

/** What an event is: an ATen op, an autograd node run by backward, a user span, or a memory report. */
export type ProfilerEventKind = 'op' | 'backward' | 'user' | 'memory';
const kinds: ProfilerEventKind[] = ['op', 'backward', 'user', 'memory'];

/** One recorded event, like PyTorch's FunctionEvent (times in microseconds from the session start). */
export interface ProfilerEvent {
  id: number;
  /** The id of the event this one ran inside (on the same thread), or -1. */
  parent: number;
  kind: ProfilerEventKind;
  name: string;
  /** The thread it ran on (a small integer, stable within the process). */
  threadId: number;
  startUs: number;
  durationUs: number;
  /** The duration minus that of the events directly inside it. */
  selfCpuTimeUs: number;
  /** Bytes allocated minus freed, by this event and those inside it (when profileMemory). */
  cpuMemoryUsage: number;
  /** Bytes allocated minus freed by this event alone. */
  selfCpuMemoryUsage: number;
  /** The inputs' sizes, `[]` for a non-tensor input (when recordShapes). */
  inputShapes: number[][] | undefined;
  /** The autograd sequence number linking a forward op to its backward node, or -1. */
  sequenceNr: number;
  /** The JS stack of the innermost span around it (when withStack). */
  stack: string[] | undefined;
  /** For a memory report: the bytes allocated (negative when freed) and the allocator's total after. */
  memory?: { bytes: number; totalAllocated: number };
}

/** @internal Builds the events of one session; `spanStacks` maps a span's id to its JS stack. */
export function toEvents(columns: NativeProfilerEvents, originNs: number, spanStacks?: Map<number, string[]>): ProfilerEvent[] {
  const count = columns.id.length;
  const shapes = columns.shapeTable.map((text) => (text === '' ? undefined : (JSON.parse(text) as number[][])));
  const events: ProfilerEvent[] = [];
  const byId = new Map<number, ProfilerEvent>();
  for (let i = 0; i < count; i++) {
    const kind = kinds[columns.kind[i]!]!;
    const durationUs = (columns.endNs[i]! - columns.startNs[i]!) / 1000;
    const event: ProfilerEvent = {
      id: columns.id[i]!,
      parent: columns.parent[i]!,
      kind,
      name: columns.names[columns.name[i]!]!,
      threadId: columns.thread[i]!,
      startUs: (columns.startNs[i]! - originNs) / 1000,
      durationUs,
      selfCpuTimeUs: durationUs,
      cpuMemoryUsage: columns.selfMemory[i]!,
      selfCpuMemoryUsage: columns.selfMemory[i]!,
      inputShapes: shapes[columns.shapes[i]!],
      sequenceNr: columns.sequenceNr[i]!,
      stack: spanStacks?.get(columns.id[i]!),
    };
    if (kind === 'memory') event.memory = { bytes: columns.memoryBytes[i]!, totalAllocated: columns.totalAllocated[i]! };
    events.push(event);
    byId.set(event.id, event);
  }
  // Events are sorted by start, so a parent comes before its children: walking backwards adds each
  // finished child's totals to its parent after the child has received its own children's.
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    const parent = byId.get(event.parent);
    if (parent === undefined || event.kind === 'memory') continue;
    parent.selfCpuTimeUs -= event.durationUs;
    parent.cpuMemoryUsage += event.cpuMemoryUsage;
  }
  if (spanStacks !== undefined) {
    for (const event of events) if (event.stack === undefined) event.stack = byId.get(event.parent)?.stack;
  }
  return events;
}
