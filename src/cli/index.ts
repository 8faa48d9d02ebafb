/**
 * The `weft` command. `main()` parses, runs one command and maps failures to the exit codes of cli.md:
 * 0 success, 1 the DAG run failed or was cancelled, 2 bad input, usage or setup. Expected failures are
 * printed as the sentence they carry; anything else is a bug and keeps its stack.
 */
import { Command, CommanderError } from 'commander';
import { WeftExit, WeftSetupError, WeftUsageError } from '../errors';
import { WeftValidationError, formatIssues } from '../dsl/issues';
import { processOutput, type Output } from './output';
import { registerCodecCommand, registerServerCommands } from './server-commands';
import { registerDagCommands } from './dag-commands';
import { registerValidateCommand } from './validate-command';
import { registerListCommand } from './list-command';
import { registerGraphCommand } from './graph-command';
import { registerServeCommand } from './serve-command';
import { registerInterventionCommands } from './intervention-commands';
import { registerScheduleCommands } from './schedule-commands';
import { runExample } from './example';
import { addConnectionOptions, withRestoredConnectionEnv } from './connection-options';
import { explainError } from '../client/connect';
import { connectionConfigFromEnv } from '../connection';

export function buildProgram(io: Output = processOutput): Command {
  const program = new Command('weft')
    .description('Durable DAG workflows and triggers on Temporal')
    .version(require('../../package.json').version)
    .showHelpAfterError('(run "weft --help" for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  registerValidateCommand(program, io);
  registerDagCommands(program, io);
  registerListCommand(program, io);
  registerGraphCommand(program, io);
  registerServeCommand(program, io);
  registerInterventionCommands(program, io);
  registerScheduleCommands(program, io);
  registerServerCommands(program, io, { afterStart: (config, file) => runExample(config, file, io) });
  registerCodecCommand(program, io);
  addConnectionOptions(program);
  const exitOverride = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(exitOverride);
  };
  program.commands.forEach(exitOverride);
  return program;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof WeftExit) return err.exitCode;
  if (err instanceof WeftSetupError || err instanceof WeftUsageError || err instanceof WeftValidationError) return 2;
  if ((err as { exitCode?: number })?.exitCode !== undefined) return (err as { exitCode: number }).exitCode;
  return 2;
}

/** Temporal's errors that reached the top without a sentence (e.g. from a worker), as one when they can be. */
function explain(err: unknown): unknown {
  if (err instanceof CommanderError || err instanceof WeftExit) return err;
  let config;
  try {
    config = connectionConfigFromEnv();
  } catch {
    return err; // the environment itself is wrong; the command has said so already
  }
  return explainError(err, config) ?? err;
}

export async function main(argv: string[] = process.argv, io: Output = processOutput): Promise<number> {
  // The connection flags become the environment for this one command, explanations of its errors included.
  return withRestoredConnectionEnv(async () => {
    try {
      await buildProgram(io).parseAsync(argv);
      return 0;
    } catch (thrown) {
      const err = explain(thrown);
      const code = exitCodeFor(err);
      if (err instanceof CommanderError) return code; // commander already printed the usage problem
      if (err instanceof WeftExit) return code; // the command already said why
      if (err instanceof WeftValidationError) io.err(`weft: the document is invalid:\n${formatIssues(err.issues)}`);
      else if (err instanceof WeftSetupError || err instanceof WeftUsageError) io.err(`weft: ${err.message}`);
      else io.err(`weft: unexpected error (please report it): ${(err as Error)?.stack ?? String(err)}`);
      return code;
    }
  });
}
