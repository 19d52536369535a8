import { randomBytes } from 'node:crypto';
import { formatHost, generateBranch, octetsToText, randomToken, type SipRequest } from '../../sip/index.js';
import { openSipConnection, type SipConnection, type SipTarget } from './sip-connection.js';

export interface OptionsPingResult {
  answered: boolean;
  status?: number;
  /** The reason phrase as text (the codec keeps it as octets; SIP text is UTF-8, RFC 3261 §25.1). */
  reason?: string;
  ms: number;
  error?: string;
}

/**
 * Sends one SIP OPTIONS over TCP or TLS and waits for a final response: any final answer (200,
 * 404, 405, 403…) proves a SIP server is there and its replies get back through the firewall.
 * @see RFC 3261 §11 (querying capabilities)
 */
export async function sipOptionsPing(target: SipTarget): Promise<OptionsPingResult> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  let conn: SipConnection;
  try {
    conn = await openSipConnection(target);
  } catch (err) {
    return { answered: false, ms: ms(), error: (err as Error).message };
  }
  try {
    const res = await conn.request(optionsRequest(target, conn.local));
    return { answered: true, status: res.status, reason: octetsToText(res.reason), ms: ms() };
  } catch (err) {
    const msg = (err as Error).message;
    return {
      answered: false,
      ms: ms(),
      error: msg.startsWith('no answer') ? `no answer to OPTIONS within ${target.timeoutMs} ms` : msg,
    };
  } finally {
    conn.close();
  }
}

export function hostport(host: string, port: number): string {
  return `${formatHost(host)}:${port}`;
}

/** One out-of-dialog OPTIONS to `target`, sent from `local` (`host:port`). */
export function optionsRequest(
  target: { host: string; port: number; transport: 'udp' | 'tcp' | 'tls' },
  local: string,
): SipRequest {
  const hp = hostport(target.host, target.port);
  return {
    kind: 'request',
    method: 'OPTIONS',
    uri: `sip:${hp};transport=${target.transport}`,
    version: 'SIP/2.0',
    headers: [
      { name: 'via', value: `SIP/2.0/${target.transport.toUpperCase()} ${local};branch=${generateBranch()};rport` },
      { name: 'max-forwards', value: '70' },
      { name: 'from', value: `<sip:doctor@vsip.invalid>;tag=${randomToken()}` },
      { name: 'to', value: `<sip:${hp}>` },
      { name: 'call-id', value: `${randomBytes(8).toString('hex')}@vsip-doctor` },
      { name: 'cseq', value: '1 OPTIONS' },
      { name: 'contact', value: `<sip:doctor@${local};transport=${target.transport}>` },
      { name: 'accept', value: 'application/sdp' },
      { name: 'user-agent', value: 'vsip-doctor' },
      { name: 'content-length', value: '0' },
    ],
    body: Buffer.alloc(0),
  };
}
