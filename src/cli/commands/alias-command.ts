import type { Command } from 'commander';
import { TRUNK_ALIAS_SETTING } from '../../client/settings-api.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { withCommonOptions } from './common-options.js';
import { trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, type CommonFlags } from './run-action.js';

export function registerAliasCommand(program: Command, io: CliIo): void {
  const alias = program
    .command('alias')
    .description('the trunk external alias: the caller ID sent to the PSTN instead of the PBX one');
  alias.addHelpText(
    'after',
    `
Examples:
  $ vsip alias set TR0123456789abcdef +919876543210
  $ vsip alias show TR0123456789abcdef
  $ vsip alias clear TR0123456789abcdef`,
  );

  withCommonOptions(alias.command('set <trunk> <alias>'))
    .description(`set ${TRUNK_ALIAS_SETTING}`)
    .addHelpText('after', '\nExample:\n  $ vsip alias set TR0123456789abcdef +919876543210')
    .action((trunk: string, value: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const s = await clientFor(io, flags).settings.setAlias(trunkSid, value);
        if (flags.json) printJson(io, s);
        else print(io, `Trunk ${trunkSid} now presents ${s.value} as caller ID to the PSTN.`);
      }),
    );

  withCommonOptions(alias.command('show <trunk>'))
    .description(`show ${TRUNK_ALIAS_SETTING}`)
    .addHelpText('after', '\nExample:\n  $ vsip alias show TR0123456789abcdef --json')
    .action((trunk: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const value = await clientFor(io, flags).settings.getAlias(trunkSid);
        if (flags.json) printJson(io, { name: TRUNK_ALIAS_SETTING, value });
        else print(io, value === null ? `No alias set on ${trunkSid}: the PBX's caller ID is sent as is.` : value);
      }),
    );

  withCommonOptions(alias.command('clear <trunk>'))
    .description(`remove ${TRUNK_ALIAS_SETTING}`)
    .addHelpText('after', '\nExample:\n  $ vsip alias clear TR0123456789abcdef')
    .action((trunk: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const data = await clientFor(io, flags).settings.clearAlias(trunkSid);
        if (flags.json) printJson(io, data ?? { name: TRUNK_ALIAS_SETTING, deleted: true });
        else print(io, `Alias cleared on ${trunkSid}.`);
      }),
    );
}
