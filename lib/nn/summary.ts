/** A torchinfo-like table of a model: each layer's type, output shape and parameter count. */
import { noGrad } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';

interface Row {
  name: string;
  type: string;
  depth: number;
  outputShape: string;
  params: number;
}

function shapeOf(value: unknown): string {
  if (value instanceof Tensor) return `[${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return value.map(shapeOf).join(', ');
  return '--';
}

/**
 * Runs `model.forward(...inputs)` once without grad and returns a table of every module with its
 * output shape and own parameter count, then the totals (trainable and frozen).
 */
export function summary(model: Module, ...inputs: unknown[]): string {
  const rows: Row[] = [];
  const handles = [];
  for (const [name, module] of model.namedModules()) {
    const row: Row = {
      name: name || '(root)',
      type: module.constructor.name,
      depth: name ? name.split('.').length : 0,
      outputShape: '--',
      params: [...module.parameters({ recurse: false })].reduce((n, p) => n + p.numel(), 0),
    };
    rows.push(row);
    handles.push(module.registerForwardHook((_, __, output) => void (row.outputShape = shapeOf(output))));
  }
  try {
    noGrad(() => (model.forward as (...args: unknown[]) => unknown)(...inputs));
  } finally {
    for (const handle of handles) handle.remove();
  }
  const total = model.numParameters();
  const trainable = model.numParameters({ trainableOnly: true });
  const cells = rows.map((r) => [
    `${'  '.repeat(r.depth)}${r.type}${r.depth ? ` (${r.name})` : ''}`,
    r.outputShape,
    r.params ? r.params.toLocaleString('en-US') : '--',
  ]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('   ');
  const rule = '='.repeat(widths.reduce((a, b) => a + b, 0) + 6);
  return [
    rule,
    line(header),
    rule,
    ...cells.map(line),
    rule,
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
    rule,
  ].join('\n');
}
