#!/usr/bin/env node
// The `nodetorch` executable (package.json `bin`): runs lib/cli/main.ts and exits with its code.
import { main } from './main.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
