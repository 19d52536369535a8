import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per process, passed to the API (which serves `GET /metrics`) and to the
 * gateway (which registers its call, registration and transaction metrics on it).
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'vsip' });
  collectDefaultMetrics({ register: registry });
  return registry;
}
