/**
 * The `nodetorch` command line (commander): `train`, `eval`, `predict`, `export`, `sweep`, `data` and `drift`,
 * each with `--help`; later commands (serve, bench, launch) register here too. Exit codes: 0 success,
 * 1 failure, 2 usage or config error (lib/cli/exit-codes.ts).
 * @module
 */
import { Command, CommanderError } from 'commander';
import '../index.js'; // the whole package: Tensor methods are installed there
import { addDataCommands } from './commands/data.js';
import { addTrainCommand } from './commands/train.js';
import { addEvaluateCommands } from './commands/evaluate.js';
import { addExportCommand } from './commands/export.js';
import { addSweepCommand } from './commands/sweep.js';
import { addCompressCommand } from './commands/compress.js';
import { addServeCommand } from './commands/serve.js';
import { addDriftCommand } from './commands/drift.js';
import { ComposeError } from '../conf/compose.js';
import { ConfigCompositionError } from '../conf/defaults/index.js';
import { ConfigError } from '../conf/omegaconf/index.js';
import { OverrideParseError, SweepError } from '../conf/overrides/index.js';
import { ConfigValidationError } from '../conf/validation-error.js';
import { SweepConfigError } from '../sweep/index.js';
import { MonitorError } from '../monitor/errors.js';
import { ExitCode, UsageError } from './exit-codes.js';

/** The program with every command registered (exported for tests and `--help` output). */
export function createProgram(): Command {
  const program = new Command('nodetorch')
    .description('PyTorch for Node.js: train, sweep and inspect models from configs (Hydra-style)')
    .showHelpAfterError()
    .exitOverride();
  addTrainCommand(program);
  addEvaluateCommands(program);
  addExportCommand(program);
  addSweepCommand(program);
  addCompressCommand(program);
  addServeCommand(program);
  addDataCommands(program);
  addDriftCommand(program);
  return program;
}

/** Runs the CLI on `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.success;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; anything else commander rejects is a usage error.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help'
        ? ExitCode.success
        : ExitCode.usage;
    }
    if (isUsageError(error)) {
      process.stderr.write(`nodetorch: ${error.message}\n`);
      return ExitCode.usage;
    }
    process.stderr.write(`nodetorch: ${(error as Error)?.stack ?? String(error)}\n`);
    return ExitCode.failure;
  }
}

// Errors in the command line or the config: nothing was started, exit code 2.
function isUsageError(error: unknown): error is Error {
  return [
    UsageError,
    ComposeError,
    ConfigCompositionError,
    ConfigError,
    OverrideParseError,
    SweepError,
    ConfigValidationError,
    SweepConfigError,
    MonitorError,
  ].some((type) => error instanceof type);
}
