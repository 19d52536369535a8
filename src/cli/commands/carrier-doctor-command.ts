import { accessSync, constants } from 'node:fs';
import { runCarrierDoctor, type CarrierDoctorReport } from '../../carriers/carrier-doctor.js';
import type { CarrierCredentials } from '../../carriers/carrier-plan.js';
import type { CarrierRegistrationState } from '../../carriers/carrier-status.js';
import type { CarrierInfo, CarrierStatusInfo } from '../../client/operator-types.js';
import { renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { intFlag } from './common-options.js';
import { findCarrier } from './find-carrier.js';
import { operatorClientFor } from './operator-client-for.js';
import { UsageError } from './run-action.js';

export interface CarrierDoctorFlags {
  carrier?: string;
  carrierUsername?: string;
  dnsServer?: string;
  carrierCaFile?: string;
  carrierTlsCert?: string;
  carrierTlsKey?: string;
  timeout: string;
  profile?: string;
  json?: boolean;
}

const MARK = { pass: '✅', fail: '❌', skip: '➖' } as const;

/**
 * `vsip doctor --carrier <uri|name|sid>`. A URI is checked as it stands. A name or SID is read
 * through the operator API (VSIP_OPERATOR_TOKEN): every URI of the carrier is checked, with its
 * stored username and the registration state of the gateway that answered.
 *
 * The password for the test challenge comes from VSIP_CARRIER_PASSWORD in both cases: the API
 * never returns it (write-only, like trunk passwords), and a server-side check endpoint would
 * make the API send SIP to any host an operator token names. The gateway's own use of the stored
 * password shows in the registration row (a carrier that registers) and in the call log.
 */
export async function carrierDoctor(io: CliIo, flags: CarrierDoctorFlags): Promise<number> {
  const given = flags.carrier ?? '';
  const password = io.env.VSIP_CARRIER_PASSWORD;
  const timeoutMs = intFlag('--timeout', flags.timeout);
  const common = {
    dnsServer: flags.dnsServer ?? null,
    caFile: flags.carrierCaFile ?? null,
    clientCert: clientCertOf(flags),
    timeoutMs,
  };
  if (/^sips?:/i.test(given)) {
    const credentials = creds(flags.carrierUsername, password, null);
    const report = await runCarrierDoctor({ uri: given, credentials, ...common });
    if (flags.json) printJson(io, report);
    else print(io, renderCarrierReport(`Carrier ${given}`, report));
    return report.passed ? 0 : 1;
  }
  if (given === '' || !io.env.VSIP_OPERATOR_TOKEN) {
    throw new UsageError(
      `--carrier "${given}" is no sip: or sips: URI; to check a carrier by name or SID, ` +
        'set VSIP_OPERATOR_TOKEN (and VSIP_API_URL)',
    );
  }
  const client = operatorClientFor(io, { ...(flags.profile !== undefined ? { profile: flags.profile } : {}) });
  const carrier = await findCarrier(client, given);
  const status = await client.carriers.status(carrier.carrier_sid);
  const c = carrier.credentials;
  // --carrier-username overrides the stored one (trying another account without changing the carrier).
  const credentials = creds(flags.carrierUsername, password, c);
  const registration = registrationOf(carrier, status);
  const reports: CarrierDoctorReport[] = [];
  for (const u of carrier.uris) {
    const probed = status.uris.find((x) => x.id === u.id || x.uri === u.uri);
    const liveness =
      probed === undefined
        ? null
        : {
            state: probed.state,
            lastResult: probed.last_result,
            lastProbeAt: probed.last_probe_at,
            heldUntil: probed.held_until,
          };
    reports.push(await runCarrierDoctor({ uri: u.uri, credentials, registration, liveness, ...common }));
  }
  const passed = reports.every((r) => r.passed);
  if (flags.json) {
    printJson(io, { carrier_sid: carrier.carrier_sid, name: carrier.name, gateway: status.gateway, passed, reports });
  } else {
    const notes: string[] = [];
    if (c !== null && password === undefined) notes.push('ℹ set VSIP_CARRIER_PASSWORD for the test challenge');
    if (status.gateway === 'none') notes.push('ℹ the API that answered runs no gateway: no registration state');
    const parts = reports.map((r) => renderCarrierReport(`Carrier ${carrier.name} — ${r.uri}`, r));
    print(io, [...parts, ...notes].join('\n\n'));
  }
  return passed ? 0 : 1;
}

/** `--carrier-tls-cert` and `--carrier-tls-key`: both or neither, files that can be read. */
function clientCertOf(flags: CarrierDoctorFlags): { certFile: string; keyFile: string } | null {
  const { carrierTlsCert: certFile, carrierTlsKey: keyFile } = flags;
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined)
    throw new UsageError('--carrier-tls-cert and --carrier-tls-key go together (the client certificate and its key)');
  for (const [flag, file] of [
    ['--carrier-tls-cert', certFile],
    ['--carrier-tls-key', keyFile],
  ] as const) {
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new UsageError(`${flag} ${file}: cannot read the file`);
    }
  }
  return { certFile, keyFile };
}

function creds(
  username: string | undefined,
  password: string | undefined,
  stored: CarrierInfo['credentials'] | null,
): CarrierCredentials | null {
  if (password === undefined) return null;
  if (username !== undefined) return { username, password, authUsername: null, realm: null };
  if (stored === null) return null;
  return { username: stored.username, password, authUsername: stored.auth_username, realm: stored.realm };
}

/** The answering gateway's registration of this carrier, as the doctor's registration row reads it. */
function registrationOf(carrier: CarrierInfo, s: CarrierStatusInfo): CarrierRegistrationState | null {
  const r = s.registration;
  if (r === null) return null;
  return {
    carrierSid: carrier.carrier_sid,
    carrierName: carrier.name,
    registrarUri: r.registrar_uri,
    state: r.state,
    lastResult: r.last_result,
    expiresAt: r.expires_at === null ? null : Date.parse(r.expires_at),
    nextAttemptAt: r.next_attempt_at === null ? null : Date.parse(r.next_attempt_at),
    contact: r.contact,
  };
}

export function renderCarrierReport(title: string, report: CarrierDoctorReport): string {
  const table = renderTable(
    ['Check', 'Result', 'Details'],
    report.checks.map((c) => [c.id, MARK[c.status], c.detail]),
  );
  return `${title}\n\n${table}\n\n${report.passed ? '✅ carrier reachable' : '❌ carrier checks failed'}`;
}
