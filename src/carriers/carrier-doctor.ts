import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { Resolver } from 'node:dns/promises';
import { createSipEndpoint, parseUri, type SipEndpoint, type SipTarget } from '../sip/index.js';
import { answerCarrierChallenge } from './answer-carrier-challenge.js';
import type { CarrierCredentials } from './carrier-plan.js';
import type { CarrierRegistrationState } from './carrier-status.js';
import { ourCarrierUri, sendCarrierRequest, type CarrierReply } from './send-carrier-request.js';
import { SipResolver } from './sip-resolver.js';

export type CarrierCheckStatus = 'pass' | 'fail' | 'skip';

export interface CarrierCheck {
  id: 'dns' | 'reachability' | 'tls' | 'options' | 'probe' | 'registration' | 'challenge';
  status: CarrierCheckStatus;
  detail: string;
}

export interface CarrierDoctorOptions {
  uri: string;
  credentials?: CarrierCredentials | null;
  /** The running gateway's registration state for this carrier, when known. */
  registration?: CarrierRegistrationState | null;
  /** The running gateway's OPTIONS probing state of this URI, when known (`probe` row). */
  liveness?: CarrierLiveness | null;
  dnsServer?: string | null;
  /** PEM CA bundle for TLS (default: the system CAs), as `--carrier-ca-file`. */
  caFile?: string | null;
  /** A client certificate for mutual TLS, as the gateway's `--carrier-tls-cert`/`--carrier-tls-key`. */
  clientCert?: { certFile: string; keyFile: string } | null;
  timeoutMs?: number;
  /** Local address to send from (default 0.0.0.0). */
  localHost?: string;
}

/** A URI's liveness as the gateway's prober sees it (the operator API's carrier status). */
export interface CarrierLiveness {
  state: 'up' | 'down' | 'held' | 'not_probed';
  lastResult: number | 'timeout' | 'transport' | null;
  /** ISO time of the last probe, or until when a 503 Retry-After holds the URI down. */
  lastProbeAt: string | null;
  heldUntil: string | null;
}

export interface CarrierDoctorReport {
  uri: string;
  passed: boolean;
  checks: CarrierCheck[];
}

const replyText = (r: CarrierReply): string =>
  r.kind === 'final'
    ? `${r.response.status}`
    : r.kind === 'timeout'
      ? 'no answer'
      : `transport error${r.error === undefined ? '' : ` (${r.error})`}`;

/**
 * `vsip doctor --carrier`: what stands between vsip and one carrier URI, one check each — DNS
 * (RFC 3263), reachability, the TLS handshake and certificate, OPTIONS, the gateway's registration,
 * and a test challenge (an OPTIONS the carrier may challenge, answered with its credentials).
 */
export async function runCarrierDoctor(o: CarrierDoctorOptions): Promise<CarrierDoctorReport> {
  const timeoutMs = o.timeoutMs ?? 3000;
  const checks: CarrierCheck[] = [];
  const done = (): CarrierDoctorReport => ({ uri: o.uri, passed: checks.every((c) => c.status !== 'fail'), checks });
  let uri: ReturnType<typeof parseUri>;
  try {
    uri = parseUri(o.uri);
    if (uri.scheme !== 'sip' && uri.scheme !== 'sips') throw new Error('not a sip: or sips: URI');
  } catch (err) {
    checks.push({ id: 'dns', status: 'fail', detail: `bad carrier URI: ${(err as Error).message}` });
    return done();
  }
  const dns = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (o.dnsServer) dns.setServers([o.dnsServer]);
  const targets = await new SipResolver(dns).resolve(uri);
  const target = targets[0];
  const show = (t: SipTarget): string => `${t.protocol} ${t.address}:${t.port}`;
  checks.push(
    target === undefined
      ? { id: 'dns', status: 'fail', detail: `${uri.host} resolves to nothing (NAPTR, SRV, A/AAAA)` }
      : { id: 'dns', status: 'pass', detail: targets.map(show).join(', ') },
  );
  if (target === undefined) return done();
  const ca = o.caFile ? [readFileSync(o.caFile, 'utf8')] : undefined;
  const mine = o.clientCert
    ? { cert: readFileSync(o.clientCert.certFile), key: readFileSync(o.clientCert.keyFile) }
    : null;
  if (target.protocol === 'tls') checks.push(await tlsCheck(target, ca, mine, timeoutMs));
  else checks.push({ id: 'tls', status: 'skip', detail: `${target.protocol}: no TLS` });
  const tlsFailed = checks.at(-1)?.status === 'fail';

  let ep: SipEndpoint | null = null;
  // The endpoint's TLS client needs a certificate of its own to exist: the client certificate, else
  // a throw-away one it does not present.
  const scratch = mkdtempSync(join(tmpdir(), 'vsip-doctor-'));
  const own = o.clientCert ? { ...o.clientCert, clientCert: true } : { selfSignedDir: scratch };
  try {
    const host = o.localHost ?? '0.0.0.0';
    ep = await createSipEndpoint({
      listen: [{ protocol: 'udp', host, port: 0 }],
      clientProtocols: ['tcp', 'tls'],
      tls: { ...own, rejectUnauthorized: true, ...(o.caFile ? { caFile: o.caFile } : {}) },
    });
    const port = {
      advertise: host === '0.0.0.0' ? '127.0.0.1' : host,
      routePort: () => ep?.addresses()[0]?.port ?? 0,
      sendRequest: (
        req: Parameters<SipEndpoint['sendRequest']>[0],
        t: SipTarget,
        user: Parameters<SipEndpoint['sendRequest']>[2],
      ) => (ep as SipEndpoint).sendRequest(req, t, user),
    };
    const requestUri = `${uri.scheme}:${uri.host}${uri.port === null ? '' : `:${uri.port}`}`;
    const from = ourCarrierUri(port, target.protocol, 'vsip-doctor');
    const options = tlsFailed
      ? ({ kind: 'transport' } as const)
      : await sendCarrierRequest(port, target, { method: 'OPTIONS', requestUri, from, to: requestUri }, timeoutMs);
    checks.push({
      id: 'reachability',
      status: options.kind === 'final' ? 'pass' : 'fail',
      detail: options.kind === 'final' ? `${show(target)} answers` : `${show(target)}: ${replyText(options)}`,
    });
    const st = options.kind === 'final' ? options.response.status : 0;
    checks.push({
      id: 'options',
      status: options.kind === 'final' && (st < 300 || st === 401 || st === 407 || st === 405) ? 'pass' : 'fail',
      detail: `OPTIONS → ${replyText(options)}`,
    });
    checks.push(livenessCheck(o.liveness ?? null));
    checks.push(registrationCheck(o.registration ?? null));
    if (options.kind !== 'final' || (st !== 401 && st !== 407)) {
      checks.push({ id: 'challenge', status: 'skip', detail: 'the carrier did not challenge OPTIONS' });
    } else if (!o.credentials) {
      checks.push({ id: 'challenge', status: 'fail', detail: `challenged (${st}) and no credentials configured` });
    } else {
      const auth = answerCarrierChallenge(options.response, o.credentials, 'OPTIONS', requestUri);
      const again =
        auth === null
          ? null
          : await sendCarrierRequest(
              port,
              target,
              { method: 'OPTIONS', requestUri, from, to: requestUri, headers: [auth] },
              timeoutMs,
            );
      const ok = again?.kind === 'final' && again.response.status !== 401 && again.response.status !== 407;
      checks.push({
        id: 'challenge',
        status: ok ? 'pass' : 'fail',
        detail:
          again === null
            ? 'a challenge vsip cannot answer (realm, algorithm or qop)'
            : `answered with the credentials → ${replyText(again)}`,
      });
    }
  } finally {
    await ep?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return done();
}

/** Down or held URIs are left out of calls by the gateway: a failure worth showing. */
function livenessCheck(l: CarrierLiveness | null): CarrierCheck {
  if (l === null || l.state === 'not_probed') return { id: 'probe', status: 'skip', detail: 'not probed by a gateway' };
  const last = `last ${l.lastResult ?? 'none'}${l.lastProbeAt === null ? '' : ` at ${l.lastProbeAt}`}`;
  if (l.state === 'up') return { id: 'probe', status: 'pass', detail: `up (${last})` };
  if (l.state === 'held')
    return { id: 'probe', status: 'fail', detail: `held down until ${l.heldUntil} (Retry-After)` };
  return { id: 'probe', status: 'fail', detail: `down: calls skip it (${last})` };
}

function registrationCheck(r: CarrierRegistrationState | null): CarrierCheck {
  if (r === null) return { id: 'registration', status: 'skip', detail: 'no registration configured or known' };
  const next = r.nextAttemptAt === null ? '' : `, next attempt ${new Date(r.nextAttemptAt).toISOString()}`;
  return {
    id: 'registration',
    status: r.state === 'registered' ? 'pass' : r.state === 'failing' ? 'fail' : 'skip',
    detail: `${r.state} (last ${r.lastResult ?? 'none'})${next}`,
  };
}

/**
 * The TLS handshake with the certificate verified for the URI's host name (SNI), presenting `mine`
 * when given. A TLS 1.3 server that refuses the client certificate does so after this handshake
 * has passed on our side (RFC 8446 §4.4.2.4): the OPTIONS row shows that refusal.
 */
function tlsCheck(
  t: SipTarget,
  ca: string[] | undefined,
  mine: { cert: Buffer; key: Buffer } | null,
  timeoutMs: number,
): Promise<CarrierCheck> {
  return new Promise((resolve) => {
    const name = t.serverName ?? t.address;
    const socket = tlsConnect({
      host: t.address,
      port: t.port,
      servername: t.serverName,
      rejectUnauthorized: true,
      ...(ca !== undefined ? { ca } : {}),
      ...(mine ?? {}),
    });
    const end = (c: CarrierCheck): void => {
      socket.destroy();
      resolve(c);
    };
    socket.setTimeout(timeoutMs, () =>
      end({ id: 'tls', status: 'fail', detail: `no TLS handshake within ${timeoutMs} ms` }),
    );
    socket.once('secureConnect', () =>
      end({
        id: 'tls',
        status: 'pass',
        detail:
          `certificate verified for ${name} (${socket.getProtocol() ?? 'TLS'})` +
          (mine === null ? '' : '; client certificate presented'),
      }),
    );
    socket.once('error', (err) => end({ id: 'tls', status: 'fail', detail: `${name}: ${err.message}` }));
  });
}
