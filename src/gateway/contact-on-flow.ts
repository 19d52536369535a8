import {
  formatNameAddr,
  formatUri,
  getHeader,
  parseNameAddr,
  parseUri,
  splitHeaderValues,
  type SipResponse,
  type SipTarget,
} from '../sip/index.js';

/**
 * A registered PBX's response with its Contact pointed at the flow its REGISTER came over: the
 * received address and port, and the transport (RFC 5626 §5.3; what Kamailio calls
 * `fix_nated_contact`). Behind NAT the PBX writes a private address the carrier cannot reach,
 * and a Contact naming a third party must not steer the dialog's ACK and BYE to it; with the flow
 * in the Contact, in-dialog requests reach the PBX the way the INVITE did. Only the first Contact
 * value is kept (a dialog has one remote target, RFC 3261 §12.1.1). Unparseable: unchanged.
 */
export function contactOnFlow(res: SipResponse, flow: SipTarget): SipResponse {
  const value = getHeader(res, 'contact');
  if (value === null) return res;
  let rewritten: string;
  try {
    const na = parseNameAddr(splitHeaderValues(value)[0] ?? '');
    const uri = parseUri(na.uri);
    if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return res;
    uri.host = flow.address; // formatUri brackets an IPv6 address
    uri.port = flow.port;
    if (flow.protocol === 'udp') uri.params.delete('transport');
    else if (!(uri.scheme === 'sips' && flow.protocol === 'tls')) uri.params.set('transport', flow.protocol);
    rewritten = formatNameAddr({ ...na, uri: formatUri(uri) });
  } catch {
    return res;
  }
  let done = false;
  const headers = [];
  for (const h of res.headers) {
    if (h.name !== 'contact') headers.push(h);
    else if (!done) {
      done = true;
      headers.push({ name: 'contact', value: rewritten });
    }
  }
  return { ...res, headers };
}
