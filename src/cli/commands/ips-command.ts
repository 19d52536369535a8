import type { Command } from 'commander';
import type { WhitelistedIp } from '../../client/types.js';
import type { VsipClient } from '../../client/vsip-client.js';
import { collectAll } from '../../client/paginate.js';
import { whitelistBreadthWarning } from '../../net/whitelist-breadth.js';
import { cell, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { intFlag, withCommonOptions, withPageOptions } from './common-options.js';
import { listItems } from './list-items.js';
import { trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, UsageError, type CommonFlags } from './run-action.js';

const table = (items: WhitelistedIp[]): string =>
  renderTable(
    ['ID', 'IP', 'MASK', 'CIDR', 'CREATED'],
    items.map((i) => [i.id, i.ip, String(i.mask), `${i.ip}/${i.mask}`, cell(i.date_created)]),
  );

/** `1.2.3.4/24` or `1.2.3.4` with `--mask`. */
function splitCidr(value: string, maskFlag: string | undefined): { ip: string; mask: number | undefined } {
  const [ip, mask] = value.split('/');
  if (mask !== undefined && maskFlag !== undefined)
    throw new UsageError('give the mask either as /N or as --mask, not both');
  const m = mask ?? maskFlag;
  return { ip: ip ?? value, mask: m === undefined ? undefined : intFlag('--mask', m) };
}

async function ipId(client: VsipClient, trunkSid: string, idOrIp: string): Promise<string> {
  if (/^\d+$/.test(idOrIp)) return idOrIp;
  const { ip, mask } = splitCidr(idOrIp, undefined);
  const all = await collectAll((p) => client.whitelistedIps.list(trunkSid, p));
  const found = all.find((i) => i.ip === ip && (mask === undefined || i.mask === mask));
  if (!found)
    throw new UsageError(`${idOrIp} is not whitelisted on trunk ${trunkSid} (see: vsip ips list ${trunkSid})`);
  return found.id;
}

interface IpUpdateFlags {
  ip?: string;
  mask?: string;
  allowAnySource?: boolean;
}

/** Warns on stderr about a range wider than /16; a /0 needs `--allow-any-source`. */
function checkBreadth(io: CliIo, ip: string, mask: number, allowAny: boolean): void {
  const warning = whitelistBreadthWarning(ip, mask);
  if (warning === null) return;
  if (mask === 0 && !allowAny) throw new UsageError(`${warning}. Pass --allow-any-source if that is what you mean.`);
  io.stderr.write(`vsip: warning: ${warning}\n`);
}

export function registerIpsCommand(program: Command, io: CliIo): void {
  const ips = program.command('ips').description('IP addresses allowed to send calls on a trunk (termination)');
  ips.addHelpText(
    'after',
    `
Examples:
  $ vsip ips add TR0123456789abcdef 203.0.113.10          # one address (mask 32)
  $ vsip ips add TR0123456789abcdef 203.0.113.0/24
  $ vsip ips list TR0123456789abcdef`,
  );

  withCommonOptions(ips.command('add <trunk> <ip>'))
    .description('whitelist your PBX public IP (ip or ip/mask)')
    .option('--mask <bits>', 'subnet mask, 32 for a single IP (default 32)')
    .option('--allow-any-source', 'confirm a /0 whitelist: every address on the internet may send calls')
    .addHelpText('after', '\nExample:\n  $ vsip ips add TR0123456789abcdef 203.0.113.10 --mask 32')
    .action((trunk: string, value: string, flags: CommonFlags & { mask?: string; allowAnySource?: boolean }) =>
      runAction(io, async () => {
        const { ip, mask } = splitCidr(value, flags.mask);
        checkBreadth(io, ip, mask ?? 32, flags.allowAnySource === true);
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const item = await clientFor(io, flags).whitelistedIps.add(trunkSid, { ip, mask: mask ?? 32 });
        if (flags.json) printJson(io, item);
        else print(io, `Whitelisted ${item.ip}/${item.mask} on trunk ${trunkSid} (id ${item.id}).`);
      }),
    );

  withPageOptions(withCommonOptions(ips.command('list <trunk>')))
    .description("list the trunk's whitelisted IPs")
    .addHelpText('after', '\nExample:\n  $ vsip ips list TR0123456789abcdef --json')
    .action((trunk: string, flags: CommonFlags & { offset?: string; pageSize?: string }) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const items = await listItems(flags, (p) => client.whitelistedIps.list(trunkSid, p));
        if (flags.json) return printJson(io, items);
        print(
          io,
          items.length === 0
            ? `No whitelisted IPs. Add your PBX IP: vsip ips add ${trunkSid} <your_pbx_public_ip>`
            : table(items),
        );
      }),
    );

  withCommonOptions(ips.command('update <trunk> <id_or_ip>'))
    .description('change a whitelisted IP or its mask')
    .option('--ip <ip>', 'new address')
    .option('--mask <bits>', 'new mask')
    .option('--allow-any-source', 'confirm a /0 whitelist: every address on the internet may send calls')
    .addHelpText('after', '\nExample:\n  $ vsip ips update TR0123456789abcdef 1 --mask 24')
    .action((trunk: string, idOrIp: string, flags: CommonFlags & IpUpdateFlags) =>
      runAction(io, async () => {
        if (flags.ip === undefined && flags.mask === undefined)
          throw new UsageError('nothing to update: give --ip and/or --mask');
        if (flags.mask !== undefined)
          checkBreadth(
            io,
            flags.ip ?? idOrIp.split('/')[0] ?? idOrIp,
            intFlag('--mask', flags.mask),
            !!flags.allowAnySource,
          );
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const id = await ipId(client, trunkSid, idOrIp);
        const item = await client.whitelistedIps.update(trunkSid, id, {
          ...(flags.ip ? { ip: flags.ip } : {}),
          ...(flags.mask !== undefined ? { mask: intFlag('--mask', flags.mask) } : {}),
        });
        if (flags.json) printJson(io, item);
        else print(io, `Updated whitelisted IP ${item.id}: ${item.ip}/${item.mask}.`);
      }),
    );

  withCommonOptions(ips.command('remove <trunk> <id_or_ip>'))
    .description('remove a whitelisted IP (by id or by address)')
    .addHelpText('after', '\nExample:\n  $ vsip ips remove TR0123456789abcdef 203.0.113.10')
    .action((trunk: string, idOrIp: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const id = await ipId(client, trunkSid, idOrIp);
        const data = await client.whitelistedIps.remove(trunkSid, id);
        if (flags.json) printJson(io, data ?? { id, deleted: true });
        else print(io, `Removed whitelisted IP ${idOrIp} from trunk ${trunkSid}.`);
      }),
    );
}
