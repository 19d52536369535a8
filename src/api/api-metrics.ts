import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * API request metrics on the process registry. Reused when already registered (tests build
 * several apps on one registry). Labels use the route pattern, never the concrete URL, so the
 * series count stays bounded.
 */
export interface ApiMetrics {
  observe(method: string, route: string, status: number, seconds: number): void;
}

export function apiMetrics(registry: Registry): ApiMetrics {
  const requests =
    (registry.getSingleMetric('vsip_api_requests_total') as Counter<'method' | 'route' | 'status'> | undefined) ??
    new Counter({
      name: 'vsip_api_requests_total',
      help: 'API requests answered',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric('vsip_api_request_duration_seconds') as Histogram<'method' | 'route'> | undefined) ??
    new Histogram({
      name: 'vsip_api_request_duration_seconds',
      help: 'API request latency',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
  return {
    observe(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
  };
}
