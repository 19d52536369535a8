import type { Command } from 'commander';
import type { DestinationUri } from '../../client/types.js';
import type { VsipClient } from '../../client/vsip-client.js';
import { collectAll } from '../../client/paginate.js';
import { cell, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { intFlag, withCommonOptions, withPageOptions } from './common-options.js';
import { listItems } from './list-items.js';
import { trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, UsageError, type CommonFlags } from './run-action.js';

const table = (items: DestinationUri[]): string =>
  renderTable(
    ['ID', 'DESTINATION', 'PRIORITY', 'WEIGHT', 'CREATED'],
    items.map((d) => [d.id, d.destination, cell(d.priority), cell(d.weight), cell(d.date_created)]),
  );

async function destinationId(client: VsipClient, trunkSid: string, idOrUri: string): Promise<string> {
  if (/^\d+$/.test(idOrUri)) return idOrUri;
  const all = await collectAll((p) => client.destinationUris.list(trunkSid, p));
  const found = all.find((d) => d.destination === idOrUri);
  if (!found)
    throw new UsageError(
      `${idOrUri} is not a destination of trunk ${trunkSid} (see: vsip destinations list ${trunkSid})`,
    );
  return found.id;
}

export function registerDestinationsCommand(program: Command, io: CliIo): void {
  const destinations = program
    .command('destinations')
    .description('where inbound calls go (origination destination URIs)');
  destinations.addHelpText(
    'after',
    `
Examples:
  $ vsip destinations add TR0123456789abcdef "203.0.113.10:5061;transport=tls"
  $ vsip destinations add TR0123456789abcdef "pbx1.example.com:5060;transport=tcp" --priority 2
  $ vsip destinations list TR0123456789abcdef`,
  );

  withCommonOptions(destinations.command('add <trunk> <destination...>'))
    .description('add one or more destination URIs: <ip|host>:<port>;transport=<tls|tcp>')
    .option('--priority <n>', 'lower is tried first')
    .option('--weight <n>', 'share of calls among destinations of the same priority')
    .addHelpText(
      'after',
      '\nExample:\n  $ vsip destinations add TR0123456789abcdef "203.0.113.10:5061;transport=tls" --priority 1',
    )
    .action((trunk: string, uris: string[], flags: CommonFlags & { priority?: string; weight?: string }) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const priority = flags.priority === undefined ? undefined : intFlag('--priority', flags.priority);
        const weight = flags.weight === undefined ? undefined : intFlag('--weight', flags.weight);
        const result = await clientFor(io, flags).destinationUris.add(
          trunkSid,
          uris.map((destination) => ({
            destination,
            ...(priority !== undefined ? { priority } : {}),
            ...(weight !== undefined ? { weight } : {}),
          })),
        );
        if (flags.json) printJson(io, result.raw);
        else {
          for (const d of result.items)
            print(io, `Added destination ${d.destination} to trunk ${trunkSid} (id ${d.id}).`);
          for (const e of result.errors) io.stderr.write(`vsip: ${e.description} (code ${e.code})\n`);
        }
        return result.errors.length > 0 ? 1 : 0;
      }),
    );

  withPageOptions(withCommonOptions(destinations.command('list <trunk>')))
    .description("list the trunk's destination URIs")
    .addHelpText('after', '\nExample:\n  $ vsip destinations list TR0123456789abcdef --json')
    .action((trunk: string, flags: CommonFlags & { offset?: string; pageSize?: string }) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const items = await listItems(flags, (p) => client.destinationUris.list(trunkSid, p));
        if (flags.json) return printJson(io, items);
        print(
          io,
          items.length === 0
            ? `No destination URIs: inbound calls have nowhere to go. Add one: vsip destinations add ${trunkSid} ` +
                `"<your_server_ip>:5061;transport=tls"`
            : table(items),
        );
      }),
    );

  withCommonOptions(destinations.command('update <trunk> <id_or_uri>'))
    .description('change a destination URI, its priority or weight')
    .option('--destination <uri>', 'new <ip|host>:<port>;transport=<tls|tcp>')
    .option('--priority <n>', 'new priority')
    .option('--weight <n>', 'new weight')
    .addHelpText('after', '\nExample:\n  $ vsip destinations update TR0123456789abcdef 1 --priority 2')
    .action(
      (
        trunk: string,
        idOrUri: string,
        flags: CommonFlags & { destination?: string; priority?: string; weight?: string },
      ) =>
        runAction(io, async () => {
          const update: { destination?: string; priority?: number; weight?: number } = {};
          if (flags.destination !== undefined) update.destination = flags.destination;
          if (flags.priority !== undefined) update.priority = intFlag('--priority', flags.priority);
          if (flags.weight !== undefined) update.weight = intFlag('--weight', flags.weight);
          if (Object.keys(update).length === 0)
            throw new UsageError('nothing to update: give --destination, --priority and/or --weight');
          const trunkSid = await trunkSidFor(io, flags, trunk);
          const client = clientFor(io, flags);
          const id = await destinationId(client, trunkSid, idOrUri);
          const d = await client.destinationUris.update(trunkSid, id, update);
          if (flags.json) printJson(io, d);
          else
            print(
              io,
              `Updated destination ${d.id}: ${d.destination} (priority ${cell(d.priority)}, weight ${cell(d.weight)}).`,
            );
        }),
    );

  withCommonOptions(destinations.command('remove <trunk> <id_or_uri>'))
    .description('remove a destination URI (by id or by the URI itself)')
    .addHelpText('after', '\nExample:\n  $ vsip destinations remove TR0123456789abcdef 1')
    .action((trunk: string, idOrUri: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const id = await destinationId(client, trunkSid, idOrUri);
        const data = await client.destinationUris.remove(trunkSid, id);
        if (flags.json) printJson(io, data ?? { id, deleted: true });
        else print(io, `Removed destination ${idOrUri} from trunk ${trunkSid}.`);
      }),
    );
}
