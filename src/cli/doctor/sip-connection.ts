import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { getHeader, serializeMessage, SipStreamParser } from '../../sip/index.js';
import type { SipRequest, SipResponse, StreamItem } from '../../sip/index.js';
import { socketError } from './tcp-connect.js';

export interface SipTarget {
  host: string;
  port: number;
  transport: 'tcp' | 'tls';
  timeoutMs: number;
  ca?: string[];
}

export interface SipConnection {
  /** `host:port` of our end, for Via and Contact. */
  local: string;
  /** Sends a request and resolves with its final response (matched by Call-ID and CSeq). */
  request(req: SipRequest): Promise<SipResponse>;
  close(): void;
}

/**
 * One TCP or TLS connection to a SIP server for doctor's probes: requests go out through the
 * codec, responses are framed by the stream parser. Not a transaction layer: over a reliable
 * transport there are no retransmissions to handle (RFC 3261 §17.1.1.2, timer A not used).
 */
export function openSipConnection(t: SipTarget): Promise<SipConnection> {
  return new Promise((resolve, reject) => {
    const socket: Socket =
      t.transport === 'tls'
        ? tlsConnect({ host: t.host, port: t.port, rejectUnauthorized: false, ...(t.ca ? { ca: t.ca } : {}) })
        : netConnect({ host: t.host, port: t.port });
    const parser = new SipStreamParser();
    const waiting = new Map<string, { resolve: (r: SipResponse) => void; reject: (e: Error) => void }>();
    let failure: Error | null = null;
    const failAll = (err: Error): void => {
      failure ??= err;
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    };
    socket.setTimeout(t.timeoutMs, () => {
      const err = new Error(`no answer within ${t.timeoutMs} ms`);
      failAll(err);
      reject(err);
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const e = new Error(socketError(err));
      failAll(e);
      reject(e);
    });
    socket.once('close', () => failAll(new Error('connection closed without a SIP answer')));
    socket.on('data', (chunk: Buffer) => {
      let items: StreamItem[];
      try {
        items = parser.push(chunk);
      } catch (err) {
        failAll(new Error(`unparseable answer: ${err instanceof Error ? err.message : String(err)}`));
        socket.destroy();
        return;
      }
      for (const item of items) {
        if (item.type !== 'message' || item.message.kind !== 'response' || item.message.status < 200) continue;
        const key = `${getHeader(item.message, 'call-id') ?? ''} ${getHeader(item.message, 'cseq') ?? ''}`;
        const w = waiting.get(key);
        if (w) {
          waiting.delete(key);
          w.resolve(item.message);
        }
      }
    });
    socket.once(t.transport === 'tls' ? 'secureConnect' : 'connect', () => {
      resolve({
        local: `${socket.localAddress ?? '127.0.0.1'}:${socket.localPort ?? 0}`,
        request: (req) =>
          new Promise<SipResponse>((res, rej) => {
            if (failure) return rej(failure);
            waiting.set(`${getHeader(req, 'call-id') ?? ''} ${getHeader(req, 'cseq') ?? ''}`, {
              resolve: res,
              reject: rej,
            });
            socket.write(serializeMessage(req));
          }),
        close: () => socket.destroy(),
      });
    });
  });
}
