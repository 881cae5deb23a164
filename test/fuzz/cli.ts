/**
 * `npm run fuzz -- [--long] [--seed N] [category ...]`: runs the fuzz suite and prints every failure
 * with a reproducer. Quick mode is what the test suite runs; long mode runs many more cases.
 * `npm run fuzz -- <category> --seed N --case I` replays one case in this process.
 */
import { categories } from './categories.ts';
import { formatFailure, runCategory } from './runner.ts';

const args = process.argv.slice(2);
const mode = args.includes('--long') ? 'long' : 'quick';
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
const caseAt = args.indexOf('--case');
const names = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--seed' && args[i - 1] !== '--case');
const chosen = names.length ? categories.filter((c) => names.includes(c.name)) : categories;

if (caseAt >= 0) {
  const index = Number(args[caseAt + 1]);
  const fuzzCase = chosen[0]!.make(seed, index, mode);
  console.log(`${chosen[0]!.name} case ${index} (seed ${seed}): ${fuzzCase.title}\n${fuzzCase.code}`);
  try {
    await fuzzCase.run();
    console.log('returned');
  } catch (error) {
    console.log('threw', error);
  }
  process.exit(0);
}

let failed = 0;
for (const category of chosen) {
  const started = Date.now();
  const failures = await runCategory(category, { seed, mode });
  failed += failures.length;
  console.log(
    `${category.name}: ${category.counts[mode]} cases, ${failures.length} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  for (const failure of failures) console.log(formatFailure(failure));
}
process.exitCode = failed > 0 ? 1 : 0;
