#!/usr/bin/env node
/**
 * The `vsip` executable: `vsip serve` runs the API and the SIP gateway; `vsip accounts` manages
 * accounts directly in the store; the other commands are API clients built on the SDK.
 */
import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerServeCommand } from './serve-command.js';
import { registerAccountsCommand } from './accounts-command.js';
import { registerOperatorTokenCommand } from './operator-token-command.js';
import { registerClientCommands } from './commands/index.js';
import { registerPstnSimCommand } from './pstn-sim-command.js';
import { registerBackupCommands } from './backup-command.js';

// `vsip calls --follow | head`: once the reader is gone there is no one to print for. Exit quietly,
// as Unix tools do on SIGPIPE, instead of an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const program = new Command('vsip')
  .description('vsip — self-hostable SIP trunking: the vSIP trunk configuration API and the SIP gateway behind it')
  .version(VERSION)
  .showHelpAfterError('(add --help for usage and examples)')
  // A subcommand's options are its own even when its parent has one of the same name
  // (`vsip pstn-sim call --transport tcp`); the program's own are only --version and --help.
  .enablePositionalOptions();

registerServeCommand(program);
registerAccountsCommand(program);
registerOperatorTokenCommand(program);
registerPstnSimCommand(program, process.env);
registerBackupCommands(program);
registerClientCommands(program, { env: process.env });

program.addHelpText(
  'after',
  `
Examples:
  $ vsip serve                         # API on http://127.0.0.1:8080, SIP on 5060/5061, SQLite in ./data
  $ vsip accounts create --name acme   # a new account with its API key and token`,
);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`vsip: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
