import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, rootCertificates, type DetailedPeerCertificate } from 'node:tls';
import { socketError } from './tcp-connect.js';

export interface TlsCertReport {
  subject: string;
  issuer: string;
  valid_from: string;
  valid_to: string;
  subject_alt_names: string | null;
  expired: boolean;
  not_yet_valid: boolean;
  /** The chain from the certificate up to a trusted root could be built and verified. */
  chain_trusted: boolean;
  chain_problem: string | null;
  name_matches: boolean;
  name_problem: string | null;
}

export interface TlsProbeResult {
  handshake: boolean;
  ms: number;
  error?: string;
  protocol?: string | null;
  cert?: TlsCertReport;
  /** Each certificate problem in the words of the spec's TLS check. Empty when valid. */
  problems: string[];
}

/**
 * TLS handshake to `host:port`, then the spec's three certificate checks ("No Inbound Calls",
 * CHECK 3): not expired, chain complete, name matches. The handshake itself never rejects, so
 * every problem is reported, not just the first one OpenSSL stops at.
 * @see RFC 5922 §7.2 (SIP server identity from subjectAltName), RFC 5280 §6 (path validation)
 */
export function tlsProbe(
  host: string,
  port: number,
  options: { ca?: string[]; timeoutMs: number; now?: Date },
): Promise<TlsProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      rejectUnauthorized: false,
      ...(isIP(host) ? {} : { servername: host }),
      ...(options.ca ? { ca: options.ca } : {}),
    });
    let settled = false;
    const finish = (r: Omit<TlsProbeResult, 'ms'>): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ ...r, ms: Math.round(performance.now() - started) });
    };
    socket.setTimeout(options.timeoutMs, () =>
      finish({ handshake: false, error: `TLS handshake timed out after ${options.timeoutMs} ms`, problems: [] }),
    );
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({ handshake: false, error: tlsError(err), problems: [] }),
    );
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      if (!peer?.raw) {
        finish({
          handshake: true,
          protocol: socket.getProtocol(),
          error: 'server sent no certificate',
          problems: ['server sent no certificate'],
        });
        return;
      }
      const cert = inspect(host, peer, options.ca, options.now ?? new Date());
      const problems: string[] = [];
      if (cert.expired) problems.push(`Certificate expired on ${cert.valid_to}`);
      if (cert.not_yet_valid) problems.push(`Certificate not valid before ${cert.valid_from}`);
      if (cert.chain_problem) problems.push(cert.chain_problem);
      if (cert.name_problem) problems.push(cert.name_problem);
      finish({ handshake: true, protocol: socket.getProtocol(), cert, problems });
    });
  });
}

function tlsError(err: NodeJS.ErrnoException): string {
  if (
    err.code === 'ECONNREFUSED' ||
    err.code === 'ECONNRESET' ||
    err.code === 'EHOSTUNREACH' ||
    err.code === 'ENOTFOUND'
  )
    return socketError(err);
  return `TLS handshake failed: ${err.message}`;
}

function inspect(host: string, peer: DetailedPeerCertificate, ca: string[] | undefined, now: Date): TlsCertReport {
  const from = new Date(peer.valid_from);
  const to = new Date(peer.valid_to);
  const identity = checkServerIdentity(host, peer);
  const chain = chainProblem(peer, ca);
  return {
    subject: formatName(peer.subject),
    issuer: formatName(peer.issuer),
    valid_from: from.toISOString(),
    valid_to: to.toISOString(),
    subject_alt_names: peer.subjectaltname ?? null,
    expired: to.getTime() < now.getTime(),
    not_yet_valid: from.getTime() > now.getTime(),
    chain_trusted: chain === null,
    chain_problem: chain,
    name_matches: identity === undefined,
    name_problem:
      identity === undefined
        ? null
        : `Common Name/subjectAltName does not match ${host} (certificate is for ` +
          `${peer.subjectaltname ?? `CN=${String(peer.subject?.CN ?? '?')}`})`,
  };
}

/**
 * Walks from the leaf up through the certificates the server sent to one the client trusts
 * (`--ca`, else the system roots), checking each signature. Dates are judged separately, so an
 * expired but otherwise good chain is reported as expired only.
 */
function chainProblem(peer: DetailedPeerCertificate, ca: string[] | undefined): string | null {
  const trusted = (ca ?? [...rootCertificates]).flatMap(splitPem).map((pem) => new X509Certificate(pem));
  const sent: X509Certificate[] = [];
  for (
    let c: DetailedPeerCertificate | undefined = peer;
    c?.raw;
    c = c.issuerCertificate === c ? undefined : c.issuerCertificate
  ) {
    sent.push(new X509Certificate(c.raw));
    if (sent.length > 10) break;
  }
  let cur = sent[0];
  const seen = new Set<string>();
  while (cur && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    const c = cur;
    if (trusted.some((t) => t.fingerprint256 === c.fingerprint256 || (c.checkIssued(t) && c.verify(t.publicKey))))
      return null;
    const next = sent.find((s) => s.fingerprint256 !== c.fingerprint256 && c.checkIssued(s) && c.verify(s.publicKey));
    if (!next) {
      if (c.checkIssued(c))
        return (
          `Certificate chain not trusted: ` +
          `${sent.length === 1 ? 'self-signed certificate' : `root "${c.subject.replace(/\n/g, ', ')}"`} is not a ` +
          `trusted CA${ca ? ' (not in --ca)' : ' (pass its CA with --ca <file>)'}`
        );
      return (
        `Certificate chain incomplete: issuer "${c.issuer.replace(/\n/g, ', ')}" was not sent by the server and ` +
        `is not a trusted CA (send the intermediate certificates${ca ? '' : ', or pass its CA with --ca <file>'})`
      );
    }
    cur = next;
  }
  return 'Certificate chain not trusted';
}

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function formatName(n: Record<string, unknown> | undefined): string {
  if (!n) return '';
  return Object.entries(n)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}
