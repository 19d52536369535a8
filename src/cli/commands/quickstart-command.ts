import type { Command } from 'commander';
import type { PhoneNumber } from '../../client/types.js';
import { renderTable } from '../output/render-table.js';
import { asteriskSnippet } from '../pbx/asterisk-snippet.js';
import { freeswitchSnippet } from '../pbx/freeswitch-snippet.js';
import { pbxSettings, pbxSettingsRows, type PbxSettings } from '../pbx/pbx-settings.js';
import { ask, canPrompt, print, printJson, type CliIo } from './cli-io.js';
import { intFlag, withCommonOptions } from './common-options.js';
import { gatewayFor, withGatewayOptions, type GatewayFlags } from './gateway-options.js';
import { quickstartSetup } from './quickstart-setup.js';
import { clientFor, runAction, UsageError, type CommonFlags } from './run-action.js';

type Direction = 'termination' | 'origination';

interface QuickstartFlags extends CommonFlags, GatewayFlags {
  trunkName?: string;
  number?: string;
  pbxIp?: string;
  mask?: string;
  destination?: string;
  pbx?: string;
  domainName?: string;
  region?: string;
}

interface Needed {
  key: 'trunkName' | 'number' | 'pbxIp' | 'destination';
  flag: string;
  question: string;
  suggestion?: string;
}

const NEEDED: Record<Direction, Needed[]> = {
  termination: [
    {
      key: 'trunkName',
      flag: '--trunk-name',
      question: 'Trunk name (letters, digits, _; max 16)',
      suggestion: 'outbound_trunk',
    },
    { key: 'number', flag: '--number', question: 'Your caller ID, E.164 (e.g. +919XXXXXXXXX)' },
    { key: 'pbxIp', flag: '--pbx-ip', question: "Your PBX's public IP" },
  ],
  origination: [
    {
      key: 'trunkName',
      flag: '--trunk-name',
      question: 'Trunk name (letters, digits, _; max 16)',
      suggestion: 'inbound_trunk',
    },
    { key: 'number', flag: '--number', question: 'The number customers dial, E.164 (e.g. +911800XXXXXXX)' },
    { key: 'destination', flag: '--destination', question: 'Where calls go: <your_server_ip>:5061;transport=tls' },
  ],
};

/** The spec's quickstart as one command: each step's outcome, then "Configure Your PBX" filled in. */
export function registerQuickstartCommand(program: Command, io: CliIo): void {
  const cmd = program
    .command('quickstart <direction>')
    .description(
      "run the spec's quickstart: termination (create trunk, map number, whitelist IP) or origination (create trunk, " +
        'map number, add destination URI)',
    )
    .option('--trunk-name <name>', 'name of the new trunk')
    .option('--number <e164>', 'termination: your caller ID; origination: the number customers dial')
    .option('--pbx-ip <ip>', 'termination: the public IP of your PBX to whitelist')
    .option('--mask <bits>', 'termination: subnet mask for --pbx-ip', '32')
    .option('--destination <uri>', 'origination: <ip|host>:<port>;transport=<tls|tcp>')
    .option(
      '--domain-name <domain>',
      'trunk domain when the server uses another SIP domain (default <account_sid>.pstn.exotel.com)',
    )
    .option('--region <name>', "the trunk's edge_preference: its PBX uses that region's gateway addresses")
    .option(
      '--pbx <kind>',
      'also print a ready configuration snippet: asterisk (pjsip.conf) or freeswitch (gateway XML)',
    );
  withGatewayOptions(withCommonOptions(cmd)).addHelpText(
    'after',
    `
Examples:
  $ vsip quickstart termination --trunk-name outbound_trunk --number +919876543210 --pbx-ip 203.0.113.10 --pbx asterisk
  $ vsip quickstart origination --trunk-name inbound_trunk --number +911800123456 \\
      --destination "203.0.113.10:5061;transport=tls"
  $ vsip quickstart termination        # asks for each value on a terminal`,
  );

  cmd.action((direction: string, flags: QuickstartFlags) =>
    runAction(io, async () => {
      if (direction !== 'termination' && direction !== 'origination')
        throw new UsageError(`direction must be termination or origination, got "${direction}"`);
      if (flags.pbx !== undefined && flags.pbx !== 'asterisk' && flags.pbx !== 'freeswitch')
        throw new UsageError(`--pbx must be asterisk or freeswitch, got "${flags.pbx}"`);
      const needed = NEEDED[direction];
      const missing = needed.filter((n) => !flags[n.key]);
      if (missing.length > 0) {
        if (!canPrompt(io))
          throw new UsageError(
            `missing ${missing.map((n) => n.flag).join(', ')} (stdin is not a terminal, so vsip cannot ask)`,
          );
        for (const n of missing) {
          const v = await ask(io, n.question, { default: n.suggestion });
          if (!v) throw new UsageError(`${n.flag} is required`);
          flags[n.key] = v;
        }
      }
      const client = clientFor(io, flags);
      const gw = await gatewayFor(cmd, flags, client, flags.region ?? null);
      const json = flags.json === true;

      const { trunk, number, ip, destinations, reused } = await quickstartSetup(
        client,
        {
          direction,
          trunkName: flags.trunkName as string,
          number: flags.number as string,
          ...(direction === 'termination'
            ? { pbxIp: flags.pbxIp as string, mask: intFlag('--mask', flags.mask ?? '32') }
            : { destination: flags.destination as string }),
          ...(flags.domainName ? { domainName: flags.domainName } : {}),
          ...(flags.region ? { region: flags.region } : {}),
        },
        {
          step: (n, title, outcome) => {
            if (!json) print(io, `Step ${n}: ${title.padEnd(22)} ✅ ${outcome}`);
          },
          stopped: (message) => {
            if (!json) io.stderr.write(`vsip: ${message}\n`);
          },
        },
      );
      const creds = await client.credentials.get(trunk.trunk_sid);
      const settings = pbxSettings({
        accountSid: client.accountSid,
        domainName: trunk.domain_name,
        gatewayHost: gw.host,
        sipPort: gw.sipPort,
        sipsPort: gw.sipsPort,
        trunkSid: creds.username,
        password: creds.password,
        callerId: number.phone_number,
      });
      const snippet =
        flags.pbx === 'asterisk'
          ? asteriskSnippet(settings)
          : flags.pbx === 'freeswitch'
            ? freeswitchSnippet(settings)
            : null;
      if (json) {
        printJson(io, {
          direction,
          trunk,
          phone_number: number,
          whitelisted_ip: ip,
          destination_uris: destinations,
          reused,
          pbx: settings,
          ...(snippet ? { snippet: { kind: flags.pbx, text: snippet } } : {}),
        });
        return;
      }
      if (reused.length > 0)
        print(
          io,
          `\nFound from an earlier run and kept: ${reused.map((r) => r.replace('_', ' ')).join(', ')}. ` +
            'Nothing was created twice.',
        );
      const doctorFlags = [
        ...(direction === 'termination' ? [`--pbx-ip ${flags.pbxIp as string}`] : ['--direction origination']),
        ...(flags.gateway ? [`--gateway ${flags.gateway}`] : []),
        ...(gw.sipPort !== 5060 ? [`--sip-port ${gw.sipPort}`] : []),
        ...(gw.sipsPort !== 5061 ? [`--sips-port ${gw.sipsPort}`] : []),
      ].join(' ');
      printPbx(io, settings, direction, number, snippet, flags.pbx);
      print(io, `Check everything first: vsip doctor ${trunk.trunk_sid} ${doctorFlags}`);
    }),
  );
}

function printPbx(
  io: CliIo,
  s: PbxSettings,
  direction: Direction,
  number: PhoneNumber,
  snippet: string | null,
  kind: string | undefined,
): void {
  print(io, `\nStep 4: Configure Your PBX\n\n${renderTable(['Setting', 'Value'], pbxSettingsRows(s))}`);
  if (direction === 'termination') {
    print(
      io,
      `\nStep 5: Make a Test Call — from your PBX, dial any valid phone number (E.164) with caller ID ` +
        `${number.phone_number}.`,
    );
  } else {
    print(
      io,
      `\nStep 4: Test Inbound Call — call ${number.phone_number} from any phone; the call goes to your destination ` +
        `URI.`,
    );
  }
  if (snippet) print(io, `\n${kind === 'asterisk' ? 'pjsip.conf' : 'FreeSWITCH gateway'}:\n\n${snippet}`);
}
