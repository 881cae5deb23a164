/**
 * Reading a trial's progress file (lib/cli/sweep/progress-callback.ts writes it): the metric's
 * value after each epoch. A resumed trial may report an epoch again; the later line wins.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { ProgressLine } from './progress-callback.js';

/** The values of `metric` in `file`, one per epoch in epoch order (empty when there is no file yet). */
export function readProgress(file: string, metric: string): number[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const byEpoch = new Map<number, number>();
  // The last piece has no newline while the trial is still writing it: it is left for the next read.
  for (const line of text.split('\n').slice(0, -1)) {
    let parsed: ProgressLine;
    try {
      parsed = JSON.parse(line) as ProgressLine;
    } catch {
      continue; // not ours: a progress file is appended to by the trial alone, but stay robust
    }
    const value = parsed?.metrics?.[metric];
    if (typeof value === 'number' && Number.isFinite(value) && Number.isInteger(parsed.epoch)) byEpoch.set(parsed.epoch, value);
  }
  return [...byEpoch.entries()].sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}
