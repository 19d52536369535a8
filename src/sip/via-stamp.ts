import { formatVia, splitHeaderValues } from './message/index.js';
import type { SipRequest, Via } from './message/types.js';
import type { SipSource, SipTarget } from './transport/transport.js';

function bare(host: string): string {
  return host.length > 1 && host[0] === '[' ? host.slice(1, -1) : host;
}

/**
 * RFC 3261 §18.2.1 and RFC 3581 §4: a server transport records where a request really came from by
 * adding `received` (when the sent-by host differs from the source address) and filling an empty
 * `rport`. Mutates `via` and rewrites only the first Via value of `req`; nothing is touched when
 * neither applies, which is the common case for a well-configured peer.
 */
export function stampVia(req: SipRequest, via: Via, source: SipSource): void {
  const needReceived = bare(via.host) !== source.address;
  const needRport = via.params.has('rport') && via.rport === null;
  if (!needReceived && !needRport) return;
  if (needReceived) via.received = source.address;
  if (needRport) via.rport = source.port;
  const index = req.headers.findIndex((h) => h.name === 'via');
  const header = req.headers[index];
  if (header === undefined) return;
  const values = splitHeaderValues(header.value);
  values[0] = formatVia(via);
  header.value = values.join(', ');
}

/**
 * Where responses to a request go. Reliable: back over the connection it came on (and, if that has
 * closed, a new connection to the received address and sent-by port). Unreliable: the source address and port when
 * `rport` was
 * asked for (RFC 3581 §4), else the received address and the sent-by port (§18.2.2).
 * `maddr` and multicast are not supported (trunks do not use them).
 */
export function responseTarget(via: Via, source: SipSource): SipTarget {
  if (source.protocol !== 'udp') {
    // The connection first; if it has closed, §18.2.2 says open one to the received address and the
    // sent-by port (the stream transport falls back to address:port when connectionId is gone).
    const port = via.port ?? (source.protocol === 'tls' ? 5061 : 5060);
    return {
      protocol: source.protocol,
      address: source.address,
      port,
      connectionId: source.connectionId,
      local: source.local,
    };
  }
  const port = via.params.has('rport') ? source.port : (via.port ?? 5060);
  return { protocol: 'udp', address: source.address, port, local: source.local };
}
