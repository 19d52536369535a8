import type { DestinationUri, PhoneNumber, Trunk, WhitelistedIp } from '../../client/types.js';
import type { VsipClient } from '../../client/vsip-client.js';
import { collectAll } from '../../client/paginate.js';
import { describeRegistration } from '../output/describe-registration.js';
import { VsipApiError } from '../../client/vsip-api-error.js';
import { explainCall } from '../knowledge/explain-call.js';
import { CALL_CAUSES, CHECKLIST, type ChecklistRow } from '../knowledge/sip-codes.js';
import { registrationQuery } from './registration-query.js';
import type { CheckStatus, DoctorCheck, DoctorOptions, DoctorReport } from './doctor-types.js';
import { whitelistBreadthWarning } from '../../net/whitelist-breadth.js';
import { ipInRange } from './ip-range.js';
import { parseDestination } from './parse-destination.js';
import { sipOptionsPing } from './sip-options-ping.js';
import { tcpConnect } from './tcp-connect.js';
import { tlsProbe } from './tls-probe.js';

const ROWS: Record<DoctorOptions['direction'], ChecklistRow[]> = {
  termination: ['trunk', 'number', 'ip', 'credentials', 'registration', 'gateway'],
  origination: ['trunk', 'number', 'destination', 'listening', 'sip-options', 'tls'],
};

/**
 * The spec's "First Successful Call Validation", run for real: the API calls of its validation
 * script, then the network checks its checklist asks the user to do by hand, then the trunk's
 * recent failed calls from the call log, each explained.
 */
export async function runDoctor(client: VsipClient, o: DoctorOptions): Promise<DoctorReport> {
  const rows = ROWS[o.direction];
  const results = new Map<
    ChecklistRow,
    Omit<DoctorCheck, 'n' | 'id' | 'check' | 'verify' | 'fix'> & { fixVars?: Record<string, string> }
  >();
  const set = (
    id: ChecklistRow,
    status: CheckStatus,
    detail: string,
    extra: { targets?: unknown[]; fixVars?: Record<string, string> } = {},
  ): void => {
    results.set(id, { status, detail, ...extra });
  };

  o.onProgress?.('looking up the trunk');
  let trunk: Trunk | null = null;
  try {
    trunk = await client.trunks.get(o.trunkSid);
    set('trunk', 'pass', `${trunk.trunk_sid} ${trunk.trunk_name}${trunk.status ? ` (${trunk.status})` : ''}`);
    if (trunk.status === 'inactive')
      set('trunk', 'fail', `${trunk.trunk_sid} exists but is inactive`, {
        fixVars: { fix: `Activate it: vsip trunks update ${trunk.trunk_sid} --status active` },
      });
  } catch (err) {
    const why = err instanceof VsipApiError ? unreadableTrunk(err, o, client.accountSid) : null;
    if (why === null) throw err;
    set('trunk', 'fail', why.detail, why.fix ? { fixVars: { fix: why.fix } } : {});
  }

  if (trunk) {
    const sid = trunk.trunk_sid;
    o.onProgress?.('reading phone numbers');
    const numbers: PhoneNumber[] = await collectAll((p) => client.phoneNumbers.list(sid, p));
    if (numbers.length === 0) set('number', 'fail', 'no phone number mapped to the trunk');
    else if (o.number && !numbers.some((n) => n.phone_number === o.number))
      set('number', 'fail', `${o.number} is not mapped (mapped: ${numbers.map((n) => n.phone_number).join(', ')})`, {
        fixVars: { number: o.number },
      });
    else set('number', 'pass', numbers.map((n) => n.phone_number).join(', '));

    if (o.direction === 'termination') await terminationChecks(client, trunk, o, set);
    else await originationChecks(client, sid, o, set);
  }

  const checks: DoctorCheck[] = rows.map((id, i) => {
    const r = results.get(id) ?? {
      status: 'skip' as const,
      detail: 'not checked: the trunk could not be read (row 1)',
    };
    const spec = CHECKLIST[id];
    const fix = r.status === 'fail' || r.status === 'warn' ? fillFix(r.fixVars?.fix ?? spec.fix, o, r.fixVars) : null;
    return {
      n: i + 1,
      id,
      check: spec.check,
      verify: spec.verify,
      status: r.status,
      detail: r.detail,
      fix,
      ...(r.targets ? { targets: r.targets } : {}),
    };
  });

  const recent: DoctorReport['recent_failed_calls'] = [];
  if (trunk) {
    o.onProgress?.('reading the call log');
    const page = await client.calls.list(trunk.trunk_sid, { result: 'failed', pageSize: o.callsLimit });
    for (const call of page.items) recent.push({ call, explanation: explainCall(call, trunk.trunk_sid) });
  }
  const mediaProblems: DoctorReport['recent_failed_calls'] = [];
  if (trunk) {
    const answered = await client.calls.list(trunk.trunk_sid, { result: 'completed', pageSize: 50 });
    for (const call of answered.items)
      if (MEDIA_CAUSES.has(call.cause ?? ''))
        mediaProblems.push({ call, explanation: explainCall(call, trunk.trunk_sid) });
  }
  return {
    trunk_sid: o.trunkSid,
    direction: o.direction,
    passed: checks.every((c) => c.status !== 'fail'),
    checks,
    recent_failed_calls: recent,
    media: await mediaPlane(client),
    recent_media_problems: mediaProblems.slice(0, o.callsLimit),
  };
}

type Setter = (
  id: ChecklistRow,
  status: CheckStatus,
  detail: string,
  extra?: { targets?: unknown[]; fixVars?: Record<string, string> },
) => void;

async function terminationChecks(client: VsipClient, trunk: Trunk, o: DoctorOptions, set: Setter): Promise<void> {
  const sid = trunk.trunk_sid;
  o.onProgress?.('reading whitelisted IPs');
  const ips: WhitelistedIp[] = await collectAll((p) => client.whitelistedIps.list(sid, p));
  const ranges = ips.map((i) => `${i.ip}/${i.mask}`).join(', ');
  if (ips.length === 0 && trunk.auth_type === 'credentials')
    set('ip', 'skip', 'not needed: this trunk authenticates calls by digest credentials only (auth_type credentials)');
  else if (ips.length === 0) set('ip', 'fail', 'no whitelisted IP: every call from your PBX gets 403');
  else if (o.pbxIp && !ips.some((i) => ipInRange(o.pbxIp as string, i.ip, i.mask)))
    set('ip', 'fail', `PBX IP ${o.pbxIp} is not inside any whitelisted range (${ranges}): its calls get 403`);
  else {
    const detail = o.pbxIp ? `${o.pbxIp} is inside ${ranges}` : ranges;
    const wide = ips.find((i) => whitelistBreadthWarning(i.ip, i.mask) !== null);
    if (wide === undefined) set('ip', 'pass', detail);
    else
      set('ip', 'warn', `${detail}; warning: ${whitelistBreadthWarning(wide.ip, wide.mask)}`, {
        fixVars: {
          fix:
            `Narrow it to your PBX public IP: vsip ips update <trunk_sid> ${wide.ip}/${wide.mask} ` +
            `--ip ${o.pbxIp ?? '<your_pbx_public_ip>'} --mask 32`,
        },
      });
  }

  o.onProgress?.('fetching SIP credentials');
  let creds: { username: string; password: string } | null = null;
  try {
    const c = await client.credentials.get(sid);
    if (c.username !== sid) set('credentials', 'fail', `username is ${c.username}, expected the trunk_sid ${sid}`);
    else if (!c.password) set('credentials', 'fail', 'no password returned');
    else {
      creds = c;
      set('credentials', 'pass', `username ${c.username}, password of ${c.password.length} characters`);
    }
  } catch (err) {
    set('credentials', 'fail', err instanceof VsipApiError ? err.description : String(err));
  }

  const g = o.gateway;
  o.onProgress?.(`connecting to the SIP gateway ${g.host}:${g.sipPort} (TCP)`);
  const tcp = await tcpConnect(g.host, g.sipPort, o.timeoutMs);
  o.onProgress?.(`TLS handshake with the SIP gateway ${g.host}:${g.sipsPort}`);
  const tls = await tlsProbe(g.host, g.sipsPort, { timeoutMs: o.timeoutMs, ...(o.ca ? { ca: o.ca } : {}) });
  const parts = [
    tcp.ok ? `TCP ${g.host}:${g.sipPort} open (${tcp.ms} ms)` : `TCP ${g.host}:${g.sipPort}: ${tcp.error}`,
    tls.handshake
      ? `TLS ${g.host}:${g.sipsPort} handshake ${tls.protocol ?? ''} (${tls.ms} ` +
        `ms)${tls.problems.length ? `; note: ${tls.problems.join('; ')}` : ''}`
      : `TLS ${g.host}:${g.sipsPort}: ${tls.error}`,
  ];
  const targets = [
    { transport: 'tcp', host: g.host, port: g.sipPort, ...tcp },
    { transport: 'tls', host: g.host, port: g.sipsPort, ...tls },
  ];
  set('gateway', tcp.ok && tls.handshake ? 'pass' : 'fail', parts.join('; '), { targets });

  if (creds && trunk.status === 'inactive') {
    // The registrar treats an inactive trunk like an unknown one (401, as for a wrong password, so
    // that the answer does not tell which trunks exist): probing would blame the credentials.
    set(
      'registration',
      'skip',
      'not checked: the trunk is inactive (row 1), and the gateway answers its REGISTER with 401 as if the ' +
        'password were wrong; the credentials above are the right ones',
    );
  } else if (creds && !tcp.ok) {
    set('registration', 'skip', `not checked: the gateway is not reachable on TCP ${g.sipPort} (row 6)`);
  } else if (creds) {
    o.onProgress?.(`asking the gateway registrar ${g.host}:${g.sipPort} for the PBX registration`);
    const q = await registrationQuery(
      { host: g.host, port: g.sipPort, transport: 'tcp', timeoutMs: o.timeoutMs },
      { domain: trunk.domain_name, ...creds },
    );
    const targets = [q];
    if (q.status === null) set('registration', 'fail', `the gateway did not answer REGISTER: ${q.error}`, { targets });
    else if (q.status === 401)
      set('registration', 'fail', 'the gateway rejected the credentials from Get Credentials (401)', {
        targets,
        fixVars: { fix: CALL_CAUSES.auth_failed.fix },
      });
    else if (q.status === 403 && trunk.registration_enabled === false) {
      // The gateway refuses REGISTER on such a trunk only after the digest passed: the credentials work.
      set('credentials', 'pass', `username ${creds.username}; accepted by the gateway (digest)`);
      set('registration', 'skip', 'registration is not enabled on this trunk (registration_disabled)', { targets });
    } else if (q.status !== 200)
      set('registration', 'fail', `the gateway answered REGISTER with ${q.status} ${q.reason ?? ''}`.trim(), {
        targets,
      });
    else {
      set(
        'credentials',
        'pass',
        `username ${creds.username}, password of ${creds.password.length} characters; accepted by the gateway ` +
          `(digest, realm from its challenge)`,
      );
      if (q.bindings.length > 0) {
        // The registrar's 200 lists Contacts only; the API says where each came from and over what.
        const regs = await client.registrations.list(sid).then(
          (p) => p.items,
          () => [],
        );
        const detail =
          regs.length > 0
            ? regs.map((r) => `${describeRegistration(r)} (${r.contact})`).join('; ')
            : `registered: ${q.bindings.join(', ')}`;
        set('registration', 'pass', detail, { targets });
      } else if (trunk.registration_enabled === false)
        set(
          'registration',
          'skip',
          `no PBX registered; registration is not enabled on this trunk (auth_type ${trunk.auth_type ?? '?'}), so ` +
            `calls are authenticated without it`,
          { targets },
        );
      else set('registration', 'fail', 'credentials work, but no PBX is registered on this trunk', { targets });
    }
  } else {
    set('registration', 'skip', 'not checked: no SIP credentials');
  }
}

async function originationChecks(client: VsipClient, sid: string, o: DoctorOptions, set: Setter): Promise<void> {
  o.onProgress?.('reading destination URIs');
  const dests: DestinationUri[] = await collectAll((p) => client.destinationUris.list(sid, p));
  if (dests.length === 0) {
    set('destination', 'fail', 'no destination URI: inbound calls have nowhere to go (480)');
    for (const id of ['listening', 'sip-options', 'tls'] as const) set(id, 'skip', 'no destination URI to check');
    return;
  }
  set('destination', 'pass', dests.map((d) => d.destination).join(', '));

  const listening: unknown[] = [];
  const pings: unknown[] = [];
  const certs: unknown[] = [];
  const down: string[] = [];
  let firstDownHost: string | null = null;
  const silent: string[] = [];
  const badCerts: string[] = [];
  const okListen: string[] = [];
  const okPing: string[] = [];
  const okTls: string[] = [];
  for (const d of dests) {
    const p = parseDestination(d.destination);
    if (!p) {
      down.push(`${d.destination}: not <ip|host>:<port>;transport=<tls|tcp>`);
      continue;
    }
    o.onProgress?.(`connecting to ${p.host}:${p.port} (TCP)`);
    const tcp = await tcpConnect(p.host, p.port, o.timeoutMs);
    listening.push({ destination: d.destination, ...tcp });
    if (!tcp.ok) {
      firstDownHost ??= `${p.host} ${p.port}`;
      down.push(`${d.destination}: ${tcp.error}`);
      continue;
    }
    okListen.push(`${d.destination} (${tcp.ms} ms)`);
    if (p.transport === 'tls') {
      o.onProgress?.(`TLS handshake with ${p.host}:${p.port}, checking the certificate`);
      const t = await tlsProbe(p.host, p.port, { timeoutMs: o.timeoutMs, ...(o.ca ? { ca: o.ca } : {}) });
      certs.push({ destination: d.destination, ...t });
      if (!t.handshake) badCerts.push(`${d.destination}: ${t.error}`);
      else if (t.problems.length > 0) badCerts.push(`${d.destination}: ${t.problems.join('; ')}`);
      else okTls.push(`${d.destination}: valid until ${t.cert?.valid_to ?? '?'}, issued by ${t.cert?.issuer ?? '?'}`);
    }
    if (p.transport === 'udp') {
      pings.push({ destination: d.destination, skipped: 'UDP is not probed' });
      continue;
    }
    o.onProgress?.(`sending SIP OPTIONS to ${d.destination}`);
    const ping = await sipOptionsPing({
      host: p.host,
      port: p.port,
      transport: p.transport,
      timeoutMs: o.timeoutMs,
      ...(o.ca ? { ca: o.ca } : {}),
    });
    pings.push({ destination: d.destination, ...ping });
    if (ping.answered)
      okPing.push(
        `${d.destination} answered ${ping.status} ${ping.reason ?? ''} (${ping.ms} ms)`.replace(' (', ' (').trim(),
      );
    else silent.push(`${d.destination}: ${ping.error}`);
  }
  set('listening', down.length === 0 ? 'pass' : 'fail', down.length === 0 ? okListen.join(', ') : down.join('; '), {
    targets: listening,
    ...(firstDownHost ? { fixVars: { ip: firstDownHost } } : {}),
  });
  if (okListen.length === 0) set('sip-options', 'skip', 'no destination accepted a connection');
  else
    set(
      'sip-options',
      silent.length === 0 ? 'pass' : 'fail',
      silent.length === 0 ? okPing.join(', ') : silent.join('; '),
      { targets: pings },
    );
  const tlsCount = dests.filter((d) => parseDestination(d.destination)?.transport === 'tls').length;
  if (tlsCount === 0) set('tls', 'skip', 'no TLS destination (TLS is recommended)');
  else if (certs.length === 0) set('tls', 'skip', 'no TLS destination accepted a connection');
  else
    set(
      'tls',
      badCerts.length === 0 ? 'pass' : 'fail',
      badCerts.length === 0 ? okTls.join('; ') : badCerts.join('; '),
      { targets: certs },
    );
}

function fillFix(fix: string, o: DoctorOptions, vars: Record<string, string> | undefined): string {
  let out = fix.replaceAll('<trunk_sid>', o.trunkSid);
  if (o.pbxIp) out = out.replaceAll('<your_pbx_public_ip>', o.pbxIp);
  const number = vars?.number ?? o.number;
  if (number) out = out.replace('+919XXXXXXXXX', number);
  // "nc -zv <your_ip> 5061": the address that failed, with its own port.
  out = vars?.ip ? out.replace('<your_ip> 5061', vars.ip) : out.replace('<your_ip>', o.gateway.host);
  return out;
}

/**
 * Row 1 when the trunk cannot be read: a trunk that does not exist, an account the operator
 * suspended, or API credentials that are wrong each have their own fix; null for anything else.
 */
function unreadableTrunk(
  err: VsipApiError,
  o: DoctorOptions,
  accountSid: string,
): { detail: string; fix?: string } | null {
  if (err.isNotFound) return { detail: o.trunkNotFound ?? `no trunk ${o.trunkSid} in account ${accountSid}` };
  if (err.code === ACCOUNT_SUSPENDED)
    return {
      detail:
        `account ${accountSid} is suspended by the operator of this service: its API calls and its trunks' ` +
        'calls get 403 whatever the credentials',
      fix:
        'Ask the operator of this service to resume the account (operator: vsip operator accounts resume ' +
        `${accountSid})`,
    };
  if (err.code === AUTH_FAILED)
    return {
      detail: `the API refused the API key and token (${err.description}): the trunk could not be looked up`,
      fix: 'Use the API key and token of the account: vsip login, or set VSIP_API_KEY and VSIP_API_TOKEN',
    };
  return null;
}

/** vSIP error codes of the API (spec "Error Codes"). */
const AUTH_FAILED = 1010;
const ACCOUNT_SUSPENDED = 1016;

/** Answered calls whose audio failed. */
const MEDIA_CAUSES = new Set(['no_media', 'one_way_audio', 'media_timeout']);

/** The gateway's media plane as its /health tells it; null when it does not say (an older vsip, or --role api). */
async function mediaPlane(client: VsipClient): Promise<DoctorReport['media']> {
  const h = await client.health().catch(() => null);
  const m = h?.media;
  if (m == null) return null;
  if (m.mode === 'signalling-only') return { mode: m.mode, detail: `signalling-only: ${m.reason ?? ''}` };
  return {
    mode: m.mode,
    detail: `anchored through rtpengine (${m.engines.join(', ')})${m.rtpPorts ? `, RTP ${m.rtpPorts}` : ''}`,
  };
}
