/**
 * `vsip serve --sip-workers N`: the SIP gateway in N worker processes (node:cluster) sharing the SIP
 * ports, for when one core is not enough. The serve process (the cluster primary) keeps the API,
 * the embedded PSTN simulator, the banner and `/metrics`; each worker runs a whole gateway on its
 * own connection to the store (configuration changes reach it like any process: the SQLite change
 * feed or LISTEN/NOTIFY).
 *
 * How a call stays in one worker:
 * - UDP: the workers share each listening socket; worker 0 reads it and hands every datagram whose
 *   Call-ID hashes to another worker over to that worker's own port (`udp-steering.ts`). Our Via
 *   and Record-Route name the worker's own port, so responses and in-dialog requests go there
 *   directly; requests to the carrier leave from it, responses to a PBX from the shared port.
 * - TCP/TLS: the primary hands each accepted connection to a worker in turn (cluster round-robin);
 *   a connection's messages stay in its worker. In-dialog requests are routed by our signed Route
 *   in any worker; a BYE relayed by a worker that does not hold the call is passed on, so the
 *   call's record is closed where it lives.
 *
 * Messages on the cluster IPC channel: `sip-worker-messages.ts`; the worker's side: `run-sip-worker.ts`.
 */
import { STEERING_KEY_BYTES } from '../sip/index.js';
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { sipWorkerEnv } from '../config/sip-worker-identity.js';
import type { GatewayAddress } from '../gateway/gateway.js';
import type { Logger } from '../logger.js';
import type { RoutePorts, ToPrimary, ToWorker } from './sip-worker-messages.js';

/** A worker that dies is started again after this long (a crash loop costs one fork a second). */
const RESTART_DELAY_MS = 1000;
const METRICS_TIMEOUT_MS = 2000;
/** The primary's side: forks, restarts and stops the workers, relays between them. */
export class SipWorkerPool {
  /** The workers' listening addresses (the same in every worker). */
  addresses: GatewayAddress[] = [];
  readonly #workers: Array<Worker | null>;
  readonly #routePorts: Array<RoutePorts | null>;
  readonly #key = randomBytes(STEERING_KEY_BYTES);
  readonly #metricsWaiters = new Map<number, (json: unknown) => void>();
  #nextMetricsId = 0;
  #stopping = false;

  private constructor(
    count: number,
    private readonly env: Record<string, string>,
    private readonly log: Logger,
  ) {
    this.#workers = new Array<Worker | null>(count).fill(null);
    this.#routePorts = new Array<RoutePorts | null>(count).fill(null);
  }

  /**
   * Forks `count` workers and resolves once every one listens; rejects with the first worker's
   * start error (e.g. a port in use), after stopping the others. `env` goes to the workers (the
   * embedded simulator's URI as VSIP_CARRIER); flags reach them as this process's argv.
   */
  static async start(count: number, env: Record<string, string>, log: Logger): Promise<SipWorkerPool> {
    const pool = new SipWorkerPool(count, env, log);
    try {
      await Promise.all(Array.from({ length: count }, (_, i) => pool.#fork(i)));
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  get pids(): number[] {
    return this.#workers.flatMap((w) => (w?.process.pid === undefined ? [] : [w.process.pid]));
  }

  #fork(index: number): Promise<void> {
    const worker = cluster.fork({ ...this.env, ...sipWorkerEnv(index, this.#key) });
    this.#workers[index] = worker;
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (m: ToPrimary) => {
        if (m?.vsip === 'ready') {
          ready = true;
          this.addresses = m.addresses;
          this.#routePorts[index] = m.routePorts;
          this.#broadcastPeers();
          resolve();
        } else if (m?.vsip === 'failed') {
          reject(Object.assign(new Error(m.error.message), m.error));
        } else if (m?.vsip === 'metrics') {
          this.#metricsWaiters.get(m.id)?.(m.json);
        } else if (m?.vsip === 'foreign-bye') {
          this.#send({ vsip: 'end-call', callId: m.callId }, worker);
        }
      });
      worker.on('exit', (code, signal) => {
        if (this.#workers[index] === worker) {
          this.#workers[index] = null;
          this.#routePorts[index] = null;
        }
        if (!ready) {
          reject(new Error(`SIP worker ${index} exited during start (${signal ?? code})`));
          return;
        }
        // Exit code 0: it was told to stop (Ctrl-C reaches the whole process group), not a crash.
        if (this.#stopping || code === 0) return;
        this.log.error(
          { worker: index, pid: worker.process.pid, code, signal },
          'SIP worker exited; starting it again',
        );
        this.#broadcastPeers();
        setTimeout(() => {
          if (!this.#stopping)
            this.#fork(index).catch((err: unknown) =>
              this.log.error({ err, worker: index }, 'SIP worker failed to start again'),
            );
        }, RESTART_DELAY_MS).unref();
      });
    });
  }

  #send(message: ToWorker, except?: Worker): void {
    for (const w of this.#workers) if (w !== null && w !== except && w.isConnected()) w.send(message);
  }

  /** Every worker learns every worker's own ports (0 for one being restarted: its calls stay where they land). */
  #broadcastPeers(): void {
    this.#send({
      vsip: 'peers',
      access: this.#routePorts.map((p) => p?.access ?? 0),
      carrier: this.#routePorts.map((p) => p?.carrier ?? 0),
    });
  }

  /** `own` and every worker's registry, merged (counters summed) as one Prometheus text. */
  async metricsText(own: Registry): Promise<string> {
    const replies = this.#workers.map((w) => {
      if (w === null || !w.isConnected()) return Promise.resolve(null);
      const id = this.#nextMetricsId++;
      return new Promise<unknown>((resolve) => {
        const timer = setTimeout(() => {
          this.#metricsWaiters.delete(id);
          resolve(null);
        }, METRICS_TIMEOUT_MS);
        this.#metricsWaiters.set(id, (json) => {
          clearTimeout(timer);
          this.#metricsWaiters.delete(id);
          resolve(json);
        });
        w.send({ vsip: 'metrics', id } satisfies ToWorker);
      });
    });
    const all = [await own.getMetricsAsJSON(), ...(await Promise.all(replies)).filter((j) => j !== null)];
    return AggregatorRegistry.aggregate(all as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics();
  }

  /** SIGTERM to every worker (each drains like a single `vsip serve`); resolves when all have exited. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(
      this.#workers.map((w) => {
        if (w === null || w.process.exitCode !== null || w.process.signalCode !== null) return null;
        const exited = new Promise((r) => w.once('exit', r));
        w.process.kill('SIGTERM');
        return exited;
      }),
    );
  }
}
