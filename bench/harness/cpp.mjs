// Builds the C++ LibTorch peer (bench/peers/cpp/*.cpp) with g++ against the LibTorch that
// scripts/find-libtorch.cjs finds, into bench/.build/; rebuilt only when a source is newer.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { benchDir, progress, repoRoot } from './processes.mjs';

const sourceDir = path.join(benchDir, 'peers', 'cpp');
const buildDir = path.join(benchDir, '.build');
export const cppBinary = path.join(buildDir, 'bench');

function compile(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('g++', args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`g++ exited ${code}`))));
    child.on('error', reject);
  });
}

/** The binary's path, built if needed; the C++ peer's cells read n/a if this throws. */
export async function buildCpp() {
  const sources = readdirSync(sourceDir).filter((name) => /\.(cpp|h)$/.test(name));
  const newest = Math.max(...sources.map((name) => statSync(path.join(sourceDir, name)).mtimeMs));
  if (existsSync(cppBinary) && statSync(cppBinary).mtimeMs > newest) return cppBinary;
  mkdirSync(buildDir, { recursive: true });
  const find = (flag) =>
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'find-libtorch.cjs'), flag], { encoding: 'utf8' }).trim();
  const includes = find('--include-dirs')
    .split(/\s+/)
    .filter(Boolean)
    .map((dir) => `-I${dir}`);
  const libDir = find('--lib-dir');
  const flags = ['-O2', '-std=c++17', `-D_GLIBCXX_USE_CXX11_ABI=${find('--cxx-abi')}`, ...includes];
  progress('building the C++ LibTorch peer (once; about a minute)...');
  // One object per source, compiled in parallel (torch.h dominates each), then linked.
  const units = sources.filter((name) => name.endsWith('.cpp'));
  const objects = units.map((name) => path.join(buildDir, name.replace(/\.cpp$/, '.o')));
  await Promise.all(units.map((name, i) => compile([...flags, '-c', path.join(sourceDir, name), '-o', objects[i]])));
  await compile([...objects, '-o', cppBinary, `-L${libDir}`, `-Wl,-rpath,${libDir}`, '-ltorch', '-ltorch_cpu', '-lc10']);
  return cppBinary;
}
