// Peak resident memory of a whole process, read from GNU time's report (/usr/bin/time -v), which
// sees the child itself: Node's process.resourceUsage() only knows its own process.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';

/** { mb, seconds, stdout } of running the command, or { error }. */
export function measurePeakRss({ command, args, env, cwd }) {
  if (!existsSync(GNU_TIME)) return { error: `${GNU_TIME} is not installed (apt-get install time)` };
  const exe = command === 'node' ? process.execPath : command;
  const result = spawnSync(GNU_TIME, ['-v', exe, ...args.map(String)], { encoding: 'utf8', env, cwd, maxBuffer: 64 << 20 });
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? '')?.[1];
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(result.stderr ?? '');
  if (result.status !== 0 || !kb) {
    const tail = (result.stderr ?? '').trim().split('\n').slice(-25, -22).join(' ');
    return { error: `${path.basename(exe)} exited ${result.status}: ${tail}`.slice(0, 400) };
  }
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  return { mb: Number(kb) / 1024, seconds, stdout: result.stdout };
}
