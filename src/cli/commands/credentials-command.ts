import type { Command } from 'commander';
import { renderFields } from '../output/render-table.js';
import { canPrompt, confirm, print, printJson, type CliIo } from './cli-io.js';
import { withCommonOptions } from './common-options.js';
import { trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, UsageError, type CommonFlags } from './run-action.js';

export function registerCredentialsCommand(program: Command, io: CliIo): void {
  const credentials = program
    .command('credentials')
    .description("a trunk's SIP digest credentials (username = trunk_sid)");
  credentials.addHelpText(
    'after',
    `
Examples:
  $ vsip credentials show TR0123456789abcdef
  $ vsip credentials rotate TR0123456789abcdef --yes`,
  );

  withCommonOptions(credentials.command('show <trunk>'))
    .description('show the SIP username and password to configure in your PBX')
    .addHelpText('after', '\nExample:\n  $ vsip credentials show TR0123456789abcdef --json')
    .action((trunk: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const c = await clientFor(io, flags).credentials.get(trunkSid);
        if (flags.json) printJson(io, c);
        else
          print(
            io,
            renderFields([
              ['Username', c.username],
              ['Password', c.password],
              ['Realm', 'pstn.exotel.com (Digest authentication, not Basic)'],
            ]),
          );
      }),
    );

  withCommonOptions(credentials.command('rotate <trunk>'))
    .description('issue a new SIP password (the old one stops working at once)')
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .addHelpText('after', '\nExample:\n  $ vsip credentials rotate TR0123456789abcdef --yes')
    .action((trunk: string, flags: CommonFlags & { yes?: boolean }) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        if (!flags.yes) {
          if (!canPrompt(io))
            throw new UsageError(
              `refusing to rotate the SIP password of ${trunkSid} without confirmation: stdin is not a terminal; ` +
                `pass --yes`,
            );
          if (
            !(await confirm(
              io,
              `Rotate the SIP password of ${trunkSid}? PBXs using the old one will get 401 until updated`,
            ))
          )
            return 1;
        }
        const c = await clientFor(io, flags).credentials.rotate(trunkSid);
        if (flags.json) printJson(io, c);
        else
          print(
            io,
            `New SIP password issued; update your PBX now.\n\n${renderFields([
              ['Username', c.username],
              ['Password', c.password],
            ])}`,
          );
      }),
    );
}
