// From the outputs of a participant's processes (one per round) to a table cell: the median of
// what `pick` reads from each, or, when none gave a number, why (its error, or what it refused).
import { median } from './stats.mjs';

export function cell(outputs, pick) {
  const numbers = outputs.filter((out) => !out.error && !out.unsupported).map(pick);
  const value = median(numbers);
  if (Number.isFinite(value)) return { value };
  const failed = outputs.find((out) => out.error || out.unsupported);
  return { value: null, note: failed?.unsupported ? `not supported: ${failed.unsupported}` : (failed?.error ?? 'not measured') };
}

/** Cells of every participant: { values, notes } as a row wants them. */
export function cells(outputsByName, pick, unavailable = {}) {
  const values = {};
  const notes = {};
  for (const name of new Set([...Object.keys(outputsByName), ...Object.keys(unavailable)])) {
    const { value, note } = unavailable[name] ? { value: null, note: unavailable[name] } : cell(outputsByName[name] ?? [], pick);
    values[name] = value;
    if (note) notes[name] = note;
  }
  return { values, notes };
}

/** ms per step from a training participant's epochs (the first is warm-up). */
export function msPerStep(steps) {
  return (out) => median(out.msPerEpoch.slice(1)) / steps;
}
