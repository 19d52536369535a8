import { writeFileSync, renameSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/config.js';
import { SERVE_OPTIONS } from '../config/options.js';
import type { Store } from '../store/types.js';
import type { SipListener } from '../api/routes/health.js';
import { VERSION } from '../version.js';
import { addConfigOptions } from './add-config-options.js';
import { explainListenError } from './explain-listen-error.js';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 10_000;

export function registerServeCommand(program: Command): void {
  const serve = program
    .command('serve')
    .description('run the REST API and the SIP gateway (embedded SQLite unless --database-url is a postgres:// URL)');
  addConfigOptions(
    serve,
    SERVE_OPTIONS.map((o) => o.key),
  );
  serve.addHelpText(
    'after',
    `
Examples:
  $ vsip serve
  $ vsip serve --api-port 9000 --data-dir /var/lib/vsip
  $ VSIP_DATABASE_URL=postgres://vsip@db/vsip vsip serve --role sip --carrier sip:198.51.100.7:5060`,
  );
  serve.action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(flags, process.env);
    await runServe(config);
  });
}

function listenerLine(a: SipListener): string {
  const host = a.address.includes(':') ? `[${a.address}]` : a.address;
  return `  SIP ${a.side.padEnd(8)} ${a.protocol.toUpperCase().padEnd(4)} ${host}:${a.port}`;
}

/**
 * `--sip-workers N`: the embedded PSTN simulator (when no --carrier) and the generated TLS
 * certificate are made here, once, before the workers start; the workers get the simulator as
 * their carrier. Returns what `runServe` closes on shutdown, workers first.
 */
async function startSipWorkers(
  Pool: typeof import('./sip-workers.js').SipWorkerPool,
  config: Config,
  logger: import('../logger.js').Logger,
): Promise<{ pool: import('./sip-workers.js').SipWorkerPool; simAddresses: SipListener[]; closers: Array<() => Promise<void>> }> {
  const closers: Array<() => Promise<void>> = [];
  const env: Record<string, string> = {};
  const simAddresses: SipListener[] = [];
  if (config.sipTlsCert === null || config.sipTlsKey === null) {
    const { selfSignedCertificate } = await import('../sip/transport/self-signed-certificate.js');
    await selfSignedCertificate(config.dataDir);
  }
  if (config.carrier === null) {
    const { PstnSim } = await import('../pstn-sim/pstn-sim.js');
    const sim = await PstnSim.start({ host: '127.0.0.1' });
    closers.push(() => sim.close());
    env.VSIP_CARRIER = sim.uri;
    for (const l of sim.addresses()) simAddresses.push({ side: 'pstn-sim', ...l });
  }
  try {
    const pool = await Pool.start(config.sipWorkers, env, logger.child({ component: 'sip-workers' }));
    closers.unshift(() => pool.stop());
    return { pool, simAddresses, closers };
  } catch (err) {
    for (const c of closers) await c().catch(() => undefined);
    throw err;
  }
}

function apiUrl(config: Config, port: number): string {
  const scheme = config.apiCert ? 'https' : 'http';
  const host = config.apiHost === '0.0.0.0' || config.apiHost === '::' ? '127.0.0.1' : config.apiHost;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** First start on an empty store: one account, shown once (the token is never shown again). */
async function bootstrapAccount(store: Store, config: Config, url: string | null): Promise<string | null> {
  if ((await store.countAccounts()) > 0) return null;
  const creds = await store.createAccount('default');
  const base = url ?? `http://${config.apiHost}:${config.apiPort}`;
  return [
    '',
    '  First start: created an account. Save these now; the token is not shown again',
    '  (rotate it with `vsip accounts rotate-token`).',
    '',
    `    Account SID  ${creds.accountSid}`,
    `    API key      ${creds.apiKey}`,
    `    API token    ${creds.apiToken}`,
    '',
    '  Create your first trunk:',
    '',
    `    curl -X POST "${base}/v2/accounts/${creds.accountSid}/trunks" \\`,
    `      -u "${creds.apiKey}:${creds.apiToken}" \\`,
    `      -H "Content-Type: application/json" \\`,
    `      -d '{"trunk_name": "my_trunk", "nso_code": "ANY-ANY", "domain_name": "${creds.accountSid}.${config.sipDomain}"}'`,
    '',
  ].join('\n');
}

export async function runServe(config: Config): Promise<void> {
  const workers = config.role !== 'api' && config.sipWorkers > 1 ? await import('./sip-workers.js') : null;
  if (workers?.isSipWorker()) return workers.runSipWorker(config, SHUTDOWN_LIMIT_MS);
  // Loaded here, not at the top, so that client commands (`vsip trunks list`, …) start without
  // pulling in Fastify, the store drivers and the SIP stack.
  const [{ createLogger }, { createMetricsRegistry }, { openStore }] = await Promise.all([
    import('../logger.js'),
    import('../metrics.js'),
    import('../store/open-store.js'),
  ]);
  const logger = createLogger(config.logLevel);
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    // PostgreSQL pool and LISTEN-connection errors happen outside any request: log them, keep running.
    onError: (err) => logger.error({ err }, 'database connection error'),
  });
  const metrics = createMetricsRegistry();
  const closers: Array<() => Promise<void>> = [];
  const lines: string[] = [`vsip ${VERSION} — store: ${store.kind}${store.kind === 'sqlite' ? ` (${config.dataDir}/vsip.db)` : ''}`];
  const ready: { api: string | null; sip: SipListener[]; pid: number } = { api: null, sip: [], pid: process.pid };
  let pool: import('./sip-workers.js').SipWorkerPool | null = null;

  try {
    if (config.role !== 'sip') {
      const { buildApp } = await import('../api/app.js');
      const app = await buildApp({
        store,
        config,
        logger,
        metrics,
        sipListeners: () => ready.sip,
        // With gateway workers, /metrics is theirs and ours together.
        ...(workers !== null ? { metricsText: () => (pool !== null ? pool.metricsText(metrics) : metrics.metrics()) } : {}),
      });
      await app.listen({ host: config.apiHost, port: config.apiPort });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.apiPort;
      ready.api = apiUrl(config, port);
      lines.push(`  API        ${ready.api}   (docs: ${ready.api}/docs, health: ${ready.api}/health)`);
      closers.push(() => app.close());
    }
    if (workers !== null) {
      const started = await startSipWorkers(workers.SipWorkerPool, config, logger);
      pool = started.pool;
      closers.unshift(...started.closers);
      ready.sip = [...started.pool.addresses, ...started.simAddresses];
      for (const a of ready.sip) lines.push(listenerLine(a));
      lines.push(`  SIP workers ${config.sipWorkers} processes (pids ${started.pool.pids.join(', ')}); UDP steered by Call-ID`);
    } else if (config.role !== 'api') {
      const { startGateway } = await import('../gateway/gateway.js');
      const gateway = await startGateway({ store, config, logger, metrics });
      for (const a of gateway.addresses) lines.push(listenerLine(a));
      ready.sip = gateway.addresses;
      closers.unshift(() => gateway.close());
    }
    // Only once every listener is up: a first start that fails (a port in use) must not create
    // the account whose token is shown once, or the next start would have nothing to show.
    if (ready.api !== null) {
      const banner = await bootstrapAccount(store, config, ready.api);
      if (banner) lines.splice(2, 0, banner);
    }
  } catch (err) {
    for (const close of closers) await close().catch(() => undefined);
    await store.close();
    throw explainListenError(err, config);
  }

  process.stderr.write(`${lines.join('\n')}\n`);
  logger.info({ api: ready.api, sip: ready.sip, role: config.role, store: store.kind }, 'vsip started');
  if (config.readyFile) {
    // Written atomically so a watcher never reads half a file.
    writeFileSync(`${config.readyFile}.tmp`, JSON.stringify(ready));
    renameSync(`${config.readyFile}.tmp`, config.readyFile);
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing those in flight');
    const force = setTimeout(() => {
      logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    force.unref();
    void (async () => {
      for (const close of closers) {
        await close().catch((err: unknown) => logger.error({ err }, 'error while closing'));
      }
      await store.close();
      logger.info('stopped');
      logger.flush?.();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
