import {
  generateBranch,
  getHeader,
  splitHeaderValues,
  targetOfUriString,
  type SipHeader,
  type SipRequest,
  type SipResponse,
  type SipTarget,
} from '../sip/index.js';
import type { SipPort } from './sip-port.js';
import { uriOfNameAddr, type RouteSigner } from './sip-routing.js';

/**
 * A 2xx the caller no longer wants (it CANCELled, or already got a final): the proxy acts as the
 * UAC of that dialog, ACKs the 2xx and sends a BYE, so no answered leg is left billing for nobody
 * (RFC 3261 §9.1, §16.10; §13.2.2.4 for the ACK, §15.1.1 for the BYE). Both are built from the
 * 2xx alone (the client transaction released its INVITE in Accepted): Contact as Request-URI,
 * Record-Route reversed as route set (§12.1.2) without our own entries, the same Call-ID, From
 * and tagged To, CSeq of the INVITE for the ACK and one more for the BYE. A retransmitted 2xx
 * (our ACK was lost) gets the ACK again and no second BYE.
 */
export function endUnwantedAnswer(
  res: SipResponse,
  out: SipPort,
  signer: RouteSigner,
  fallback: SipTarget,
  retransmission: boolean,
): void {
  const callId = getHeader(res, 'call-id') ?? '';
  const contact = getHeader(res, 'contact');
  const remote = contact === null ? null : uriOfNameAddr(splitHeaderValues(contact)[0] ?? '');
  if (remote === null) return; // no remote target: nothing we can address a BYE to
  const routes: string[] = [];
  for (const h of res.headers)
    if (h.name === 'record-route') for (const v of splitHeaderValues(h.value)) routes.push(v);
  routes.reverse();
  while (routes.length > 0 && signer.isOurs(routes[0] as string, callId) === true) routes.shift();
  const first = routes[0];
  const next = first === undefined ? remote : uriOfNameAddr(first);
  const hop = next === null ? null : targetOfUriString(next);
  // The downstream we sent the INVITE to keeps its transport (and TCP/TLS connection).
  const target = hop === null || (hop.address === fallback.address && hop.port === fallback.port) ? fallback : hop;
  const seq = Number.parseInt(getHeader(res, 'cseq') ?? '1', 10) || 1;
  const inDialog = (method: string, cseq: number): SipRequest => {
    const headers: SipHeader[] = [{ name: 'max-forwards', value: '70' }];
    for (const r of routes) headers.push({ name: 'route', value: r });
    headers.push(
      { name: 'from', value: getHeader(res, 'from') ?? '' },
      { name: 'to', value: getHeader(res, 'to') ?? '' },
      { name: 'call-id', value: callId },
      { name: 'cseq', value: `${cseq} ${method}` },
    );
    return { kind: 'request', method, uri: remote, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
  };
  const ack = inDialog('ACK', seq);
  ack.headers.unshift({ name: 'via', value: `${out.viaSentBy(target)};branch=${generateBranch()}` });
  try {
    out.sendStateless(ack, target);
    if (!retransmission) out.sendRequest(inDialog('BYE', seq + 1), target);
  } catch {
    /* no transport to it any more: the downstream's own timers (§13.3.1.4, Timer L) end the dialog */
  }
}
