import { createHmac } from 'node:crypto';
import { formatHost, ownString, parseNameAddr, splitHeaderValues } from '../sip/index.js';
import type { SipHeader, SipProtocol, SipRequest, SipResponse } from '../sip/index.js';
import type { SipPort } from './sip-port.js';

/** User part of every Record-Route URI we write, so our own Route entries are recognised by a prefix test. */
export const ROUTE_USER = 'vsip';

/** The URI inside a Route/Record-Route/Contact value, or null. */
export function uriOfNameAddr(value: string): string | null {
  try {
    return parseNameAddr(value).uri;
  } catch {
    return null;
  }
}

/**
 * Record-Route values and Route recognition for one gateway. The URI carries `vc`, an HMAC of the
 * Call-ID: an in-dialog request is only relayed when it names a dialog we record-routed, so the
 * gateway is not an open relay for anyone who writes our address in a Route header.
 */
export class RouteSigner {
  /** Recent tags by Call-ID: a call's INVITE, ACK and BYE need the same tag; one HMAC per call, not five. */
  private readonly cache = new Map<string, string>();

  /**
   * `node`: this node's mark. Record-Routes written for a call relayed to us by another node carry
   * it (`;vn=`), so that node, sharing our secret, does not take them for its own and sends the
   * dialog's requests on to us (see flow-relay.ts).
   */
  constructor(
    private readonly secret: Buffer,
    readonly node = '',
  ) {}

  /** An HMAC of `text` under the gateways' shared secret (what a relayed call's Route is signed with). */
  sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url').slice(0, 22);
  }

  tag(callId: string): string {
    let t = this.cache.get(callId);
    if (t === undefined) {
      t = createHmac('sha256', this.secret).update(callId).digest('base64url').slice(0, 16);
      if (this.cache.size >= 20_000) this.cache.clear(); // bounded; a miss only costs one HMAC
      this.cache.set(ownString(callId), t); // not a view that would keep the whole INVITE's text
    }
    return t;
  }

  /**
   * `<sip:vsip@host:port;transport=tcp;lr;vc=…>` for one side and protocol (RFC 3261 §16.6 step 4); `params`
   * (`;cs=1`, see cseq-offset.ts) go after the tag.
   */
  recordRoute(port: SipPort, protocol: SipProtocol, callId: string, params = ''): string {
    const t = protocol === 'udp' ? '' : `;transport=${protocol}`;
    return (
      `<sip:${ROUTE_USER}@${formatHost(port.advertise)}:${port.routePort(protocol)}${t};lr;vc` +
      `=${this.tag(callId)}${params}>`
    );
  }

  /**
   * Whether `value` is a Route we wrote for this Call-ID (false for foreign routes, null when ours but with a bad tag).
   */
  isOurs(value: string, callId: string): boolean | null {
    const v = value.trimStart();
    if (!v.startsWith(`<sip:${ROUTE_USER}@`) && !v.startsWith(`<sips:${ROUTE_USER}@`)) return false;
    const n = v.indexOf(';vn=');
    if (n !== -1 && !v.startsWith(`${this.node}>`, n + 4) && !v.startsWith(`${this.node};`, n + 4)) return false;
    const i = v.indexOf(';vc=');
    if (i === -1) return null;
    const end = v.slice(i + 4).search(/[;>]/);
    const tag = end === -1 ? v.slice(i + 4) : v.slice(i + 4, i + 4 + end);
    return tag === this.tag(callId) ? true : null;
  }
}

/**
 * A response as it goes upstream: our Via (the first value) removed (RFC 3261 §16.7 step 3).
 * Header objects are shared with `res`; only the Via entry is replaced. When our Via heads a
 * combined header, only it and its comma go: the values after it go on as received, octet for
 * octet (a proxy passes on unchanged what it does not rewrite, §16.6–§16.7).
 */
export function stripTopVia(res: SipResponse): SipResponse {
  const headers: SipHeader[] = [];
  let done = false;
  for (const h of res.headers) {
    if (!done && h.name === 'via') {
      done = true;
      const rest = afterFirstValue(h.value);
      if (rest.length > 0) headers.push({ name: 'via', value: rest });
      continue;
    }
    headers.push(h);
  }
  return { kind: 'response', version: res.version, status: res.status, reason: res.reason, headers, body: res.body };
}

/** The text of a list header after its first element and the comma ending it (quotes respected), or ''. */
function afterFirstValue(value: string): string {
  if (value.indexOf(',') === -1) return '';
  const first = splitHeaderValues(value)[0];
  if (first === undefined) return '';
  // The value is trimmed and nothing but empty elements can precede the first one, so its first
  // occurrence is the element itself.
  const rest = value.slice(value.indexOf(first) + first.length);
  return rest.replace(/^[ \t]*,[ \t]*/, '');
}

export interface ForwardOptions {
  requestUri: string;
  /** Our Via, for stateless forwarding; omitted when `SipPort.sendRequest` adds it. */
  via?: string;
  /** Our Record-Route values, in the order they go on top (RFC 5658 double record-routing). */
  recordRoute?: string[];
  /** Leading Route values that are ours and must be removed (count). */
  popRoutes: number;
  /** Drop Proxy-Authorization (credentials meant for us, RFC 3261 §22.3). */
  dropProxyAuth?: boolean;
  /** Replace or add these headers (lower-case names). */
  replace?: ReadonlyArray<SipHeader>;
}

/**
 * The copy of a request a proxy sends on (RFC 3261 §16.6): new Request-URI, our Via on top (here
 * for stateless forwarding, else added by the endpoint),
 * Max-Forwards decremented (added as 70 when absent), our Route entries popped (§16.4), our
 * Record-Route on top of any present. Header objects are shared with `req` where unchanged.
 */
export function forwardRequest(req: SipRequest, o: ForwardOptions): SipRequest {
  const headers: SipHeader[] = o.via === undefined ? [] : [{ name: 'via', value: o.via }];
  if (o.recordRoute !== undefined) for (const v of o.recordRoute) headers.push({ name: 'record-route', value: v });
  let mf = false;
  let toPop = o.popRoutes;
  const replaced = o.replace;
  for (const h of req.headers) {
    const name = h.name;
    if (name === 'max-forwards') {
      const n = Number.parseInt(h.value, 10);
      headers.push({ name, value: String(Number.isFinite(n) && n > 0 ? Math.min(n - 1, 255) : 0) });
      mf = true;
      continue;
    }
    if (name === 'route' && toPop > 0) {
      // Only our values go; what follows them stays as received (§16.6 step 6 removes the top value).
      let rest = h.value;
      while (toPop > 0 && rest.length > 0) {
        rest = afterFirstValue(rest);
        toPop--;
      }
      if (rest.length > 0) headers.push({ name, value: rest });
      continue;
    }
    if (name === 'proxy-authorization' && o.dropProxyAuth === true) continue;
    if (replaced?.some((r) => r.name === name)) continue;
    headers.push(h);
  }
  if (!mf) headers.push({ name: 'max-forwards', value: '69' });
  if (replaced !== undefined) for (const r of replaced) headers.push(r);
  return { kind: 'request', version: req.version, method: req.method, uri: o.requestUri, headers, body: req.body };
}
