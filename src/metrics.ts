import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { VERSION } from './version.js';

/**
 * One Prometheus registry per process, passed to the API (which serves `GET /metrics`) and to the
 * gateway (which registers its call, registration and transaction metrics on it).
 *
 * No default labels: a label with one constant value on every series is what Prometheus' naming
 * guide calls a constant label — which service a series came from is the scrape job's business.
 * The version is on `vsip_build_info` instead, the usual `_info` pattern.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'vsip_build_info',
    help: 'Always 1; labelled with the vsip version and the Node.js version running it',
    labelNames: ['version', 'nodejs'],
    // Merged with --sip-workers: one series, not the number of processes.
    aggregator: 'first',
    registers: [registry],
  });
  info.set({ version: VERSION, nodejs: process.version }, 1);
  return registry;
}
