import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { VsipApiError } from '../../client/vsip-api-error.js';
import type { VsipClient } from '../../client/vsip-client.js';
import type { DoctorReport } from '../doctor/doctor-types.js';
import { renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { intFlag, withCommonOptions } from './common-options.js';
import { gatewayFor, withGatewayOptions, type GatewayFlags } from './gateway-options.js';
import { resolveTrunk } from './resolve-trunk.js';
import { clientFor, runAction, UsageError, type CommonFlags } from './run-action.js';

interface DoctorFlags extends CommonFlags, GatewayFlags {
  carrier?: string;
  carrierUsername?: string;
  dnsServer?: string;
  carrierCaFile?: string;
  carrierTlsCert?: string;
  carrierTlsKey?: string;
  direction?: string;
  pbxIp?: string;
  number?: string;
  ca?: string;
  timeout: string;
  calls: string;
}

const MARK = { pass: '✅', fail: '❌', skip: '➖', warn: '⚠️' } as const;

export function registerDoctorCommand(program: Command, io: CliIo): void {
  const cmd = program
    .command('doctor [trunk]')
    .description(
      'run the spec\'s "First Successful Call Validation" for real: ✅/❌ per checklist row, with the fix for each ❌',
    )
    .option(
      '--direction <direction>',
      'termination (outbound) or origination (inbound); default: origination when the trunk has destination URIs and ' +
        'no whitelisted IP, else termination',
    )
    .option('--pbx-ip <ip>', 'termination: check that this PBX address is inside a whitelisted range')
    .option('--number <e164>', 'check that this number is mapped')
    .option('--ca <file>', 'PEM file of CA certificates to trust for TLS destinations (default: system roots)')
    .option(
      '--carrier <uri|name|sid>',
      'check one upstream carrier URI instead: DNS, reachability, TLS, OPTIONS, test challenge; ' +
        'a carrier name or SID (operator API, VSIP_OPERATOR_TOKEN) checks each of its URIs, their probe state and ' +
        'its registration',
    )
    .option(
      '--carrier-username <user>',
      'with --carrier: digest username for the test challenge (password from VSIP_CARRIER_PASSWORD, not a flag)',
    )
    .option('--dns-server <addr>', 'with --carrier: DNS server (ip[:port]) instead of the system resolver')
    .option(
      '--carrier-ca-file <file>',
      'with --carrier: PEM CA bundle for the carrier certificate (default: system CAs)',
    )
    .option('--carrier-tls-cert <file>', 'with --carrier: PEM client certificate for mutual TLS, as serve takes it')
    .option('--carrier-tls-key <file>', 'with --carrier: PEM private key for --carrier-tls-cert')
    .option('--timeout <ms>', 'per network check', '3000')
    .option('--calls <n>', 'how many recent failed calls to explain', '5');
  withGatewayOptions(withCommonOptions(cmd)).addHelpText(
    'after',
    `
Exit code: 0 when every check passes, 1 when one fails.

Examples:
  $ vsip doctor TR0123456789abcdef --pbx-ip 203.0.113.10
  $ vsip doctor TR0123456789abcdef --direction origination --ca my-ca.pem
  $ vsip doctor TR0123456789abcdef --json | jq '.checks[] | select(.status == "fail")'
  $ VSIP_CARRIER_PASSWORD=… vsip doctor --carrier sips:sip.carrier.example --carrier-username acme
  $ VSIP_OPERATOR_TOKEN=… VSIP_CARRIER_PASSWORD=… vsip doctor --carrier alpha`,
  );

  cmd.action((trunk: string | undefined, flags: DoctorFlags) =>
    runAction(io, async () => {
      // The checks (a SIP stack, DNS, TLS) load only when doctor runs: every other command starts
      // without them.
      if (flags.carrier !== undefined) return (await import('./carrier-doctor-command.js')).carrierDoctor(io, flags);
      if (trunk === undefined) throw new UsageError('give a trunk SID or name, or --carrier <sip-uri|name|sid>');
      if (flags.direction !== undefined && flags.direction !== 'termination' && flags.direction !== 'origination')
        throw new UsageError(`--direction must be termination or origination, got "${flags.direction}"`);
      let ca: string[] | undefined;
      if (flags.ca) {
        try {
          ca = [readFileSync(flags.ca, 'utf8')];
        } catch (err) {
          throw new UsageError(`cannot read --ca ${flags.ca}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      const client = clientFor(io, flags);
      // A name is looked up first; what cannot be read is row 1 of the report, not an error line.
      let trunkSid = trunk;
      let trunkNotFound: string | undefined;
      try {
        trunkSid = (await resolveTrunk(client, trunk)).trunk_sid;
      } catch (err) {
        if (!(err instanceof VsipApiError)) throw err;
        if (err.isNotFound) trunkNotFound = err.description;
      }
      const showProgress = io.stderr.isTTY === true && !flags.json;
      const direction =
        (flags.direction as 'termination' | 'origination' | undefined) ?? (await guessDirection(client, trunkSid));
      const { runDoctor } = await import('../doctor/run-doctor.js');
      const report = await runDoctor(client, {
        trunkSid,
        ...(trunkNotFound ? { trunkNotFound } : {}),
        direction,
        ...(flags.pbxIp ? { pbxIp: flags.pbxIp } : {}),
        ...(flags.number ? { number: flags.number } : {}),
        ...(ca ? { ca } : {}),
        // The trunk's region (edge_preference) decides which gateway addresses are checked.
        gateway: await gatewayFor(
          cmd,
          flags,
          client,
          await client.trunks.get(trunkSid).then(
            (t) => t.edge_preference ?? null,
            () => null,
          ),
        ),
        timeoutMs: intFlag('--timeout', flags.timeout),
        callsLimit: intFlag('--calls', flags.calls),
        onProgress: showProgress ? (what) => io.stderr.write(`\r\x1b[2K⏳ ${what}…`) : undefined,
      });
      if (showProgress) io.stderr.write('\r\x1b[2K');
      if (flags.json) printJson(io, report);
      else print(io, renderReport(report));
      return report.passed ? 0 : 1;
    }),
  );
}

/**
 * Which checklist applies when the user did not say: a trunk with destination URIs and no
 * whitelisted IP is set up for inbound calls. A trunk that cannot be read gets the termination
 * list, whose first row then reports the problem.
 */
async function guessDirection(client: VsipClient, trunkSid: string): Promise<'termination' | 'origination'> {
  try {
    const [dests, ips] = await Promise.all([
      client.destinationUris.list(trunkSid, { pageSize: 1 }),
      client.whitelistedIps.list(trunkSid, { pageSize: 1 }),
    ]);
    return dests.items.length > 0 && ips.items.length === 0 ? 'origination' : 'termination';
  } catch {
    return 'termination';
  }
}

export function renderReport(r: DoctorReport): string {
  const title = r.direction === 'termination' ? 'For Termination (Outbound)' : 'For Origination (Inbound)';
  const table = renderTable(
    ['#', 'Check', 'Result', 'How verified', 'Details'],
    r.checks.map((c) => [String(c.n), c.check, MARK[c.status], c.verify, c.detail]),
  ).split('\n');
  const lines = [`First Successful Call Validation — ${title} — trunk ${r.trunk_sid}`, '', ...table.slice(0, 2)];
  r.checks.forEach((c, i) => {
    lines.push(table[i + 2] ?? '');
    if (c.fix) lines.push(`   ↳ Fix: ${c.fix}`);
  });
  if (r.media) lines.push('', `Media: ${r.media.detail}`);
  for (const { call, explanation: e } of r.recent_media_problems ?? []) {
    lines.push(`  ${call.started_at}  ${call.call_id}  ${e.cause}: ${e.media ?? e.explanation}`);
  }
  if (r.recent_failed_calls.length > 0) {
    lines.push('', `Recent failed calls (${r.recent_failed_calls.length}):`);
    for (const { call, explanation: e } of r.recent_failed_calls) {
      lines.push(
        `  ${call.started_at}  ${call.direction}  ${call.caller ?? '-'} → ${call.callee ?? '-'}  ` +
          `${e.meaning}${e.cause ? ` (${e.cause})` : ''}  Call-ID ${call.call_id}`,
      );
      lines.push(`    Why: ${e.explanation}`, `    Fix: ${e.fix}${e.topic ? `  (vsip explain ${e.topic})` : ''}`);
    }
  } else {
    lines.push('', 'Recent failed calls: none logged.');
  }
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  const warned = r.checks.filter((c) => c.status === 'warn').length;
  lines.push(
    '',
    failed === 0
      ? `✅ All checks passed: ready for your first ${r.direction === 'termination' ? 'outbound' : 'inbound'} call.`
      : `❌ ${failed} of ${r.checks.length} checks failed: apply the fixes above and run vsip doctor again.`,
  );
  if (warned > 0) lines.push(`⚠️  ${warned} warning${warned === 1 ? '' : 's'}: see the fix under each ⚠️ row.`);
  return lines.join('\n');
}
