/**
 * Runs a batch of fuzz cases in this process: `child.ts <category> <seed> <first> <count>`. Before
 * each case it writes `case <index>` to stderr (synchronously), so that when the process dies the
 * parent knows which case killed it; a wrong result is reported as `mismatch <index> <why>` and a
 * thrown non-Error as `not-an-error <index>`; it ends with `done`.
 */
import { writeSync } from 'node:fs';
import { FuzzMismatch } from './case.ts';
import { categories } from './categories.ts';

const [name, seedText, firstText, countText] = process.argv.slice(2);
const category = categories.find((c) => c.name === name);
if (!category) throw new Error(`unknown fuzz category ${name}`);
const seed = Number(seedText);
const first = Number(firstText);
const count = Number(countText);
const mode = process.env.NODETORCH_FUZZ_MODE === 'long' ? 'long' : 'quick';

// A case may leave rejected promises or warnings behind; neither is a crash.
process.on('unhandledRejection', () => {});
process.removeAllListeners('warning');

for (let index = first; index < first + count; index++) {
  writeSync(2, `case ${index}\n`);
  const fuzzCase = category.make(seed, index, mode);
  try {
    await fuzzCase.run();
  } catch (error) {
    if (error instanceof FuzzMismatch) writeSync(2, `mismatch ${index} ${error.message.replace(/\n/g, ' ')}\n`);
    else if (!(error instanceof Error)) writeSync(2, `not-an-error ${index} ${String(error)}\n`);
  }
}
writeSync(2, 'done\n');
