import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { getHeader, octetsToText, parseMessage, serializeMessage } from '../../sip/index.js';
import { optionsRequest, type OptionsPingResult } from './sip-options-ping.js';
import { socketError } from './tcp-connect.js';

/** RFC 3261 §17.1.2.2: Timer E starts at T1 and doubles up to T2. */
const T1_MS = 500;
const T2_MS = 4000;

/**
 * One SIP OPTIONS over UDP, retransmitted like a non-INVITE client transaction until any answer
 * or `timeoutMs`. The socket is connected, so an ICMP port unreachable (nothing listening) fails
 * it at once instead of after the timeout.
 * @see RFC 3261 §11 (querying capabilities), §17.1.2.2 (timer E)
 */
export function sipUdpPing(host: string, port: number, timeoutMs: number): Promise<OptionsPingResult> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const done = (r: OptionsPingResult): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      socket.close();
      resolve(r);
    };
    socket.once('error', (err: NodeJS.ErrnoException) => done({ answered: false, ms: ms(), error: socketError(err) }));
    socket.connect(port, host, () => {
      const local = socket.address();
      const req = optionsRequest({ host, port, transport: 'udp' }, `${local.address}:${local.port}`);
      const callId = getHeader(req, 'call-id');
      const bytes = serializeMessage(req);
      socket.on('message', (msg: Buffer) => {
        try {
          const res = parseMessage(msg);
          if (res.kind === 'response' && getHeader(res, 'call-id') === callId && res.status >= 200)
            done({ answered: true, status: res.status, reason: octetsToText(res.reason), ms: ms() });
        } catch {
          // Not SIP, or not ours: keep waiting.
        }
      });
      let interval = T1_MS;
      const send = (): void => {
        socket.send(bytes);
        timers.push(setTimeout(send, interval));
        interval = Math.min(interval * 2, T2_MS);
      };
      send();
      timers.push(
        setTimeout(() => done({ answered: false, ms: ms(), error: `no answer within ${timeoutMs} ms` }), timeoutMs),
      );
    });
  });
}
