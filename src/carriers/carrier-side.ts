import { Resolver } from 'node:dns/promises';
import { parseUri, type SipTarget, type SipUri } from '../sip/index.js';
import type { CarrierPlanSource } from './carrier-plan.js';
import { CarrierProber, DEFAULT_PROBE, type ProbeSettings } from './carrier-prober.js';
import { CarrierRegistrations, DEFAULT_REGISTRATION, type RegistrationSettings } from './carrier-registrations.js';
import { CarrierRouter } from './carrier-router.js';
import { CarrierSources } from './carrier-sources.js';
import type { CarrierStatus } from './carrier-status.js';
import { ourCarrierUri, sendCarrierRequest, type CarrierRequestPort } from './send-carrier-request.js';
import { SipResolver } from './sip-resolver.js';

export interface CarrierSideOptions {
  plan: CarrierPlanSource;
  /** The gateway's carrier-side SIP port (probes and REGISTERs leave from it). */
  port: CarrierRequestPort;
  /** `--dns-server`, else the system resolver. */
  dnsServer: string | null;
  probe?: Partial<ProbeSettings>;
  registration?: Partial<RegistrationSettings>;
}

/** Everything the gateway's carrier side runs, built and closed as one (STYLE.md §20). */
export interface CarrierSide {
  router: CarrierRouter;
  resolver: SipResolver;
  prober: CarrierProber;
  sources: CarrierSources;
  status: CarrierStatus;
  close(): Promise<void>;
}

/**
 * The carrier side of the gateway around one plan: RFC 3263 resolution, OPTIONS probing, the route
 * look-up that leaves down URIs out, registrations, and who may call in. Started here; `close`
 * stops all of it in reverse.
 */
export function startCarrierSide(o: CarrierSideOptions): CarrierSide {
  const dns = new Resolver();
  if (o.dnsServer !== null) dns.setServers([o.dnsServer]);
  const resolver = new SipResolver(dns);
  const firstTarget = async (uri: SipUri): Promise<SipTarget | null> => (await resolver.resolve(uri))[0] ?? null;
  const port = o.port;
  const prober = new CarrierProber(
    () => o.plan.current(),
    (u, target, timeoutMs) => {
      const requestUri = `sip:${u.hostPort}${u.params}`;
      const from = ourCarrierUri(port, target.protocol, 'vsip');
      return sendCarrierRequest(port, target, { method: 'OPTIONS', requestUri, from, to: requestUri }, timeoutMs);
    },
    (u) => firstTarget(u.parsed),
    { ...DEFAULT_PROBE, ...o.probe },
  );
  const router = new CarrierRouter(o.plan, prober);
  const settings = { ...DEFAULT_REGISTRATION, ...o.registration };
  const registrations = new CarrierRegistrations(
    o.plan,
    {
      send: (target, req) => sendCarrierRequest(port, target, req, settings.timeoutMs),
      resolve: async (uri) => {
        try {
          return await firstTarget(parseUri(uri));
        } catch {
          return null;
        }
      },
      contact: (protocol, user) => ourCarrierUri(port, protocol, user),
    },
    settings,
  );
  const sources = new CarrierSources(o.plan, registrations);
  prober.start();
  registrations.start();
  return {
    router,
    resolver,
    prober,
    sources,
    status: { uris: () => prober.states(), registrations: () => registrations.states() },
    async close() {
      sources.close();
      // Bindings are not removed at shutdown: a restart registers afresh, and a gateway going away
      // should not wait on registrars; they expire on their own.
      await registrations.close(false);
      router.close();
      prober.stop();
    },
  };
}
