import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { serializeMessage, SipStreamParser, getHeader } from '../../sip/message/index.js';
import type { SipRequest } from '../../sip/message/index.js';
import { socketError } from './tcp-connect.js';

export interface OptionsPingResult {
  answered: boolean;
  status?: number;
  reason?: string;
  ms: number;
  error?: string;
}

/**
 * Sends one SIP OPTIONS over TCP or TLS and waits for a final response: any final answer (200,
 * 404, 405, 403…) proves a SIP server is there and its replies get back through the firewall.
 * @see RFC 3261 §11 (querying capabilities)
 */
export function sipOptionsPing(target: { host: string; port: number; transport: 'tcp' | 'tls'; timeoutMs: number; ca?: string[] }): Promise<OptionsPingResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket: Socket =
      target.transport === 'tls'
        ? tlsConnect({ host: target.host, port: target.port, rejectUnauthorized: false, ...(target.ca ? { ca: target.ca } : {}) })
        : netConnect({ host: target.host, port: target.port });
    const callId = `${randomBytes(8).toString('hex')}@vsip-doctor`;
    const parser = new SipStreamParser();
    let settled = false;
    const finish = (r: Omit<OptionsPingResult, 'ms'>): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ ...r, ms: Math.round(performance.now() - started) });
    };
    socket.setTimeout(target.timeoutMs, () => finish({ answered: false, error: `no answer to OPTIONS within ${target.timeoutMs} ms` }));
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ answered: false, error: socketError(err) }));
    socket.once(target.transport === 'tls' ? 'secureConnect' : 'connect', () => {
      socket.write(serializeMessage(optionsRequest(target, socket, callId)));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const item of parser.push(chunk)) {
          if (item.type !== 'message' || item.message.kind !== 'response') continue;
          const m = item.message;
          if (getHeader(m, 'call-id') !== callId || m.status < 200) continue;
          finish({ answered: true, status: m.status, reason: m.reason });
        }
      } catch (err) {
        finish({ answered: false, error: `unparseable answer: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
    socket.once('end', () => finish({ answered: false, error: 'connection closed without a SIP answer' }));
  });
}

function optionsRequest(target: { host: string; port: number; transport: 'tcp' | 'tls' }, socket: Socket, callId: string): SipRequest {
  const local = `${socket.localAddress ?? '127.0.0.1'}:${socket.localPort ?? 0}`;
  const hostport = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const t = target.transport.toUpperCase();
  return {
    kind: 'request',
    method: 'OPTIONS',
    uri: `sip:${hostport};transport=${target.transport}`,
    version: 'SIP/2.0',
    headers: [
      // The magic cookie marks an RFC 3261 branch (§8.1.1.7).
      { name: 'via', value: `SIP/2.0/${t} ${local};branch=z9hG4bK${randomBytes(8).toString('hex')};rport` },
      { name: 'max-forwards', value: '70' },
      { name: 'from', value: `<sip:doctor@vsip.invalid>;tag=${randomBytes(4).toString('hex')}` },
      { name: 'to', value: `<sip:${hostport}>` },
      { name: 'call-id', value: callId },
      { name: 'cseq', value: '1 OPTIONS' },
      { name: 'contact', value: `<sip:doctor@${local};transport=${target.transport}>` },
      { name: 'accept', value: 'application/sdp' },
      { name: 'user-agent', value: 'vsip-doctor' },
      { name: 'content-length', value: '0' },
    ],
    body: Buffer.alloc(0),
  };
}
