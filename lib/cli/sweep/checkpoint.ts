/**
 * The checkpoint a re-run trial resumes from: the `interrupted.ckpt` the Trainer saves when
 * SIGINT stops a fit mid-epoch; else (SIGINT came during validation or between epochs, as it
 * mostly does in tiny runs) the newest `last.ckpt`, else the newest checkpoint ModelCheckpoint
 * kept. Each is a full training checkpoint; resuming from an earlier epoch redoes the epochs after
 * it instead of the whole trial.
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every `.ckpt` file under `dir`, with its modification time. */
function checkpointsUnder(dir: string): { file: string; mtime: number }[] {
  const found: { file: string; mtime: number }[] = [];
  const walk = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ckpt')) found.push({ file, mtime: statSync(file).mtimeMs });
    }
  };
  walk(dir);
  return found.sort((a, b) => b.mtime - a.mtime);
}

/** The checkpoint under the trial folder `dir` to resume from, or undefined (start afresh). */
export function findResumeCheckpoint(dir: string): string | undefined {
  const all = checkpointsUnder(dir);
  const named = (name: string) => all.find((c) => path.basename(c.file) === name)?.file;
  return named('interrupted.ckpt') ?? named('last.ckpt') ?? all[0]?.file;
}
