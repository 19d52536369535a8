import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { VsipApiError } from '../../client/vsip-api-error.js';
import type { PhoneNumber } from '../../client/types.js';
import type { VsipClient } from '../../client/vsip-client.js';
import { collectAll } from '../../client/paginate.js';
import { cell, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { withCommonOptions, withPageOptions } from './common-options.js';
import { listItems } from './list-items.js';
import { trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, UsageError, type CommonFlags } from './run-action.js';

const table = (items: PhoneNumber[]): string =>
  renderTable(
    ['ID', 'PHONE NUMBER', 'MODE', 'CREATED'],
    items.map((n) => [n.id, n.phone_number, cell(n.mode), cell(n.date_created)]),
  );

/** A number's id, or the id of the mapped number equal to the argument (`+91…`). */
async function numberId(client: VsipClient, trunkSid: string, idOrNumber: string): Promise<string> {
  // Ids are short numeric strings; a phone number has a + or many digits.
  if (/^\d{1,7}$/.test(idOrNumber)) return idOrNumber;
  const all = await collectAll((p) => client.phoneNumbers.list(trunkSid, p));
  const found = all.find((n) => n.phone_number === idOrNumber);
  if (!found)
    throw new UsageError(`${idOrNumber} is not mapped to trunk ${trunkSid} (see: vsip numbers list ${trunkSid})`);
  return found.id;
}

export function registerNumbersCommand(program: Command, io: CliIo): void {
  const numbers = program.command('numbers').description('phone numbers mapped to a trunk (caller IDs / inbound DIDs)');
  numbers.addHelpText(
    'after',
    `
Examples:
  $ vsip numbers add TR0123456789abcdef +919876543210
  $ vsip numbers list TR0123456789abcdef
  $ vsip numbers remove TR0123456789abcdef +919876543210`,
  );

  withCommonOptions(numbers.command('add <trunk> <phone_number>'))
    .description('map a phone number (E.164, e.g. +919XXXXXXXXX) to the trunk')
    .option('--mode <mode>', 'pstn or flow')
    .addHelpText('after', '\nExample:\n  $ vsip numbers add TR0123456789abcdef +919876543210')
    .action((trunk: string, phoneNumber: string, flags: CommonFlags & { mode?: string }) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const n = await clientFor(io, flags).phoneNumbers.add(trunkSid, {
          phone_number: phoneNumber,
          ...(flags.mode ? { mode: flags.mode } : {}),
        });
        if (flags.json) printJson(io, n);
        else print(io, `Mapped ${n.phone_number} to trunk ${trunkSid} (id ${n.id}).`);
      }),
    );

  withPageOptions(withCommonOptions(numbers.command('list <trunk>')))
    .description("list the trunk's phone numbers")
    .addHelpText('after', '\nExample:\n  $ vsip numbers list TR0123456789abcdef --json')
    .action((trunk: string, flags: CommonFlags & { offset?: string; pageSize?: string }) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const items = await listItems(flags, (p) => client.phoneNumbers.list(trunkSid, p));
        if (flags.json) return printJson(io, items);
        print(
          io,
          items.length === 0
            ? `No phone numbers mapped. Map one: vsip numbers add ${trunkSid} +919XXXXXXXXX`
            : table(items),
        );
      }),
    );

  withCommonOptions(numbers.command('update <trunk> <id_or_number>'))
    .description('change a mapped number or its mode')
    .option('--number <phone_number>', 'new E.164 number')
    .option('--mode <mode>', 'pstn or flow')
    .addHelpText('after', '\nExample:\n  $ vsip numbers update TR0123456789abcdef 1 --mode flow')
    .action((trunk: string, idOrNumber: string, flags: CommonFlags & { number?: string; mode?: string }) =>
      runAction(io, async () => {
        if (flags.number === undefined && flags.mode === undefined)
          throw new UsageError('nothing to update: give --number and/or --mode');
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const id = await numberId(client, trunkSid, idOrNumber);
        const n = await client.phoneNumbers.update(trunkSid, id, {
          ...(flags.number ? { phone_number: flags.number } : {}),
          ...(flags.mode ? { mode: flags.mode } : {}),
        });
        if (flags.json) printJson(io, n);
        else print(io, `Updated number ${n.id}: ${n.phone_number} (${cell(n.mode)}).`);
      }),
    );

  withCommonOptions(numbers.command('remove <trunk> <id_or_number>'))
    .description('unmap a phone number (by id or by the number itself)')
    .addHelpText('after', '\nExample:\n  $ vsip numbers remove TR0123456789abcdef +919876543210')
    .action((trunk: string, idOrNumber: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const id = await numberId(client, trunkSid, idOrNumber);
        const data = await client.phoneNumbers.remove(trunkSid, id);
        if (flags.json) printJson(io, data ?? { id, deleted: true });
        else print(io, `Removed number ${idOrNumber} from trunk ${trunkSid}.`);
      }),
    );

  withCommonOptions(numbers.command('import <trunk> <file>'))
    .description('map the numbers of a CSV file (phone_number[,mode] per line, optional header; - for stdin)')
    .option('--all-or-nothing', 'map none of a request unless all of its numbers can be mapped')
    .addHelpText('after', '\nExample:\n  $ vsip numbers import TR0123456789abcdef numbers.csv')
    .action((trunk: string, file: string, flags: CommonFlags & { allOrNothing?: boolean }) =>
      runAction(io, async () => {
        const text = file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
        const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
        const header = lines[0]?.toLowerCase().includes('phone_number') ? lines.shift() : undefined;
        if (lines.length === 0) throw new UsageError(`${file}: no phone numbers`);
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        let mapped = 0;
        const errors: string[] = [];
        // The API takes 1,000 numbers a request: a longer file goes in several.
        for (let i = 0; i < lines.length; i += IMPORT_CHUNK) {
          const chunk = [...(header === undefined ? [] : [header]), ...lines.slice(i, i + IMPORT_CHUNK)].join('\r\n');
          try {
            const r = await client.phoneNumbers.importCsv(trunkSid, `${chunk}\r\n`, {
              allOrNothing: flags.allOrNothing === true,
            });
            mapped += r.items.length;
            errors.push(...r.errors.map((e) => rebase(e.description, i)));
          } catch (err) {
            if (!(err instanceof VsipApiError) || err.httpStatus === 0) throw err;
            errors.push(rebase(err.description, i));
          }
        }
        if (flags.json) printJson(io, { mapped, failed: errors });
        else {
          print(io, `Mapped ${mapped} of ${lines.length} numbers to trunk ${trunkSid}.`);
          for (const e of errors) print(io, `  ${e}`);
        }
        if (errors.length > 0) io.setExitCode(1);
      }),
    );

  withCommonOptions(numbers.command('export <trunk>'))
    .description("print the trunk's numbers as CSV (the format numbers import reads)")
    .addHelpText('after', '\nExample:\n  $ vsip numbers export TR0123456789abcdef > numbers.csv')
    .action((trunk: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        io.stdout.write(await clientFor(io, flags).phoneNumbers.exportCsv(trunkSid));
      }),
    );
}

const IMPORT_CHUNK = 1000;

/** The API numbers lines within its request; the file's line is further down by the requests before. */
function rebase(description: string, offset: number): string {
  return description.replace(/^line (\d+)/, (_m, n: string) => `line ${Number(n) + offset}`);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}
