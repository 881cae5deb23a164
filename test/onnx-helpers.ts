// Helpers of the ONNX export tests: run an exported file in onnxruntime-node and compare with
// nodetorch, and validate it with Debian's python3-onnx checker where that is installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Test } from 'uvu';
import * as torch from '../lib/index.ts';
import { testOrSkip } from './helpers.ts';

export const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-onnx-'));

/** The newest opset the installed python3-onnx knows (Debian 12's onnx 1.12: 17), or undefined without it. */
export const checkerOpset = (() => {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import onnx.defs; print(onnx.defs.onnx_opset_version())'], { encoding: 'utf8' });
  return probe.status === 0 ? Number(probe.stdout.trim()) : undefined;
})();

/** Why the onnx.checker checks are skipped, or undefined when python3-onnx is there. */
export const noOnnxChecker = checkerOpset === undefined ? 'python3-onnx is not installed (apt-get install -y python3-onnx)' : undefined;

/** Files exported so far, with their opsets, for {@link registerCheckerTest}. */
const exported: { file: string; opset: number }[] = [];

/** Records a file for the checker test. */
export function recordExport(file: string, opset = 17): void {
  exported.push({ file, opset });
}

/**
 * Registers (last in a file) the test that runs onnx.checker.check_model(full_check=True) on
 * every file the earlier tests recorded, or skips it with the reason where python3-onnx is
 * missing. A file of an opset newer than the checker knows is left out: the checker refuses its
 * IR version outright.
 */
export function registerCheckerTest(register: Test): void {
  const name = `onnx.checker full_check passes on every exported file (opsets up to ${checkerOpset ?? 17})`;
  testOrSkip(register, name, noOnnxChecker, () => {
    const checked = exported.filter((e) => e.opset <= checkerOpset!);
    assert.ok(checked.length > 0, 'files were exported');
    const script = [
      'import sys, onnx',
      'for f in sys.argv[1:]:',
      '    try: onnx.checker.check_model(onnx.load(f), full_check=True)',
      '    except Exception as e: sys.exit(f"{f}: {e}")',
    ].join('\n');
    const run = spawnSync('/usr/bin/python3', ['-c', script, ...checked.map((e) => e.file)], { encoding: 'utf8' });
    assert.equal(run.status, 0, `onnx.checker rejected a file:\n${run.stderr.slice(-3000)}`);
  });
}

const ORT_TYPES: Partial<Record<torch.DTypeName, ort.Tensor.Type>> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
  uint8: 'uint8',
};

/** A nodetorch tensor as an onnxruntime tensor. */
export function toOrt(t: torch.Tensor): ort.Tensor {
  const type = ORT_TYPES[t.dtype];
  if (!type) throw new Error(`no onnxruntime type for ${t.dtype}`);
  const data = t.dtype === 'bool' ? Uint8Array.from(t.toTypedArray() as Uint8Array) : t.toTypedArray();
  return new ort.Tensor(type, data as Float32Array, t.shape);
}

/** Runs a file on `inputs` (by input name); the outputs by name. */
export async function runOrt(file: string, inputs: Record<string, torch.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(file);
  try {
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, toOrt(t)]));
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** The tensors of a forward's result, flattened in order. */
export function flat(value: unknown): torch.Tensor[] {
  if (value instanceof torch.Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(flat);
  return [];
}

/**
 * Asserts |actual - expected| <= tol + tol * |expected| elementwise, with equal shapes. With
 * `step` (a quantized output's scale), an element may instead be up to two steps apart, as long as
 * at least half of them are within the tolerance.
 */
export function assertOrtClose(actual: ort.Tensor, expected: torch.Tensor, label: string, tol = 1e-5, step?: number): void {
  assert.deepEqual([...actual.dims], expected.shape, `${label}: shape`);
  const got = Array.from(actual.data as ArrayLike<number | bigint>, Number);
  const want = Array.from(expected.toTypedArray() as ArrayLike<number | bigint>, Number);
  let stepsApart = 0;
  for (let i = 0; i < want.length; i++) {
    const error = Math.abs(got[i]! - want[i]!) - tol * Math.abs(want[i]!);
    if (error <= tol) continue;
    if (step !== undefined && error <= 2 * step + tol) {
      stepsApart++;
      continue;
    }
    assert.fail(
      `${label}[${i}]: onnxruntime ${got[i]}, nodetorch ${want[i]} (tolerance ${tol} + ${tol} * |x|${step ? `, or 2 steps of ${step}` : ''})`,
    );
  }
  assert.ok(stepsApart <= want.length / 2, `${label}: ${stepsApart} of ${want.length} outputs are a quantization step or two apart`);
}

/** What {@link roundTrip} checks. */
export interface RoundTrip {
  model: torch.nn.Module | torch.jit.ScriptModule;
  /** The example the export traces with. */
  example: torch.Tensor[];
  /** More inputs to run (other batch sizes along the dynamic axes). */
  others?: torch.Tensor[][];
  options?: torch.onnx.ExportOptions;
  /** The nodetorch reference (default: model.forward in eval mode, without grad). */
  reference?: (...inputs: torch.Tensor[]) => unknown;
  /**
   * A quantized output's scale: onnxruntime's float convolutions between QuantizeLinear and
   * DequantizeLinear round differently from LibTorch's int8 kernels (and from CPU to CPU), so a
   * value may land a step or two apart (see {@link assertOrtClose}).
   */
  quantizationStep?: number;
}

/**
 * Exports `model` to `<dir>/<name>.onnx`, runs the file in onnxruntime on the example and every
 * other input and compares each output with nodetorch's; records the file for the checker test.
 * Returns the file's path.
 */
export async function roundTrip(name: string, spec: RoundTrip): Promise<string> {
  const file = path.join(dir, `${name}.onnx`);
  await torch.onnx.export(spec.model, spec.example, file, spec.options);
  if (spec.model instanceof torch.nn.Module) spec.model.eval();
  const reference = spec.reference ?? ((...inputs: torch.Tensor[]) => (spec.model.forward as (...x: torch.Tensor[]) => unknown)(...inputs));
  const inputNames = spec.example.map((_, i) => spec.options?.inputNames?.[i] ?? `input_${i}`);
  for (const inputs of [spec.example, ...(spec.others ?? [])]) {
    const expected = flat(torch.noGrad(() => reference(...inputs)));
    const outputs = await runOrt(file, Object.fromEntries(inputs.map((t, i) => [inputNames[i]!, t])));
    const outputNames = expected.map((_, i) => spec.options?.outputNames?.[i] ?? `output_${i}`);
    assert.equal(Object.keys(outputs).length, expected.length, `${name}: number of outputs`);
    expected.forEach((want, i) =>
      assertOrtClose(
        outputs[outputNames[i]!]!,
        want,
        `${name} ${outputNames[i]} at input shape [${inputs[0]!.shape}]`,
        1e-5,
        spec.quantizationStep,
      ),
    );
  }
  recordExport(file, spec.options?.opsetVersion ?? 17);
  return file;
}
