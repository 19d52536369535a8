import type { Command } from 'commander';
import type { Trunk, TrunkUpdateInput } from '../../client/types.js';
import { cell, renderFields, renderTable } from '../output/render-table.js';
import { canPrompt, confirm, print, printJson, type CliIo } from './cli-io.js';
import { withCommonOptions, withPageOptions } from './common-options.js';
import { listItems } from './list-items.js';
import { resolveTrunk, trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, UsageError, type CommonFlags } from './run-action.js';

export function trunkFields(t: Trunk): Array<[string, string]> {
  return [
    ['Trunk SID', t.trunk_sid],
    ['Name', t.trunk_name],
    ['Domain', t.domain_name],
    ['NSO code', t.nso_code],
    ['Status', cell(t.status)],
    ['Auth type', cell(t.auth_type)],
    ['Registration', t.registration_enabled === undefined ? '-' : t.registration_enabled ? 'enabled' : 'disabled'],
    ['Secure trunking', t.secure_trunking === undefined ? '-' : t.secure_trunking ? 'on' : 'off'],
    ['Created', cell(t.date_created)],
    ['Updated', cell(t.date_updated)],
  ];
}

const onOff = (name: string, v: string | undefined): boolean | undefined => {
  if (v === undefined) return undefined;
  if (/^(on|true|yes|1)$/i.test(v)) return true;
  if (/^(off|false|no|0)$/i.test(v)) return false;
  throw new UsageError(`${name} must be on or off, got "${v}"`);
};

export function registerTrunksCommand(program: Command, io: CliIo): void {
  const trunks = program.command('trunks').description('create, list, show, update and delete trunks');
  trunks.addHelpText(
    'after',
    `
Examples:
  $ vsip trunks create outbound_trunk
  $ vsip trunks list
  $ vsip trunks show TR0123456789abcdef --json
  $ vsip trunks delete TR0123456789abcdef --yes`,
  );

  withCommonOptions(trunks.command('create <trunk_name>'))
    .description('create a trunk (name: up to 16 letters, digits, underscore)')
    .option('--nso-code <code>', 'network service operator code', 'ANY-ANY')
    .option('--domain-name <domain>', 'default: <account_sid>.pstn.exotel.com')
    .addHelpText('after', '\nExample:\n  $ vsip trunks create outbound_trunk --nso-code ANY-ANY')
    .action((name: string, flags: CommonFlags & { nsoCode: string; domainName?: string }) =>
      runAction(io, async () => {
        const trunk = await clientFor(io, flags).trunks.create({
          trunk_name: name,
          nso_code: flags.nsoCode,
          domain_name: flags.domainName,
        });
        if (flags.json) printJson(io, trunk);
        else
          print(
            io,
            `Created trunk ${trunk.trunk_sid} — save this trunk_sid, every other command needs ` +
              `it.\n\n${renderFields(trunkFields(trunk))}`,
          );
      }),
    );

  withPageOptions(withCommonOptions(trunks.command('list')))
    .description('list the trunks of the account')
    .addHelpText('after', '\nExample:\n  $ vsip trunks list --json')
    .action((flags: CommonFlags & { offset?: string; pageSize?: string }) =>
      runAction(io, async () => {
        const client = clientFor(io, flags);
        const items = await listItems(flags, (p) => client.trunks.list(p));
        if (flags.json) return printJson(io, items);
        if (items.length === 0) return print(io, 'No trunks yet. Create one: vsip trunks create <trunk_name>');
        print(
          io,
          renderTable(
            ['TRUNK SID', 'NAME', 'STATUS', 'DOMAIN', 'CREATED'],
            items.map((t) => [t.trunk_sid, t.trunk_name, cell(t.status), t.domain_name, cell(t.date_created)]),
          ),
        );
      }),
    );

  withCommonOptions(trunks.command('show <trunk>'))
    .description('show one trunk')
    .addHelpText('after', '\nExample:\n  $ vsip trunks show TR0123456789abcdef')
    .action((trunk: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const found = await clientFor(io, flags).trunks.get(await trunkSidFor(io, flags, trunk));
        if (flags.json) printJson(io, found);
        else print(io, renderFields(trunkFields(found)));
      }),
    );

  withCommonOptions(trunks.command('update <trunk>'))
    .description('change a trunk')
    .option('--name <trunk_name>', 'new trunk name')
    .option('--nso-code <code>', 'network service operator code')
    .option('--domain-name <domain>', 'SIP domain of the trunk')
    .option('--status <status>', 'active or inactive')
    .option('--auth-type <type>', 'ip_whitelist, credentials or ip_whitelist_and_credentials')
    .option('--registration <on|off>', 'whether the PBX registers')
    .option('--secure-trunking <on|off>', 'require TLS')
    .addHelpText('after', '\nExample:\n  $ vsip trunks update TR0123456789abcdef --status inactive')
    .action(
      (
        trunk: string,
        flags: CommonFlags & {
          name?: string;
          nsoCode?: string;
          domainName?: string;
          status?: string;
          authType?: string;
          registration?: string;
          secureTrunking?: string;
        },
      ) =>
        runAction(io, async () => {
          const update: TrunkUpdateInput = {};
          if (flags.name !== undefined) update.trunk_name = flags.name;
          if (flags.nsoCode !== undefined) update.nso_code = flags.nsoCode;
          if (flags.domainName !== undefined) update.domain_name = flags.domainName;
          if (flags.status !== undefined) update.status = flags.status;
          if (flags.authType !== undefined) update.auth_type = flags.authType;
          const reg = onOff('--registration', flags.registration);
          if (reg !== undefined) update.registration_enabled = reg;
          const sec = onOff('--secure-trunking', flags.secureTrunking);
          if (sec !== undefined) update.secure_trunking = sec;
          if (Object.keys(update).length === 0)
            throw new UsageError(
              'nothing to update: give at least one of --name, --nso-code, --domain-name, --status, --auth-type, ' +
                '--registration, --secure-trunking',
            );
          const sid = await trunkSidFor(io, flags, trunk);
          const updated = await clientFor(io, flags).trunks.update(sid, update);
          if (flags.json) printJson(io, updated);
          else print(io, `Updated trunk ${updated.trunk_sid}.\n\n${renderFields(trunkFields(updated))}`);
        }),
    );

  withCommonOptions(trunks.command('delete <trunk>'))
    .description('⚠️  permanently delete a trunk and all its configuration')
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .addHelpText('after', '\nExample:\n  $ vsip trunks delete TR0123456789abcdef --yes')
    .action((trunk: string, flags: CommonFlags & { yes?: boolean }) =>
      runAction(io, async () => {
        const client = clientFor(io, flags);
        const found = await resolveTrunk(client, trunk);
        const sid = found.trunk_sid;
        // The name too: a confirmation about a bare SID is easy to say yes to by mistake.
        const label = `${found.trunk_name} (${sid})`;
        if (!flags.yes) {
          if (!canPrompt(io))
            throw new UsageError(
              `refusing to delete trunk ${label} without confirmation: stdin is not a terminal; ` +
                'pass --yes to delete it',
            );
          if (
            !(await confirm(
              io,
              `Permanently delete trunk ${label} with its numbers, IPs, destinations, credentials and settings?`,
            ))
          ) {
            print(io, 'Not deleted.');
            return 1;
          }
        }
        const data = await client.trunks.delete(sid);
        if (flags.json) printJson(io, data ?? { trunk_sid: sid, deleted: true });
        else print(io, `Deleted trunk ${label} and everything configured under it.`);
      }),
    );
}
