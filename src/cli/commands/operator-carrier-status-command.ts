import type { Command } from 'commander';
import type { CarrierStatusInfo } from '../../client/operator-types.js';
import { renderFields, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { findCarrier } from './find-carrier.js';
import { operatorClientFor, withOperatorOptions, type OperatorFlags } from './operator-client-for.js';
import { runAction } from './run-action.js';

/** The status answer as text: one row per URI, then the registration. */
export function renderCarrierStatus(s: CarrierStatusInfo): string {
  if (s.gateway === 'none') {
    return (
      `${s.name} (${s.carrier_sid}): the API answering runs no gateway (--role api or --sip-workers); ` +
      'ask a SIP node'
    );
  }
  const uris = renderTable(
    ['URI', 'STATE', 'LAST RESULT', 'LAST PROBE', 'HELD UNTIL'],
    s.uris.map((u) => [u.uri, u.state, String(u.last_result ?? '-'), u.last_probe_at ?? '-', u.held_until ?? '-']),
  );
  const r = s.registration;
  const reg =
    r === null
      ? 'registration  none'
      : renderFields([
          ['registration', r.state],
          ['registrar', r.registrar_uri],
          ['last result', String(r.last_result ?? '-')],
          ['expires at', r.expires_at ?? '-'],
          ['next attempt', r.next_attempt_at ?? '-'],
          ['contact', r.contact],
        ]);
  return `${s.name} (${s.carrier_sid})\n${uris}\n${reg}`;
}

/** `vsip operator carriers status <name|sid>`: probing and registration as the answering node sees them. */
export function registerCarrierStatusCommand(carriers: Command, io: CliIo): void {
  withOperatorOptions(carriers.command('status <carrier>'))
    .description("a carrier's URIs up/down (OPTIONS probing) and registration state, by name or SID")
    .action((nameOrSid: string, flags: OperatorFlags) =>
      runAction(io, async () => {
        const client = operatorClientFor(io, flags);
        const carrier = await findCarrier(client, nameOrSid);
        const s = await client.carriers.status(carrier.carrier_sid);
        if (flags.json) printJson(io, s);
        else print(io, renderCarrierStatus(s));
      }),
    );
}
