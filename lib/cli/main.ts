/**
 * The `nodetorch` command line (commander): `train`, `eval`, `predict`, `sweep` and `data`, each with
 * `--help`; later commands (export, serve, bench, launch) register here too. Exit codes: 0 success,
 * 1 failure, 2 usage or config error (lib/cli/exit-codes.ts).
 * @module
 */
import { Command, CommanderError } from 'commander';
import '../index.js'; // the whole package: Tensor methods are installed there
import { addDataCommands } from './commands/data.js';
import { ExitCode, UsageError } from './exit-codes.js';

/** The program with every command registered (exported for tests and `--help` output). */
export function createProgram(): Command {
  const program = new Command('nodetorch')
    .description('PyTorch for Node.js: train, sweep and inspect models from configs (Hydra-style)')
    .showHelpAfterError()
    .exitOverride();
  addDataCommands(program);
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
    if (
      error instanceof UsageError ||
      (error as Error).name === 'ConfigValidationError' ||
      (error as Error).name === 'OverrideParseError'
    ) {
      process.stderr.write(`nodetorch: ${(error as Error).message}\n`);
      return ExitCode.usage;
    }
    process.stderr.write(`nodetorch: ${(error as Error)?.stack ?? String(error)}\n`);
    return ExitCode.failure;
  }
}
