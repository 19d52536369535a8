import type { Command } from 'commander';
import type { CarrierInfo, CarrierInput, CarrierRouteInfo, CarrierRouteInput } from '../../client/operator-types.js';
import { cell, renderFields, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { intFlag, withPageOptions } from './common-options.js';
import { listItems } from './list-items.js';
import { confirmOrRefuse, operatorClientFor, withOperatorOptions, type OperatorFlags } from './operator-client-for.js';
import { runAction, UsageError } from './run-action.js';
import { registerCarrierStatusCommand } from './operator-carrier-status-command.js';

interface CarrierFlags extends OperatorFlags {
  uri?: string[];
  username?: string;
  passwordStdin?: boolean;
  authUsername?: string;
  realm?: string;
  /** false with --no-credentials (commander's negatable option). */
  credentials?: boolean;
  registrar?: string;
  registerExpires?: string;
  contactUser?: string;
  /** false with --no-registration. */
  registration?: boolean;
  source?: string[];
  codec?: string[];
  maxCps?: string;
  maxCalls?: string;
  probe?: string;
  srtp?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** `sip:host:5060;transport=udp,2,10` → uri, priority 2, weight 10 (a comma is never in a carrier URI). */
function parseUri(text: string): { uri: string; priority?: number; weight?: number } {
  const [uri = '', priority, weight] = text.split(',');
  return {
    uri,
    ...(priority !== undefined ? { priority: intFlag('--uri priority', priority) } : {}),
    ...(weight !== undefined ? { weight: intFlag('--uri weight', weight) } : {}),
  };
}

function onOff(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(on|true|yes|1)$/i.test(v)) return true;
  if (/^(off|false|no|0)$/i.test(v)) return false;
  throw new UsageError(`${name} must be on or off, got "${v}"`);
}

async function readStdin(io: CliIo): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** Flags → API body; only what was given, so `update` changes only those fields. */
async function carrierBody(io: CliIo, f: CarrierFlags): Promise<CarrierInput> {
  const body: CarrierInput = {};
  if (f.uri !== undefined) body.uris = f.uri.map(parseUri);
  if (f.credentials === false) body.credentials = null;
  else if (f.username !== undefined) {
    body.credentials = {
      username: f.username,
      ...(f.passwordStdin ? { password: await readStdin(io) } : {}),
      ...(f.authUsername !== undefined ? { auth_username: f.authUsername } : {}),
      ...(f.realm !== undefined ? { realm: f.realm } : {}),
    };
  } else if (f.passwordStdin) throw new UsageError('--password-stdin needs --username');
  if (f.registration === false) body.registration = null;
  else if (f.registrar !== undefined) {
    body.registration = {
      registrar_uri: f.registrar,
      ...(f.registerExpires !== undefined ? { expires: intFlag('--register-expires', f.registerExpires) } : {}),
      ...(f.contactUser !== undefined ? { contact_user: f.contactUser } : {}),
    };
  }
  if (f.source !== undefined) body.source_cidrs = f.source;
  if (f.codec !== undefined) body.codecs = f.codec as CarrierInput['codecs'];
  if (f.maxCps !== undefined) body.max_calls_per_second = intFlag('--max-cps', f.maxCps);
  if (f.maxCalls !== undefined) body.max_concurrent_calls = intFlag('--max-calls', f.maxCalls);
  const probe = onOff('--probe', f.probe);
  if (probe !== undefined) body.probe = probe;
  const srtp = onOff('--srtp', f.srtp);
  if (srtp !== undefined) body.srtp = srtp;
  return body;
}

function withCarrierFlags(cmd: Command): Command {
  return withOperatorOptions(cmd)
    .option(
      '--uri <uri[,priority[,weight]]>',
      'a carrier URI, repeatable (sip:/sips: host[:port][;transport=])',
      collect,
    )
    .option('--username <user>', 'digest user name vsip answers challenges with')
    .option('--password-stdin', 'read the digest password from stdin (never a flag: ps and history show flags)')
    .option('--auth-username <user>', 'Authorization user name when it differs from --username')
    .option('--realm <realm>', 'answer only challenges of this realm')
    .option('--no-credentials', 'remove the digest credentials')
    .option('--registrar <uri>', 'register with the carrier at this URI')
    .option('--register-expires <s>', 'registration expiry, seconds (default 3600)')
    .option('--contact-user <user>', 'user part of the registered Contact (default vsip)')
    .option('--no-registration', 'stop registering with the carrier')
    .option('--source <cidr>', "an IPv4 address or network the carrier's calls come from, repeatable", collect)
    .option('--codec <name>', 'PCMU, PCMA or G729, repeatable (default all three)', collect)
    .option('--max-cps <n>', 'calls per second to this carrier')
    .option('--max-calls <n>', 'concurrent calls to this carrier')
    .option('--probe <on|off>', 'OPTIONS probing of the URIs')
    .option('--srtp <on|off>', 'SRTP on calls to this carrier');
}

function carrierFields(c: CarrierInfo): Array<[string, string]> {
  return [
    ['Carrier SID', c.carrier_sid],
    ['Name', c.name],
    ['URIs', c.uris.map((u) => `${u.uri} (priority ${u.priority}, weight ${u.weight})`).join('\n')],
    ['Credentials', c.credentials === null ? '-' : `${c.credentials.username} (password set)`],
    [
      'Registration',
      c.registration === null ? '-' : `${c.registration.registrar_uri} every ${c.registration.expires} s`,
    ],
    ['Sources', c.source_cidrs.join(', ') || '-'],
    ['Codecs', c.codecs.join(', ')],
    ['Max CPS', cell(c.max_calls_per_second)],
    ['Max calls', cell(c.max_concurrent_calls)],
    ['Probe', c.probe ? 'on' : 'off'],
    ['SRTP', c.srtp ? 'on' : 'off'],
    ['Updated', cell(c.date_updated)],
  ];
}

function routeBody(f: { prefix?: string; carrier?: string[] }): CarrierRouteInput {
  return {
    ...(f.prefix !== undefined ? { prefix: f.prefix } : {}),
    ...(f.carrier !== undefined
      ? {
          carriers: f.carrier.map((text) => {
            const [carrier_sid = '', priority, weight] = text.split(',');
            return {
              carrier_sid,
              ...(priority !== undefined ? { priority: intFlag('--carrier priority', priority) } : {}),
              ...(weight !== undefined ? { weight: intFlag('--carrier weight', weight) } : {}),
            };
          }),
        }
      : {}),
  };
}

const routeRow = (r: CarrierRouteInfo) => [
  r.route_sid,
  r.prefix === '' ? '(default)' : r.prefix,
  r.carriers.map((c) => `${c.carrier_sid}:${c.priority}/${c.weight}`).join(' '),
];

/** `vsip operator carriers …` and `vsip operator routes …`. */
export function registerOperatorCarriersCommand(operator: Command, io: CliIo): void {
  const carriers = operator.command('carriers').description('upstream carriers: create, list, show, update, delete');
  withCarrierFlags(carriers.command('create <name>'))
    .description('create a carrier (at least one --uri)')
    .addHelpText(
      'after',
      '\nExample:\n  $ echo "$PW" | vsip operator carriers create alpha --uri sip:203.0.113.10:5060 ' +
        '--username acct1 --password-stdin --source 203.0.113.0/24',
    )
    .action((name: string, flags: CarrierFlags) =>
      runAction(io, async () => {
        const c = await operatorClientFor(io, flags).carriers.create({ name, ...(await carrierBody(io, flags)) });
        if (flags.json) printJson(io, c);
        else print(io, `Created carrier ${c.carrier_sid}.\n\n${renderFields(carrierFields(c))}`);
      }),
    );
  withCarrierFlags(carriers.command('update <carrier_sid>'))
    .option('--name <name>', 'rename the carrier')
    .description('change the fields given (--uri replaces the list)')
    .action((sid: string, flags: CarrierFlags & { name?: string }) =>
      runAction(io, async () => {
        const body = { ...(await carrierBody(io, flags)), ...(flags.name !== undefined ? { name: flags.name } : {}) };
        const c = await operatorClientFor(io, flags).carriers.update(sid, body);
        if (flags.json) printJson(io, c);
        else print(io, renderFields(carrierFields(c)));
      }),
    );
  withPageOptions(withOperatorOptions(carriers.command('list')))
    .description('list carriers')
    .action((flags: OperatorFlags & { offset?: string; pageSize?: string }) =>
      runAction(io, async () => {
        const client = operatorClientFor(io, flags);
        const items = await listItems(flags, (p) => client.carriers.list(p));
        if (flags.json) return printJson(io, items);
        print(
          io,
          renderTable(
            ['CARRIER SID', 'NAME', 'URIS', 'PROBE'],
            items.map((c) => [c.carrier_sid, c.name, c.uris.map((u) => u.uri).join(' '), c.probe ? 'on' : 'off']),
          ),
        );
      }),
    );
  withOperatorOptions(carriers.command('show <carrier_sid>'))
    .description('show one carrier (never its password)')
    .action((sid: string, flags: OperatorFlags) =>
      runAction(io, async () => {
        const c = await operatorClientFor(io, flags).carriers.get(sid);
        if (flags.json) printJson(io, c);
        else print(io, renderFields(carrierFields(c)));
      }),
    );
  registerCarrierStatusCommand(carriers, io);
  withOperatorOptions(carriers.command('delete <carrier_sid>'))
    .description('delete a carrier (refused while a route lists it)')
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .action((sid: string, flags: OperatorFlags & { yes?: boolean }) =>
      runAction(io, async () => {
        await confirmOrRefuse(io, flags.yes, `Delete carrier ${sid}?`);
        await operatorClientFor(io, flags).carriers.delete(sid);
        if (flags.json) printJson(io, { carrier_sid: sid, deleted: true });
        else print(io, `Deleted carrier ${sid}.`);
      }),
    );

  const routes = operator
    .command('routes')
    .description('prefix routes to carriers: create, list, show, update, delete');
  const routeFlags = (cmd: Command) =>
    withOperatorOptions(cmd).option(
      '--carrier <sid[,priority[,weight]]>',
      'a carrier of the route, repeatable, in cost order',
      collect,
    );
  routeFlags(routes.command('create <prefix>'))
    .description('create a route for a dialled-number prefix (digits; "" for the default route)')
    .addHelpText(
      'after',
      '\nExample:\n  $ vsip operator routes create 91 --carrier car0123456789abcdef,1 --carrier carfedcba9876543210,2',
    )
    .action((prefix: string, flags: OperatorFlags & { carrier?: string[] }) =>
      runAction(io, async () => {
        const r = await operatorClientFor(io, flags).routes.create(routeBody({ ...flags, prefix }));
        if (flags.json) printJson(io, r);
        else
          print(
            io,
            `Created route ${r.route_sid}.\n\n${renderTable(['ROUTE SID', 'PREFIX', 'CARRIERS'], [routeRow(r)])}`,
          );
      }),
    );
  routeFlags(routes.command('update <route_sid>'))
    .option('--prefix <digits>', 'move the route to another prefix')
    .description('change the prefix or replace the carriers')
    .action((sid: string, flags: OperatorFlags & { carrier?: string[]; prefix?: string }) =>
      runAction(io, async () => {
        const r = await operatorClientFor(io, flags).routes.update(sid, routeBody(flags));
        if (flags.json) printJson(io, r);
        else print(io, renderTable(['ROUTE SID', 'PREFIX', 'CARRIERS'], [routeRow(r)]));
      }),
    );
  withPageOptions(withOperatorOptions(routes.command('list')))
    .description('list routes')
    .action((flags: OperatorFlags & { offset?: string; pageSize?: string }) =>
      runAction(io, async () => {
        const client = operatorClientFor(io, flags);
        const items = await listItems(flags, (p) => client.routes.list(p));
        if (flags.json) return printJson(io, items);
        print(io, renderTable(['ROUTE SID', 'PREFIX', 'CARRIERS'], items.map(routeRow)));
      }),
    );
  withOperatorOptions(routes.command('show <route_sid>'))
    .description('show one route')
    .action((sid: string, flags: OperatorFlags) =>
      runAction(io, async () => {
        const r = await operatorClientFor(io, flags).routes.get(sid);
        if (flags.json) printJson(io, r);
        else print(io, renderTable(['ROUTE SID', 'PREFIX', 'CARRIERS'], [routeRow(r)]));
      }),
    );
  withOperatorOptions(routes.command('delete <route_sid>'))
    .description('delete a route')
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .action((sid: string, flags: OperatorFlags & { yes?: boolean }) =>
      runAction(io, async () => {
        await confirmOrRefuse(io, flags.yes, `Delete route ${sid}?`);
        await operatorClientFor(io, flags).routes.delete(sid);
        if (flags.json) printJson(io, { route_sid: sid, deleted: true });
        else print(io, `Deleted route ${sid}.`);
      }),
    );
}
