import { isIP } from 'node:net';
import type { Carrier, CarrierPlan, CarrierPlanSource } from './carrier-plan.js';

/** The sid of the one carrier `vsip serve --carrier <uri>` defines. */
export const STATIC_CARRIER_SID = 'default';

/** The host part of a `sip:`/`sips:` URI without parsing the rest (user, port, params). */
function hostOf(uri: string): string {
  const rest = uri.replace(/^sips?:/i, '').replace(/^[^@]*@/, '');
  if (rest.startsWith('[')) return rest.slice(1, rest.indexOf(']'));
  return rest.split(/[:;?]/)[0] ?? '';
}

/**
 * The one-line shortcut `vsip serve --carrier <uri>` (default: the built-in PSTN simulator): one
 * carrier with that URI, no credentials, no registration, no probing, on the default route ''.
 * Its host is its source when it is an IP literal (its calls in are accepted from there); the
 * simulator passes loopback. A host name accepts any source, as before carriers were configured:
 * its addresses may change (firewall the carrier port then).
 */
export function staticCarrierPlan(uri: string, o: { name?: string; sourceCidrs?: string[] } = {}): CarrierPlanSource {
  const host = hostOf(uri);
  const family = isIP(host);
  const sourceCidrs = o.sourceCidrs ?? (family === 4 ? [`${host}/32`] : family === 6 ? [host] : ['0.0.0.0/0', '::/0']);
  const carrier: Carrier = {
    sid: STATIC_CARRIER_SID,
    name: o.name ?? 'default',
    uris: [{ id: `${STATIC_CARRIER_SID}-1`, uri, priority: 0, weight: 1 }],
    credentials: null,
    registration: null,
    sourceCidrs,
    codecs: [],
    maxCallsPerSecond: null,
    maxConcurrentCalls: null,
    probe: false,
    srtp: false,
  };
  const plan: CarrierPlan = {
    carriers: new Map([[carrier.sid, carrier]]),
    routes: [{ sid: 'default-route', prefix: '', carriers: [{ carrierSid: carrier.sid, priority: 0, weight: 1 }] }],
  };
  return { current: () => plan, onChange: () => () => {} };
}
