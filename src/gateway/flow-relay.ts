import { formatHost, getHeaderValues, type SipRequest, type SipTarget } from '../sip/index.js';
import type { Registration, SipNode } from '../store/types.js';
import { ROUTE_USER, type RouteSigner } from './sip-routing.js';

/**
 * Calls for a flow another SIP node holds. A PBX registered over TCP/TLS can only be reached over
 * its own connection (RFC 5626 §5.3), and that connection ends in one node; a call entering any
 * other node is handed to that node's relay address (the node registry) with a loose Route
 * (RFC 3261 §16.12) naming the flow: `<sip:vsip@node;lr;vf=…;vs=…>`. `vf` is the flow (transport,
 * received address and port, connection id), `vs` an HMAC of it and the Call-ID under the secret
 * all nodes share in the store: only a node can write one, so the holding node is no open relay.
 */
export function relayRoute(signer: RouteSigner, node: NonNullable<SipNode['relay']>, r: Registration, callId: string) {
  const flow = Buffer.from(
    JSON.stringify([r.transport, r.sourceIp, r.sourcePort, r.connectionId ?? null]),
    'utf8',
  ).toString('base64url');
  return `<sip:${ROUTE_USER}@${formatHost(node.address)}:${node.port};lr;vf=${flow};vs=${signer.sign(flow + callId)}>`;
}

/**
 * The flow named by the top Route of an INVITE a node relayed to us, or null: no such Route, or a
 * forged or malformed one (then the INVITE is treated like any other from that source).
 */
export function flowOfRelayRoute(signer: RouteSigner, req: SipRequest, callId: string): SipTarget | null {
  const top = getHeaderValues(req, 'route')[0];
  if (top === undefined || !top.trimStart().startsWith(`<sip:${ROUTE_USER}@`)) return null;
  const flow = param(top, 'vf');
  const sig = param(top, 'vs');
  if (flow === null || sig === null || flow.length > 512 || sig !== signer.sign(flow + callId)) return null;
  try {
    const [transport, address, port, connectionId] = JSON.parse(Buffer.from(flow, 'base64url').toString('utf8'));
    if ((transport !== 'tcp' && transport !== 'tls') || typeof address !== 'string' || !Number.isInteger(port))
      return null;
    return {
      protocol: transport,
      address,
      port,
      ...(typeof connectionId === 'string' ? { connectionId } : {}),
    };
  } catch {
    return null;
  }
}

/** Whether `address` is a relay address of a node in the registry: the only sources relayed calls are taken from. */
export function isNodeAddress(nodes: readonly SipNode[], address: string): boolean {
  return nodes.some((n) => n.relay?.address === address);
}

function param(value: string, name: string): string | null {
  const m = new RegExp(`;${name}=([A-Za-z0-9_-]+)`).exec(value);
  return m === null ? null : (m[1] as string);
}

/**
 * The Route of an origination call handed to a node of the trunk's preferred region
 * (`edge_preference`): `<sip:vsip@node;lr;vh=…>`, `vh` an HMAC of the Call-ID. The receiving node
 * runs the ordinary origination policy on it, trusting the sender as a carrier only because it is
 * a node of the registry and the Route is signed.
 */
export function handoffRoute(signer: RouteSigner, node: NonNullable<SipNode['relay']>, callId: string): string {
  return `<sip:${ROUTE_USER}@${formatHost(node.address)}:${node.port};lr;vh=${signer.sign(`handoff ${callId}`)}>`;
}

/** Whether the top Route of `req` is a handoff Route signed for this Call-ID. */
export function isHandoff(signer: RouteSigner, req: SipRequest, callId: string): boolean {
  const top = getHeaderValues(req, 'route')[0];
  if (top === undefined || !top.trimStart().startsWith(`<sip:${ROUTE_USER}@`)) return false;
  return param(top, 'vh') === signer.sign(`handoff ${callId}`);
}

/** A node of `region` that takes relayed calls, chosen at random among them; null when none is up. */
export function nodeOfRegion(nodes: readonly SipNode[], region: string): SipNode | null {
  const up = nodes.filter((n) => n.region === region && n.relay != null);
  return up[Math.floor(Math.random() * up.length)] ?? null;
}

/** `req` with `route` as its first Route value (RFC 3261 §16.6 step 7: a proxy may push one). */
export function withTopRoute(req: SipRequest, route: string | undefined): SipRequest {
  if (route === undefined) return req;
  const i = req.headers.findIndex((h) => h.name !== 'via' && h.name !== 'record-route');
  const at = i === -1 ? req.headers.length : i;
  return { ...req, headers: [...req.headers.slice(0, at), { name: 'route', value: route }, ...req.headers.slice(at)] };
}
