import { isIP } from 'node:net';
import { targetOfUri, type SipProtocol, type SipTarget, type SipUri } from '../sip/index.js';
import { weightedOrder } from './weighted-order.js';

/** The subset of `node:dns/promises` Resolver this needs (STYLE.md §9). */
export interface DnsClient {
  resolveNaptr(
    name: string,
  ): Promise<Array<{ flags: string; service: string; replacement: string; order: number; preference: number }>>;
  resolveSrv(name: string): Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
  resolve4(name: string, o: { ttl: true }): Promise<Array<{ address: string; ttl: number }>>;
  resolve6(name: string, o: { ttl: true }): Promise<Array<{ address: string; ttl: number }>>;
}

export interface SipResolverOptions {
  /**
   * How long NAPTR and SRV answers are kept (s): node:dns reports TTLs for A/AAAA only, so these get
   * this bound instead (A/AAAA keep their own TTL, capped by it).
   */
  maxTtlSeconds?: number;
  now?: () => number;
  random?: () => number;
}

/** NAPTR services (RFC 3263 §4.1) for the transports vsip speaks toward carriers. */
const NAPTR_SERVICES: Record<string, SipProtocol> = { 'SIP+D2U': 'udp', 'SIP+D2T': 'tcp', 'SIPS+D2T': 'tls' };
const SRV_PREFIX: Record<SipProtocol, string> = { udp: '_sip._udp.', tcp: '_sip._tcp.', tls: '_sips._tcp.' };

/**
 * RFC 3263 §4 for a carrier URI: the transport (the URI's `transport`, NAPTR, then SRV per
 * transport), then the hosts (SRV by priority, weighted within one, RFC 2782), then addresses
 * (A, AAAA). An IP literal skips DNS; a URI with a port skips NAPTR and SRV (§4.2). Answers are
 * cached for their TTL; a failed name resolves to no target. TLS targets keep the URI's host name
 * for SNI and the certificate check (RFC 5922 §4).
 */
export class SipResolver {
  readonly #cache = new Map<string, { until: number; value: Promise<unknown> }>();
  readonly #maxTtl: number;
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(
    private readonly dns: DnsClient,
    o: SipResolverOptions = {},
  ) {
    this.#maxTtl = o.maxTtlSeconds ?? 300;
    this.#now = o.now ?? Date.now;
    this.#random = o.random ?? Math.random;
  }

  /** Targets in the order to try; empty when nothing resolves. */
  async resolve(uri: SipUri): Promise<SipTarget[]> {
    const direct = targetOfUri(uri);
    const host = uri.host;
    const serverName = direct.protocol === 'tls' && isIP(host) === 0 ? { serverName: host } : {};
    if (isIP(host) !== 0) return [direct];
    const t = uri.params.get('transport');
    const explicit = (t === undefined || t === null) && uri.scheme !== 'sips' ? null : direct.protocol;
    if (uri.port !== null) return this.addresses(host, direct.port, direct.protocol, serverName);
    const services: Array<{ protocol: SipProtocol; name: string }> = [];
    if (explicit === null) {
      const naptr = await this.cached(`naptr ${host}`, () => this.dns.resolveNaptr(host), []);
      for (const n of [...naptr].sort((a, b) => a.order - b.order || a.preference - b.preference)) {
        const protocol = NAPTR_SERVICES[n.service.toUpperCase()];
        if (protocol !== undefined && n.flags.toLowerCase() === 's') services.push({ protocol, name: n.replacement });
      }
      // No NAPTR: SRV for each transport we speak (§4.1), UDP first as the RFC's default.
      if (services.length === 0)
        for (const protocol of ['udp', 'tcp', 'tls'] as const)
          services.push({ protocol, name: `${SRV_PREFIX[protocol]}${host}` });
    } else services.push({ protocol: explicit, name: `${SRV_PREFIX[explicit]}${host}` });
    const out: SipTarget[] = [];
    for (const s of services) {
      const srv = await this.cached(`srv ${s.name}`, () => this.dns.resolveSrv(s.name), []);
      for (const r of weightedOrder(srv, this.#random))
        out.push(
          ...(await this.addresses(r.name, r.port, s.protocol, s.protocol === 'tls' ? { serverName: host } : {})),
        );
      if (out.length > 0) return out;
    }
    // No SRV either: the host's own addresses on the transport's default port (§4.2).
    const protocol = explicit ?? direct.protocol;
    return this.addresses(host, protocol === 'tls' ? 5061 : 5060, protocol, serverName);
  }

  private async addresses(
    host: string,
    port: number,
    protocol: SipProtocol,
    extra: { serverName?: string },
  ): Promise<SipTarget[]> {
    if (isIP(host) !== 0) return [{ protocol, address: host, port, ...extra }];
    const v4 = await this.cached(`a ${host}`, () => this.dns.resolve4(host, { ttl: true }), [], true);
    const v6 =
      v4.length > 0 ? [] : await this.cached(`aaaa ${host}`, () => this.dns.resolve6(host, { ttl: true }), [], true);
    return [...v4, ...v6].map((a) => ({ protocol, address: a.address, port, ...extra }));
  }

  /** One DNS question, cached for its TTL (A/AAAA) or the cap; a failure is cached briefly too (negative caching). */
  private cached<T>(key: string, query: () => Promise<T>, empty: T, withTtl = false): Promise<T> {
    const now = this.#now();
    const hit = this.#cache.get(key);
    if (hit !== undefined && hit.until > now) return hit.value as Promise<T>;
    if (this.#cache.size > 10_000) this.#cache.clear();
    const value = query().then(
      (v) => {
        let ttl = this.#maxTtl;
        if (withTtl) for (const r of v as Array<{ ttl: number }>) ttl = Math.min(ttl, r.ttl);
        entry.until = this.#now() + ttl * 1000;
        return v;
      },
      () => {
        entry.until = this.#now() + Math.min(30, this.#maxTtl) * 1000;
        return empty;
      },
    );
    const entry = { until: now + 5000, value: value as Promise<unknown> };
    this.#cache.set(key, entry);
    return value;
  }
}
