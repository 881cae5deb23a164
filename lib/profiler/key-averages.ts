/**
 * `prof.keyAverages()`: events grouped by name (and optionally input shapes or stack), and the text
 * table PyTorch's `key_averages().table()` prints, with its columns, units and widths.
 * @module
 */
import type { ProfilerEvent } from './events.js';

/** One group of events with the same key, like PyTorch's FunctionEventAvg (times in microseconds). */
export interface EventAverage {
  key: string;
  count: number;
  cpuTimeTotal: number;
  selfCpuTimeTotal: number;
  /** The mean time per call. */
  cpuTime: number;
  cpuMemoryUsage: number;
  selfCpuMemoryUsage: number;
  /** The shapes the group shares (when grouped by input shape), else those of its first event. */
  inputShapes: number[][] | undefined;
  /** The stack frames the group shares (when grouped by stack). */
  stack: string[] | undefined;
}

/** A sort key of {@link KeyAverages.table}: PyTorch's names, or the camelCase fields. */
export type SortBy =
  | 'cpu_time'
  | 'cpu_time_total'
  | 'self_cpu_time_total'
  | 'count'
  | 'cpu_memory_usage'
  | 'self_cpu_memory_usage'
  | 'cpuTime'
  | 'cpuTimeTotal'
  | 'selfCpuTimeTotal'
  | 'cpuMemoryUsage'
  | 'selfCpuMemoryUsage';

/** Options of {@link KeyAverages.table}. */
export interface TableOptions {
  /** The column to sort by, descending; in order of first appearance when omitted (as PyTorch's). */
  sortBy?: SortBy;
  /** At most this many rows; all when omitted or -1. */
  rowLimit?: number;
  /** The widest the name column grows (default 55, as PyTorch's). */
  maxNameColumnWidth?: number;
}

/** Options of `keyAverages`. */
export interface KeyAveragesOptions {
  /** Separate groups for different input shapes (needs `recordShapes`). */
  groupByInputShape?: boolean;
  /** Separate groups for different top N frames of the stack (needs `withStack`). */
  groupByStackN?: number;
}

const sortFields: Record<SortBy, keyof EventAverage> = {
  cpu_time: 'cpuTime',
  cpu_time_total: 'cpuTimeTotal',
  self_cpu_time_total: 'selfCpuTimeTotal',
  count: 'count',
  cpu_memory_usage: 'cpuMemoryUsage',
  self_cpu_memory_usage: 'selfCpuMemoryUsage',
  cpuTime: 'cpuTime',
  cpuTimeTotal: 'cpuTimeTotal',
  selfCpuTimeTotal: 'selfCpuTimeTotal',
  cpuMemoryUsage: 'cpuMemoryUsage',
  selfCpuMemoryUsage: 'selfCpuMemoryUsage',
};

/** The grouped events of a profile, with PyTorch's table. */
export class KeyAverages {
  /** The groups, in order of first appearance. */
  readonly rows: readonly EventAverage[];
  readonly #groupedByShape: boolean;
  readonly #groupedByStack: boolean;
  readonly #withMemory: boolean;

  /** @internal */
  constructor(events: readonly ProfilerEvent[], options: KeyAveragesOptions & { withMemory: boolean }) {
    const stackDepth = options.groupByStackN ?? 0;
    this.#groupedByShape = options.groupByInputShape === true;
    this.#groupedByStack = stackDepth > 0;
    this.#withMemory = options.withMemory;
    const groups = new Map<string, EventAverage>();
    for (const event of events) {
      if (event.kind === 'memory') continue;
      const stack = this.#groupedByStack ? (event.stack ?? []).slice(0, stackDepth) : undefined;
      let key = event.name;
      if (this.#groupedByShape) key += '\u0000' + JSON.stringify(event.inputShapes ?? []);
      if (stack !== undefined) key += '\u0000' + stack.join('\n');
      let group = groups.get(key);
      if (group === undefined) {
        group = { key: event.name, count: 0, cpuTimeTotal: 0, selfCpuTimeTotal: 0, cpuTime: 0, cpuMemoryUsage: 0, selfCpuMemoryUsage: 0, inputShapes: event.inputShapes, stack }; // prettier-ignore
        groups.set(key, group);
      }
      group.count += 1;
      group.cpuTimeTotal += event.durationUs;
      group.selfCpuTimeTotal += event.selfCpuTimeUs;
      group.cpuMemoryUsage += event.cpuMemoryUsage;
      group.selfCpuMemoryUsage += event.selfCpuMemoryUsage;
    }
    for (const group of groups.values()) group.cpuTime = group.cpuTimeTotal / group.count;
    this.rows = [...groups.values()];
  }

  /** The sum of every group's self time: the "Self CPU time total" under the table. */
  get selfCpuTimeTotal(): number {
    return this.rows.reduce((sum, row) => sum + row.selfCpuTimeTotal, 0);
  }

  /** PyTorch's `key_averages().table(sort_by=..., row_limit=...)`. */
  table(options: TableOptions = {}): string {
    const field = options.sortBy === undefined ? undefined : sortFields[options.sortBy];
    if (options.sortBy !== undefined && field === undefined) throw new Error(`table: unknown sortBy '${String(options.sortBy)}'; expected one of ${Object.keys(sortFields).join(', ')}`); // prettier-ignore
    const limit = options.rowLimit ?? -1;
    const sorted = field === undefined ? [...this.rows] : [...this.rows].sort((a, b) => Number(b[field]) - Number(a[field]));
    const rows = limit >= 0 ? sorted.slice(0, limit) : sorted;
    const total = this.selfCpuTimeTotal;
    const maxName = options.maxNameColumnWidth ?? 55;
    const nameWidth = Math.min(Math.max(...this.rows.map((row) => row.key.length), 4) + 4, maxName);
    const columns: { header: string; width: number; left?: boolean; value: (row: EventAverage) => string }[] = [
      { header: 'Name', width: nameWidth, value: (row) => truncate(row.key, nameWidth) },
      { header: 'Self CPU %', width: 12, value: (row) => share(row.selfCpuTimeTotal, total) },
      { header: 'Self CPU', width: 12, value: (row) => formatTime(row.selfCpuTimeTotal) },
      { header: 'CPU total %', width: 12, value: (row) => share(row.cpuTimeTotal, total) },
      { header: 'CPU total', width: 12, value: (row) => formatTime(row.cpuTimeTotal) },
      { header: 'CPU time avg', width: 12, value: (row) => formatTime(row.cpuTime) },
    ];
    if (this.#withMemory) {
      columns.push({ header: 'CPU Mem', width: 12, value: (row) => formatMemory(row.cpuMemoryUsage) });
      columns.push({ header: 'Self CPU Mem', width: 12, value: (row) => formatMemory(row.selfCpuMemoryUsage) });
    }
    columns.push({ header: '# of Calls', width: 12, value: (row) => String(row.count) });
    if (this.#groupedByShape) {
      const shapeText = (row: EventAverage) => formatShape(row.inputShapes ?? []);
      const width = Math.min(Math.max(...this.rows.map((row) => shapeText(row).length), 12) + 4, 80);
      columns.push({ header: 'Input Shapes', width, left: true, value: (row) => truncate(shapeText(row), width) });
    }
    if (this.#groupedByStack) {
      columns.push({ header: 'Source Location', width: 55, left: true, value: (row) => truncate(row.stack?.[0] ?? '', 55) });
    }
    const line = (cells: string[]) => cells.map((cell, i) => pad(cell, columns[i]!)).join('') + '\n';
    const separator = columns.map((column) => '-'.repeat(column.width) + '  ').join('') + '\n';
    let text = separator + line(columns.map((column) => column.header)) + separator;
    for (const row of rows) text += line(columns.map((column) => column.value(row)));
    return text + separator + `Self CPU time total: ${formatTime(total)}\n`;
  }
}

function pad(cell: string, column: { width: number; left?: boolean }): string {
  return (column.left === true ? cell.padEnd(column.width) : cell.padStart(column.width)) + '  ';
}

function truncate(text: string, width: number): string {
  return text.length > width ? text.slice(0, width - 3) + '...' : text;
}

/** PyTorch's format_time: microseconds as us, ms or s with three decimals. */
export function formatTime(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(3)}s`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(3)}ms`;
  return `${us.toFixed(3)}us`;
}

/** PyTorch's format_memory: bytes as b, Kb, Mb or Gb. */
export function formatMemory(bytes: number): string {
  const kb = 1024;
  const mb = kb * 1024;
  const gb = mb * 1024;
  if (Math.abs(bytes) >= gb) return `${(bytes / gb).toFixed(2)} Gb`;
  if (Math.abs(bytes) >= mb) return `${(bytes / mb).toFixed(2)} Mb`;
  if (Math.abs(bytes) >= kb) return `${(bytes / kb).toFixed(2)} Kb`;
  return `${bytes} b`;
}

function share(part: number, total: number): string {
  return total > 0 ? `${((part * 100) / total).toFixed(2)}%` : '0.00%';
}

/** Shapes as PyTorch prints them: `[[64, 784], [256, 784], []]`. */
function formatShape(shape: unknown): string {
  return Array.isArray(shape) ? '[' + shape.map((item) => formatShape(item)).join(', ') + ']' : String(shape);
}
