import type { Command } from 'commander';
import { collectAll } from '../../client/paginate.js';
import type { Registration } from '../../client/types.js';
import { describeRegistration } from '../output/describe-registration.js';
import { cell, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { withCommonOptions } from './common-options.js';
import { trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, type CommonFlags } from './run-action.js';

const HEADERS = ['CONTACT', 'FROM', 'TRANSPORT', 'EXPIRES IN', 'USER AGENT'];

export function registerRegistrationsCommand(program: Command, io: CliIo): void {
  withCommonOptions(program.command('registrations <trunk>'))
    .description('the PBX contacts registered on the trunk (inbound calls ring them before the destination URIs)')
    .addHelpText(
      'after',
      `
Examples:
  $ vsip registrations TR0123456789abcdef
  $ vsip registrations TR0123456789abcdef --json`,
    )
    .action((trunk: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const regs = await collectAll((p) => client.registrations.list(trunkSid, p));
        if (flags.json) return printJson(io, regs);
        if (regs.length === 0)
          return print(io, 'No PBX is registered on this trunk (inbound calls go to its destination URIs).');
        const host = (r: Registration) => (r.received_ip.includes(':') ? `[${r.received_ip}]` : r.received_ip);
        print(
          io,
          renderTable(
            HEADERS,
            regs.map((r) => [
              r.contact,
              `${host(r)}:${r.received_port}`,
              r.transport.toUpperCase(),
              `${r.expires_in} s`,
              cell(r.user_agent),
            ]),
          ),
        );
        for (const r of regs) print(io, `${r.contact}: ${describeRegistration(r)}`);
      }),
    );
}
