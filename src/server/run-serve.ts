import cluster from 'node:cluster';
import { writeFileSync, renameSync } from 'node:fs';
import type { SipListener } from '../api/routes/health.js';
import type { Config } from '../config/config.js';
import type { SipWorkerIdentity } from '../config/sip-worker-identity.js';
import type { Logger } from '../logger.js';
import { VERSION } from '../version.js';
import { firstStartAccount } from './first-start-account.js';
import { Lifecycle, SHUTDOWN_LIMIT_MS } from './lifecycle.js';
import { Readiness } from './readiness.js';
import type { SipWorkerPool } from './sip-worker-pool.js';
import type { MediaStatus } from '../media/media-status.js';
import type { EngineAddress } from '../media/parse-engine-list.js';
import { carriersReady } from '../carriers/carriers-ready.js';
import type { CarrierStatus } from '../carriers/carrier-status.js';

function listenerLine(a: SipListener): string {
  const host = a.address.includes(':') ? `[${a.address}]` : a.address;
  return `  SIP ${a.side.padEnd(8)} ${a.protocol.toUpperCase().padEnd(4)} ${host}:${a.port}`;
}

function apiUrl(config: Config, port: number): string {
  const scheme = config.apiCert ? 'https' : 'http';
  const host = config.apiHost === '0.0.0.0' || config.apiHost === '::' ? '127.0.0.1' : config.apiHost;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * `--sip-workers N`: the embedded PSTN simulator (when no --carrier) and the generated TLS
 * certificate are made here, once, before the workers start; the workers get the simulator as
 * their carrier.
 */
async function startSipWorkers(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
  engines: readonly EngineAddress[] | null,
): Promise<{ pool: SipWorkerPool; simAddresses: SipListener[] }> {
  const { SipWorkerPool } = await import('./sip-worker-pool.js');
  const env: Record<string, string> = {};
  // The workers drive the engines the primary chose (its local child's address, when it started one).
  if (engines !== null) env.VSIP_RTPENGINE = engines.map((e) => `udp:${e.host}:${e.port}=${e.weight}`).join(',');
  const simAddresses: SipListener[] = [];
  if (config.sipTlsCert === null || config.sipTlsKey === null) {
    const { selfSignedCertificate } = await import('../sip/transport/self-signed-certificate.js');
    await selfSignedCertificate(config.dataDir);
  }
  if (config.carrier === null) {
    const { PstnSim } = await import('../pstn-sim/pstn-sim.js');
    const sim = await PstnSim.start({ host: '127.0.0.1', log: (line) => logger.info({ side: 'pstn-sim' }, line) });
    lifecycle.onClose('pstn-sim', () => sim.close());
    // The workers read it as their --carrier (a flag would win, but then there is no simulator).
    env.VSIP_CARRIER = sim.uri;
    for (const l of sim.addresses()) simAddresses.push({ side: 'pstn-sim', ...l });
  }
  const pool = await SipWorkerPool.start(config.sipWorkers, env, logger.child({ component: 'sip-workers' }));
  lifecycle.onClose('sip-workers', () => pool.stop());
  return { pool, simAddresses };
}

/**
 * `vsip serve`: the REST API and/or the SIP gateway (`--role`), the gateway in this process or in
 * `--sip-workers` worker processes. Resolves once everything listens and the banner is printed;
 * SIGTERM/SIGINT then close everything in reverse order and exit. A failed start closes what was
 * opened and rejects with the error (a listen error as it came: the CLI explains it).
 *
 * @param worker set in a process forked by `SipWorkerPool`: it runs one worker's gateway instead.
 */
export async function runServe(config: Config, worker: SipWorkerIdentity | null): Promise<void> {
  const withWorkers = config.role !== 'api' && config.sipWorkers > 1;
  if (withWorkers && worker !== null && cluster.isWorker) {
    const { runSipWorker } = await import('./run-sip-worker.js');
    return runSipWorker(config, worker, SHUTDOWN_LIMIT_MS);
  }
  // Loaded here, not at the top, so that client commands (`vsip trunks list`, …) start without
  // pulling in Fastify, the store drivers and the SIP stack.
  const [{ createLogger }, { createMetricsRegistry }, { openServerStore }] = await Promise.all([
    import('../logger.js'),
    import('../metrics.js'),
    import('./open-server-store.js'),
  ]);
  const logger = createLogger(config.logLevel);
  const lifecycle = new Lifecycle({
    limitMs: SHUTDOWN_LIMIT_MS,
    onStepError: (err, step) => logger.error({ err, step }, 'error while closing'),
  });
  const store = await openServerStore(config, logger, lifecycle);
  const metrics = createMetricsRegistry();
  const lines: string[] = [
    `vsip ${VERSION} — store: ${store.kind}${store.kind === 'sqlite' ? ` (${config.dataDir}/vsip.db)` : ''}`,
  ];
  const ready: { api: string | null; sip: SipListener[]; pid: number; ops: string | null } = {
    api: null,
    sip: [],
    pid: process.pid,
    ops: null,
  };
  let pool: SipWorkerPool | null = null;
  let media: { engines: EngineAddress[] | null; status: MediaStatus } | null = null;
  const metricsText = () => (pool !== null ? pool.metricsText(metrics) : metrics.metrics());
  // `/ready` (API and --ops-port): one list of checks; a part that needs something to serve
  // (rtpengine, carriers) appends its check where it starts.
  const readiness = new Readiness();
  readiness.add('store', async () => {
    await store.getMeta('readiness-probe');
  });
  if (config.role !== 'api') {
    readiness.add('sip-listeners', () => {
      if (ready.sip.length === 0) throw new Error('the SIP gateway is not listening yet');
      if (pool !== null && pool.pids.length < config.sipWorkers)
        throw new Error(`${pool.pids.length} of ${config.sipWorkers} SIP workers running`);
    });
  }
  let carrierStatus: CarrierStatus | null = null;

  try {
    if (config.opsPort !== null) {
      const { startOpsServer } = await import('./ops-server.js');
      // Registered before the API and gateway, so closed after them: `/ready` says 503 while they drain.
      const ops = await startOpsServer({
        host: config.opsHost,
        port: config.opsPort,
        role: config.role,
        storeKind: store.kind,
        metrics,
        metricsText,
        sipListeners: () => ready.sip,
        readiness,
      });
      lifecycle.onClose('ops', () => ops.close());
      ready.ops = ops.url;
    }
    if (config.role !== 'sip') {
      const { buildApp } = await import('../api/app.js');
      const app = await buildApp({
        store,
        config,
        logger,
        metrics,
        sipListeners: () => ready.sip,
        mediaStatus: () => media?.status ?? null,
        carrierStatus: () => carrierStatus,
        // With gateway workers, /metrics is theirs and ours together.
        ...(withWorkers ? { metricsText } : {}),
        readiness,
      });
      lifecycle.onClose('api', () => app.close());
      await app.listen({ host: config.apiHost, port: config.apiPort });
      const { startWebhookDispatcher } = await import('../webhooks/start-webhook-dispatcher.js');
      const webhooks = startWebhookDispatcher(store, config, logger);
      if (webhooks !== null) lifecycle.onClose('webhooks', () => webhooks.stop());
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.apiPort;
      ready.api = apiUrl(config, port);
      lines.push(`  API        ${ready.api}   (docs: ${ready.api}/docs, health: ${ready.api}/health)`);
    }
    if (config.role !== 'api') {
      const { startMedia, mediaLine } = await import('./start-media.js');
      media = await startMedia(config, logger, lifecycle);
      lines.push(mediaLine(media.status));
      const engines = media.engines;
      if (engines !== null && engines.length > 0) {
        // Ready while one engine answers: calls go to the engines that do (rtpengine-pool.ts).
        const { RtpenginePool } = await import('../media/rtpengine-pool.js');
        const probe = new RtpenginePool(engines, { retryAfterMs: 0 });
        lifecycle.onClose('rtpengine-probe', async () => probe.close());
        readiness.add('rtpengine', async () => {
          const up = await probe.ping();
          if (!up.some((e) => e.up)) throw new Error(`no rtpengine answers (${up.map((e) => e.engine).join(', ')})`);
        });
      }
    }
    if (ready.ops !== null) lines.push(`  Ops        ${ready.ops}   (/health, /ready, /metrics)`);
    if (withWorkers) {
      const started = await startSipWorkers(config, logger, lifecycle, media?.engines ?? null);
      pool = started.pool;
      ready.sip = [...started.pool.addresses, ...started.simAddresses];
      for (const a of ready.sip) lines.push(listenerLine(a));
      lines.push(
        `  SIP workers ${config.sipWorkers} processes (pids ${started.pool.pids.join(', ')}); UDP steered by Call-ID`,
      );
    } else if (config.role !== 'api') {
      const { startGateway } = await import('../gateway/gateway.js');
      const gateway = await startGateway({ store, config, logger, metrics, mediaEngines: media?.engines ?? null });
      lifecycle.onClose('gateway', () => gateway.close());
      for (const a of gateway.addresses) lines.push(listenerLine(a));
      ready.sip = gateway.addresses;
      carrierStatus = gateway.carriers;
      readiness.add('carriers', carriersReady(gateway.carriers));
    }
    // Only once every listener is up: a first start that fails (a port in use) must not create
    // the account whose token is shown once, or the next start would have nothing to show.
    if (ready.api !== null) {
      const banner = await firstStartAccount(store, config, ready.api);
      if (banner) lines.splice(2, 0, banner);
    }
  } catch (err) {
    await lifecycle.close();
    throw err;
  }

  process.stderr.write(`${lines.join('\n')}\n`);
  logger.info({ api: ready.api, sip: ready.sip, role: config.role, store: store.kind }, 'vsip started');
  if (config.readyFile) {
    // Written atomically so a watcher never reads half a file.
    writeFileSync(`${config.readyFile}.tmp`, JSON.stringify(ready));
    renameSync(`${config.readyFile}.tmp`, config.readyFile);
  }

  lifecycle.exitOnSignals(process, ['SIGTERM', 'SIGINT'], (code) => process.exit(code), {
    stopping: (signal) => {
      readiness.drain();
      logger.info({ signal }, 'shutting down: no new requests, finishing those in flight');
    },
    stopped: (outcome) => {
      if (outcome === 'timed-out') {
        logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long; exiting');
        return;
      }
      logger.info('stopped');
      logger.flush?.();
    },
  });
}
