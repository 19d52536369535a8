import { statelessResponse, type InitialRequestHook } from '../sip/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { OverloadGuard } from './overload-guard.js';

export interface EarlyAdmissionOptions {
  direction: 'termination' | 'origination';
  overload: OverloadGuard;
  metrics: GatewayMetrics;
  /** Flood check of the source (pike), or null on a side it does not apply to. */
  allowSource: ((address: string) => boolean) | null;
  /** How long a refused INVITE's retransmissions keep getting the same 503 (ms; default 32 s = Timer B/H). */
  rememberMs?: number;
  /** Refused INVITEs remembered per generation (two generations are kept). */
  maxRemembered?: number;
}

/**
 * The gateway's entry for every initial request, run by the SIP endpoint before a transaction
 * exists: pike (drop), the transaction-table cap (drop), then for a new INVITE overload control —
 * refused with a stateless `503 Service Unavailable (overloaded)` + Retry-After (RFC 3261 §8.2.6,
 * §16.9; RFC 7415's "reject early and cheaply"). A refusal costs one response build and one send;
 * no transaction, no Timer G/H, and the UAC's ACK matches nothing and is dropped by the proxy's
 * ACK path (no route of ours). The refused INVITE's branch is remembered for a transaction
 * lifetime so its retransmissions get the same 503 (same To tag) instead of a second chance that
 * would start a call the UAC has already given up on.
 */
export function earlyAdmission(o: EarlyAdmissionOptions): InitialRequestHook {
  const rememberMs = o.rememberMs ?? 32_000;
  const maxRemembered = o.maxRemembered ?? 200_000;
  let current = new Set<string>();
  let previous = new Set<string>();
  let rotatedAt = Date.now();
  const retryAfter = [{ name: 'retry-after', value: o.overload.retryAfter }];
  /** Ages the two generations; run on each INVITE while anything is remembered (no timer to stop). */
  const age = (now: number): void => {
    if (now - rotatedAt < rememberMs && current.size < maxRemembered) return;
    previous = now - rotatedAt >= 2 * rememberMs ? new Set() : current;
    current = new Set();
    rotatedAt = now;
  };
  return (req, source, via) => {
    const key =
      req.method === 'INVITE' && via.branch !== null && via.branch.startsWith('z9hG4bK')
        ? `${via.branch}\n${via.host}:${via.port ?? ''}`
        : null;
    if (key !== null && current.size + previous.size > 0) {
      age(Date.now());
      if (current.has(key) || previous.has(key))
        return statelessResponse(req, via, 503, 'Service Unavailable (overloaded)', retryAfter);
    }
    if (o.allowSource !== null && !o.allowSource(source.address)) return 'drop';
    if (!o.overload.admitTransaction()) return 'drop';
    if (req.method !== 'INVITE' || o.overload.admitCall() === null) return 'admit';
    // Counted, not written to the call log: under a flood the log would cost what we are shedding.
    o.metrics.call(o.direction, 503, 'overloaded');
    if (key !== null) {
      if (current.size + previous.size === 0) rotatedAt = Date.now();
      else age(Date.now());
      // A copy: the branch is a slice of the whole received message, which the key would keep alive.
      current.add(Buffer.from(key).toString());
    }
    return statelessResponse(req, via, 503, 'Service Unavailable (overloaded)', retryAfter);
  };
}
