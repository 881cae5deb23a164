// The fuzz suite's quick mode (test/fuzz/): seeded cases in child processes; a crash, a hang or a
// wrong result fails with its reproducer. `npm run fuzz -- --long` runs many more cases.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { categories } from './fuzz/categories.ts';
import { formatFailure, runCategory } from './fuzz/runner.ts';

for (const category of categories) {
  test(`fuzz: ${category.name} (${category.counts.quick} cases, seed 1)`, async () => {
    const failures = await runCategory(category, { seed: 1, mode: 'quick', concurrency: 1 });
    assert.equal(failures.length, 0, `\n${failures.map(formatFailure).join('\n')}`);
  });
}

test.run();
