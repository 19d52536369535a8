import { workerOwnPort } from '../sip/index.js';
import type { Config } from '../config/config.js';
import type { Gateway } from '../gateway/gateway.js';
import type { SipWorkerIdentity } from '../config/sip-worker-identity.js';
import { openServerStore } from './open-server-store.js';
import { Lifecycle } from './lifecycle.js';
import type { ToPrimary, ToWorker } from './sip-worker-messages.js';

/**
 * The worker's side of `vsip serve --sip-workers N` (`sip-worker-pool.ts` is the primary's): a
 * gateway with UDP steering, answering the primary's requests, stopped like a single `vsip serve`.
 */
export async function runSipWorker(config: Config, worker: SipWorkerIdentity, shutdownLimitMs: number): Promise<void> {
  const [{ createLogger }, { createMetricsRegistry }, { startGateway }] = await Promise.all([
    import('../logger.js'),
    import('../metrics.js'),
    import('../gateway/gateway.js'),
  ]);
  const { index, key } = worker;
  const logger = createLogger(config.logLevel).child({ worker: index });
  const lifecycle = new Lifecycle({
    limitMs: shutdownLimitMs,
    onStepError: (err, step) => logger.error({ err, step }, 'error while closing'),
  });
  const send = (m: ToPrimary): void => {
    if (process.connected) process.send?.(m);
  };
  const store = await openServerStore(config, logger, lifecycle);
  const metrics = createMetricsRegistry();
  const side = (listenPort: number) => ({
    index,
    count: config.sipWorkers,
    key,
    peers: new Array<number>(config.sipWorkers).fill(0),
    readsShared: index === 0,
    ownPort: workerOwnPort(listenPort, index),
  });
  const steering = { access: side(config.sipPort), carrier: side(config.carrierPort) };
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      store,
      config,
      logger,
      metrics,
      worker: { udpSteering: steering, onForeignBye: (callId) => send({ vsip: 'foreign-bye', callId }) },
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
    send({
      vsip: 'failed',
      error: {
        message: e.message,
        ...(e.code ? { code: e.code } : {}),
        ...(typeof e.port === 'number' ? { port: e.port } : {}),
        ...(typeof e.address === 'string' ? { address: e.address } : {}),
      },
    });
    await lifecycle.close();
    return process.exit(1);
  }
  const g = gateway;
  lifecycle.onClose('gateway', () => g.close());
  process.on('message', (m: ToWorker) => {
    if (m?.vsip === 'peers') {
      steering.access.peers.splice(0, m.access.length, ...m.access);
      steering.carrier.peers.splice(0, m.carrier.length, ...m.carrier);
    } else if (m?.vsip === 'metrics') {
      void metrics.getMetricsAsJSON().then((json) => send({ vsip: 'metrics', id: m.id, json }));
    } else if (m?.vsip === 'end-call') {
      g.endCall(m.callId);
    }
  });
  // `disconnect`: the primary is gone (killed -9), nobody else would stop us.
  lifecycle.exitOnSignals(process, ['SIGTERM', 'SIGINT', 'disconnect'], (code) => process.exit(code));
  send({ vsip: 'ready', addresses: g.addresses, routePorts: g.routePorts });
  logger.info({ pid: process.pid, routePorts: g.routePorts }, 'SIP worker ready');
}
