import {
  getHeader,
  getHeaderValues,
  parseNameAddr,
  targetOfUriString,
  type InviteServerTransaction,
  type SipHeader,
  type SipRequest,
  type SipTarget,
} from '../sip/index.js';

/**
 * The BYE a UAS sends when its 2xx was never ACKed within 64 × T1: "the dialog is confirmed, but
 * the session SHOULD be terminated" (RFC 3261 §13.3.1.4). Its dialog as the UAS sees it (§12.1.1):
 * the route set is the INVITE's Record-Route in order, the remote target its Contact, our tag the
 * To tag of the 2xx. Built before the 2xx (the transaction lets go of the INVITE then); null when
 * the INVITE lacks what that needs.
 */
export function unacknowledgedBye(tx: InviteServerTransaction): { request: SipRequest; target: SipTarget } | null {
  const req = tx.request;
  const [from, to, callId, contact, tag] = [
    getHeader(req, 'from'),
    getHeader(req, 'to'),
    getHeader(req, 'call-id'),
    getHeader(req, 'contact'),
    tx.toTag,
  ];
  if (from === null || to === null || callId === null || contact === null || tag === null) return null;
  const routes = getHeaderValues(req, 'record-route');
  let remote: string;
  let first: string;
  try {
    remote = parseNameAddr(contact).uri;
    first = routes[0] !== undefined ? parseNameAddr(routes[0]).uri : remote;
  } catch {
    return null;
  }
  const target = targetOfUriString(first);
  if (target === null) return null;
  const headers: SipHeader[] = [
    { name: 'max-forwards', value: '70' },
    { name: 'from', value: `${to};tag=${tag}` },
    { name: 'to', value: from },
    { name: 'call-id', value: callId },
    { name: 'cseq', value: '1 BYE' },
    ...routes.map((r) => ({ name: 'route', value: r })),
  ];
  return {
    request: { kind: 'request', method: 'BYE', uri: remote, version: 'SIP/2.0', headers, body: Buffer.alloc(0) },
    target,
  };
}
