import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { registerAliasCommand } from './alias-command.js';
import { registerCallsCommand } from './calls-command.js';
import { registerCompletionCommand } from './completion-command.js';
import { registerConfigCommands } from './config-command.js';
import { registerCredentialsCommand } from './credentials-command.js';
import { registerDestinationsCommand } from './destinations-command.js';
import { registerDoctorCommand } from './doctor-command.js';
import { registerExplainCommand } from './explain-command.js';
import { registerIpsCommand } from './ips-command.js';
import { registerLoginCommand } from './login-command.js';
import { registerNumbersCommand } from './numbers-command.js';
import { registerOperatorCommand } from './operator-command.js';
import { registerQuickstartCommand } from './quickstart-command.js';
import { registerRegistrationsCommand } from './registrations-command.js';
import { registerTrunksCommand } from './trunks-command.js';
import { registerWebhooksCommand } from './webhooks-command.js';

export type { CliIo } from './cli-io.js';

/**
 * Every command that talks to the API (through the SDK only): login, the resource commands,
 * quickstart, doctor, explain and calls. `io.env` is the one environment the profile reads.
 */
export function registerClientCommands(program: Command, io: Partial<CliIo> = {}): void {
  const full: CliIo = {
    env: io.env ?? {},
    stdin: io.stdin ?? process.stdin,
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    setExitCode:
      io.setExitCode ??
      ((code: number) => {
        process.exitCode = code;
      }),
  };
  // The command about to run decides how its errors print (`--json` → JSON).
  program.hook('preAction', (_program, action) => {
    full.json = action.opts().json === true;
  });
  registerLoginCommand(program, full);
  registerQuickstartCommand(program, full);
  registerTrunksCommand(program, full);
  registerNumbersCommand(program, full);
  registerConfigCommands(program, full);
  registerIpsCommand(program, full);
  registerDestinationsCommand(program, full);
  registerCredentialsCommand(program, full);
  registerOperatorCommand(program, full);
  registerAliasCommand(program, full);
  registerCallsCommand(program, full);
  registerRegistrationsCommand(program, full);
  registerWebhooksCommand(program, full);
  registerDoctorCommand(program, full);
  registerExplainCommand(program, full);
  registerCompletionCommand(program, full);
  program.addHelpText(
    'after',
    `
First call:
  $ vsip login                                                # API URL, account SID, key, token
  $ vsip quickstart termination --trunk-name outbound_trunk --number +919876543210 --pbx-ip 203.0.113.10
  $ vsip doctor outbound_trunk --pbx-ip 203.0.113.10          # the checklist, run for real (a trunk SID or name)
  $ vsip explain 403                                          # meaning, cause, fix`,
  );
}
