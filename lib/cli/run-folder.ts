/**
 * Run folders as Hydra makes them: `<run dir>/.hydra/{config,hydra,overrides}.yaml` (the job's
 * config before resolution, the hydra node, the task overrides), the job log `<job name>.log`
 * (everything the job prints), and for multiruns `multirun.yaml` at the sweep folder's root.
 * @module
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../io/atomic.js';
import type { ComposeResult } from '../conf/compose.js';

/** The run folder of a composed job: `hydra.runtime.output_dir`, made absolute from the cwd. */
export function runDirOf(composed: ComposeResult): string {
  return path.resolve(String((composed.hydra.runtime as Record<string, unknown>).output_dir));
}

/** Writes `.hydra/` into `runDir` (made if needed). */
export async function writeHydraFiles(runDir: string, composed: ComposeResult): Promise<void> {
  const folder = path.join(runDir, typeof composed.hydra.output_subdir === 'string' ? composed.hydra.output_subdir : '.hydra');
  mkdirSync(folder, { recursive: true });
  await writeFileAtomic(path.join(folder, 'config.yaml'), stringify(composed.unresolved));
  await writeFileAtomic(path.join(folder, 'hydra.yaml'), stringify({ hydra: composed.hydra }));
  await writeFileAtomic(path.join(folder, 'overrides.yaml'), stringify(composed.taskOverrides));
}

/** Writes `multirun.yaml` (the first job's config with its hydra node) at the sweep folder's root. */
export async function writeMultirunFile(sweepDir: string, composed: ComposeResult): Promise<void> {
  mkdirSync(sweepDir, { recursive: true });
  await writeFileAtomic(path.join(sweepDir, 'multirun.yaml'), stringify({ hydra: composed.hydra, ...composed.unresolved }));
}

/**
 * Copies everything written to stdout and stderr into `file` until the returned function is
 * called (Hydra's job log). The console still gets it all.
 */
export function teeOutput(file: string): () => Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const log: WriteStream = createWriteStream(file, { flags: 'a' });
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    stream.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
      log.write(chunk);
      return (originals[i] as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest);
    };
  });
  return () => {
    streams.forEach((stream, i) => (stream.write = originals[i] as typeof stream.write));
    return new Promise((resolve) => log.end(resolve));
  };
}
