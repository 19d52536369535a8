import { randomBytes, randomUUID } from 'node:crypto';
import { PstnSim } from '../pstn-sim/pstn-sim.js';
import { createSipEndpoint, hasToTag, parseUri, sipChannels } from '../sip/index.js';
import type { TlsOptions } from '../sip/index.js';
import { advertisedHost } from './advertised-host.js';
import { callLogger } from './call-logger.js';
import { callEventsWriter } from '../webhooks/call-events-writer.js';
import { liveCallEvents } from '../webhooks/live-call-events.js';
import { CallLog } from './call-log.js';
import { ConfigSnapshot } from './config-snapshot.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { routeRequest } from './route-request.js';
import { Origination } from './origination.js';
import { flowMode } from './flow-mode.js';
import { DialogTable } from './dialog-table.js';
import type { ProxyDeps } from './proxy-deps.js';
import { Registrar } from './registrar.js';
import { BindingKeepAlive } from './binding-keepalive.js';
import { joinNodeRegistry, NODE_STALE_MS } from './node-heartbeat.js';
import { mediaPortRange } from './media-port-range.js';
import { SipPort } from './sip-port.js';
import { RouteSigner } from './sip-routing.js';
import { Termination } from './termination.js';
import { startAdmission } from './admission.js';
import { earlyAdmission } from './early-admission.js';
import type { PortEvent } from './sip-port.js';
import { staticCarrierPlan } from '../carriers/static-carrier-plan.js';
import { StoreCarrierPlanSource } from '../carriers/store-carrier-plan-source.js';
import { withDefaultCarrier } from '../carriers/with-default-carrier.js';
import { startCarrierSide } from '../carriers/carrier-side.js';
import { registerCarrierMetrics } from '../carriers/carrier-metrics.js';
import { MediaAnchor } from '../media/media-anchor.js';
import { parseEngineList } from '../media/parse-engine-list.js';
import { RtpenginePool } from '../media/rtpengine-pool.js';
import { registerMediaMetrics } from '../media/media-metrics.js';
import { watchMedia } from './media-watch.js';
import { CarrierLimits } from './carrier-limits.js';

import type { Gateway, GatewayAddress, GatewayDeps } from './gateway-types.js';

export type { Gateway, GatewayAddress, GatewayDeps, GatewayTuning, GatewayWorker } from './gateway-types.js';

/**
 * Starts the SIP gateway: access side (PBXs: UDP+TCP on --sip-port, TLS on --sips-port), carrier
 * side (UDP+TCP on --carrier-port), and the embedded PSTN simulator as the carrier when no
 * --carrier is given. Policy comes from an in-memory snapshot of the store kept current by its
 * change events; nothing on the per-call path touches the database.
 */
export async function startGateway(deps: GatewayDeps): Promise<Gateway> {
  const { store, config, logger, tuning = {} } = deps;
  const log = logger.child({ component: 'gateway' });
  /** This process as a SIP node: bindings name the node holding their flow. */
  const nodeId = randomUUID();
  const digestSecret = await store.setMetaIfAbsent('gateway.digest_nonce_secret', randomBytes(32).toString('hex'));
  const routeSecret = await store.setMetaIfAbsent('gateway.route_secret', randomBytes(32).toString('hex'));

  const snapshot = new ConfigSnapshot(store, (err) => log.error({ err }, 'configuration reload failed'));
  await snapshot.start();
  const callLog = new CallLog(store, {
    maxBuffered: config.callLogMaxBuffered,
    onRecord: callLogger(log),
    afterWrite: callEventsWriter(store),
    ...tuning.callLog,
    onError: (err) => log.error({ err }, 'call log write failed'),
  });
  const closers: Array<() => Promise<void>> = [];
  const ports: SipPort[] = [];
  const metrics = new GatewayMetrics(
    deps.metrics,
    () => ports.map((p) => p.counters),
    () => callLog.dropped,
  );
  const onHandlerError = (msg: unknown): void =>
    log.error({ err: (msg as { error: unknown }).error }, 'SIP handler failed');
  sipChannels.handlerError.subscribe(onHandlerError);

  try {
    const engines =
      deps.mediaEngines !== undefined
        ? deps.mediaEngines
        : config.rtpengine !== null
          ? parseEngineList(config.rtpengine)
          : null;
    // Registered first, so closed last: sessions of calls still up are deleted once no SIP comes in.
    const media =
      engines === null
        ? null
        : new MediaAnchor(new RtpenginePool(engines), (err) =>
            log.warn({ err: (err as Error).message }, 'rtpengine command failed'),
          );
    if (media !== null) closers.push(() => media.close());
    const advertise = advertisedHost(config.sipAdvertise, config.sipHost);
    const tls: TlsOptions =
      config.sipTlsCert !== null && config.sipTlsKey !== null
        ? { certFile: config.sipTlsCert, keyFile: config.sipTlsKey, rejectUnauthorized: false }
        : { selfSignedDir: config.dataDir, rejectUnauthorized: false };
    const timers = tuning.sipTimers;
    const accessEp = await createSipEndpoint({
      listen: [
        { protocol: 'udp', host: config.sipHost, port: config.sipPort },
        { protocol: 'tcp', host: config.sipHost, port: config.sipPort },
        { protocol: 'tls', host: config.sipHost, port: config.sipsPort },
      ],
      tls,
      clientProtocols: ['tcp', 'tls'],
      advertisedHost: advertise,
      maxConnections: config.sipMaxConnections,
      ...(timers !== undefined ? { timers } : {}),
      // Requests to a PBX leave from the shared port: a NATed PBX only lets in what comes from the port it talks to.
      ...(deps.worker ? { udpSteering: deps.worker.udpSteering.access } : {}),
    });
    const access = new SipPort('access', accessEp, advertise);
    ports.push(access);
    closers.push(() => access.close());

    let pstnSim: PstnSim | null = null;
    if (config.carrier === null) {
      pstnSim = await PstnSim.start({
        host: '127.0.0.1',
        log: (line) => log.info({ side: 'pstn-sim' }, line), // each call's audio both ways, as it ends
        ...(tuning.simAnswerDelayMs !== undefined ? { answerDelayMs: tuning.simAnswerDelayMs } : {}),
      });
      const sim = pstnSim;
      closers.push(() => sim.close());
    }
    const carrierText = config.carrier ?? (pstnSim as PstnSim).uri;
    parseUri(carrierText); // a malformed --carrier fails start-up, not every call
    // The simulator listens on loopback: calls from any loopback address are its.
    const simSources = pstnSim === null ? {} : { sourceCidrs: ['127.0.0.0/8', '::1'] };
    const shortcut = staticCarrierPlan(carrierText, simSources);
    let planSource = deps.carrierPlan;
    if (planSource === undefined) {
      // The operator API's carriers and routes, with the shortcut as the default route until a stored one exists.
      const stored = await StoreCarrierPlanSource.open(deps.store, (err) =>
        log.error({ err }, 'carrier plan reload failed'),
      );
      closers.push(async () => stored.close());
      planSource = withDefaultCarrier(stored, shortcut);
    }

    // Carriers' certificates are verified (system CAs or --carrier-ca-file) for the name in their URI.
    const carrierTls: TlsOptions = {
      ...(config.carrierTlsCert !== null && config.carrierTlsKey !== null
        ? { certFile: config.carrierTlsCert, keyFile: config.carrierTlsKey, clientCert: true }
        : { selfSignedDir: config.dataDir }),
      rejectUnauthorized: true,
      ...(config.carrierCaFile !== null ? { caFile: config.carrierCaFile } : {}),
    };
    const carrierEp = await createSipEndpoint({
      listen: [
        { protocol: 'udp', host: config.sipHost, port: config.carrierPort },
        { protocol: 'tcp', host: config.sipHost, port: config.carrierPort },
      ],
      tls: carrierTls,
      clientProtocols: ['tls'],
      advertisedHost: advertise,
      maxConnections: config.sipMaxConnections,
      ...(timers !== undefined ? { timers } : {}),
      // Requests to the carrier leave from the worker's own port, so its responses come straight back to it.
      ...(deps.worker ? { udpSteering: deps.worker.udpSteering.carrier, udpOriginateFromOwnPort: true } : {}),
    });
    const carrier = new SipPort('carrier', carrierEp, advertise);
    ports.push(carrier);
    closers.push(() => carrier.close());

    const carriers = startCarrierSide({
      plan: planSource,
      port: carrier,
      dnsServer: config.dnsServer,
      ...(tuning.carrierProbe !== undefined ? { probe: tuning.carrierProbe } : {}),
      ...(tuning.carrierRegistration !== undefined ? { registration: tuning.carrierRegistration } : {}),
    });
    closers.push(() => carriers.close());
    registerCarrierMetrics(deps.metrics, carriers.status);

    const proxy: ProxyDeps = {
      callLog,
      metrics,
      signer: new RouteSigner(Buffer.from(routeSecret, 'hex'), nodeId.slice(0, 8)),
      timers: { targetTimeoutMs: config.sipDestinationTimeout, ringTimeoutMs: 180_000, ...tuning.proxy },
      dialogs: new DialogTable(
        { callLog, metrics, ...(tuning.mediaQuietMs !== undefined ? { mediaQuietMs: tuning.mediaQuietMs } : {}) },
        Math.max(200_000, config.sipMaxCalls),
      ),
      media,
      ...(tuning.mediaQuietMs !== undefined ? { mediaQuietMs: tuning.mediaQuietMs } : {}),
      ...(deps.worker ? { onForeignBye: deps.worker.onForeignBye } : {}),
      ...liveCallEvents(store, closers, (err) => log.error({ err }, 'call events write failed')),
    };
    registerMediaMetrics(deps.metrics, media);
    const mediaTimeoutMs = tuning.mediaTimeoutMs ?? config.mediaTimeout * 1000;
    if (media !== null && mediaTimeoutMs > 0) {
      const stop = watchMedia(proxy, mediaTimeoutMs, tuning.mediaCheckMs ?? Math.max(1000, mediaTimeoutMs / 4));
      closers.push(async () => stop());
    }
    const maxCallMs = tuning.maxCallDurationMs ?? 6 * 3600_000;
    const sweeper = setInterval(() => proxy.dialogs.sweep(maxCallMs, Date.now()), Math.min(60_000, maxCallMs));
    sweeper.unref();
    closers.push(async () => clearInterval(sweeper));
    const { guard, trunkLimits, overload, pikeAllows } = startAdmission({
      config,
      log,
      tuning,
      digestSecret,
      snapshot,
      ports,
      metrics,
      registry: deps.metrics,
      dialogs: () => proxy.dialogs.size,
      callLogBuffered: () => callLog.buffered,
      activeTransactions: () => access.counters.activeTransactions + carrier.counters.activeTransactions,
      closers,
    });
    const sipDomain = config.sipDomain.toLowerCase();
    // Initial requests (no To tag) are admitted before a transaction exists: pike, the table cap,
    // and for new INVITEs overload control with a stateless 503 (early-admission.ts).
    access.onInitialRequest(earlyAdmission({ direction: 'termination', overload, metrics, allowSource: pikeAllows }));
    carrier.onInitialRequest(earlyAdmission({ direction: 'origination', overload, metrics, allowSource: null }));
    /** In-dialog requests (the only ones reaching here unscreened): pike on the access side. */
    const admit = (e: PortEvent, checkPike: boolean): boolean => {
      if (e.kind !== 'request' || !checkPike || !hasToTag(e.tx.request)) return true;
      if (pikeAllows(e.tx.source.address)) return true;
      e.tx.terminate();
      return false;
    };
    const localHosts = new Set([advertise.toLowerCase(), 'localhost']);
    const termination = new Termination({
      proxy,
      snapshot,
      guard,
      sipDomain,
      localHosts,
      access,
      carrier,
      router: carriers.router,
      trunkLimits,
      carrierLimits: new CarrierLimits(tuning.trunkClock),
      resolve: (uri) => carriers.resolver.resolve(uri),
      onRetryAfter: (uriId, seconds) => carriers.prober.holdDown(uriId, seconds),
    });
    const origination = new Origination({
      proxy,
      snapshot,
      access,
      carrier,
      sources: carriers.sources,
      trunkLimits,
      bindings: (sid) => store.listRegistrations(sid),
      ...flowMode(store, config),
      node: {
        id: nodeId,
        region: config.region,
        nodes: () => store.listSipNodes(new Date(Date.now() - NODE_STALE_MS).toISOString().replace(/\.\d{3}Z$/, 'Z')),
      },
    });
    const keepAlive = new BindingKeepAlive({
      port: access,
      store,
      intervalMs: config.sipKeepaliveInterval * 1000,
      onDrop: (b, why) =>
        log.warn(
          { trunkSid: b.trunkSid, contact: b.contact, from: `${b.sourceIp}:${b.sourcePort}`, transport: b.transport },
          `registered contact dropped: ${why}`,
        ),
    });
    keepAlive.start();
    closers.push(async () => keepAlive.stop());
    const registrar = new Registrar({
      keepAlive,
      store,
      snapshot,
      guard,
      metrics,
      nodeId,
      ...(tuning.registrar !== undefined ? { limits: tuning.registrar } : {}),
      onError: (err) => log.error({ err }, 'registration failed'),
      onRefused: (e) => log.warn(e, 'REGISTER refused'),
    });
    access.onEvent((e) => {
      if (admit(e, true))
        routeRequest(e, {
          side: 'access',
          proxy,
          other: carrier,
          initialInvite: (tx) => termination.handle(tx),
          register: (tx) => registrar.handle(tx),
        });
    });
    carrier.onEvent((e) => {
      if (admit(e, false))
        routeRequest(e, {
          side: 'carrier',
          proxy,
          other: access,
          initialInvite: (tx) => origination.handle(tx),
          register: null,
        });
    });

    // The node registry: the access side's public addresses (what a customer's firewall must allow).
    const leave = await joinNodeRegistry(
      store,
      {
        id: nodeId,
        region: config.region,
        signalling: access.listening.map((l) => ({ transport: l.protocol, address: advertise, port: l.port })),
        rtpPorts: mediaPortRange(config, media !== null),
        apiUrl: config.publicApiUrl,
        // Where other nodes hand us calls for the PBX connections we hold (flow-relay.ts).
        relay: { address: advertise, port: carrier.routePort('udp') },
      },
      (err) => log.error({ err }, 'node registry heartbeat failed'),
      tuning.nodeHeartbeatMs,
    );
    closers.push(leave);
    const addresses: GatewayAddress[] = [];
    for (const p of ports)
      for (const l of p.listening) addresses.push({ side: p.side as GatewayAddress['side'], ...l });
    if (pstnSim !== null) for (const l of pstnSim.addresses()) addresses.push({ side: 'pstn-sim', ...l });
    log.info(
      {
        addresses,
        carrier: config.carrier ?? 'built-in PSTN simulator',
        trunks: snapshot.size,
        media: media === null ? 'signalling-only' : media.pool.engines.map((e) => e.client.label),
      },
      'SIP gateway listening',
    );

    let closed = false;
    return {
      addresses,
      routePorts: { access: access.routePort('udp'), carrier: carrier.routePort('udp') },
      snapshot,
      callLog,
      pstnSim,
      carriers: carriers.status,
      media,
      endCall: (callId) => proxy.dialogs.end(callId, 200, 'completed'),
      async close() {
        if (closed) return;
        closed = true;
        snapshot.stop();
        sipChannels.handlerError.unsubscribe(onHandlerError);
        for (const c of closers.reverse()) await c().catch(() => {});
        await callLog.close();
      },
    };
  } catch (err) {
    snapshot.stop();
    sipChannels.handlerError.unsubscribe(onHandlerError);
    for (const c of closers.reverse()) await c().catch(() => {});
    await callLog.close();
    throw err;
  }
}
