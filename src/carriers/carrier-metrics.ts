import { Gauge, type Registry } from 'prom-client';
import type { CarrierStatus } from './carrier-status.js';

/**
 * Prometheus view of the carrier side, read from its status object at scrape time: each probed URI
 * up (1) or down (0), and each registration's state. Labels are carrier names and URIs the operator
 * configured, so their number is bounded by the plan.
 */
export function registerCarrierMetrics(registry: Registry, status: CarrierStatus): void {
  new Gauge({
    name: 'vsip_carrier_uri_up',
    help: 'OPTIONS probing of a carrier URI: 1 up, 0 down (probed carriers only)',
    labelNames: ['carrier', 'uri'],
    registers: [registry],
    collect() {
      this.reset();
      for (const u of status.uris()) this.set({ carrier: u.carrierName, uri: u.uri }, u.up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vsip_carrier_registered',
    help: 'Registration with a carrier: 1 registered, 0 registering or failing',
    labelNames: ['carrier'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of status.registrations()) this.set({ carrier: r.carrierName }, r.state === 'registered' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vsip_carrier_registration_last_code',
    help: 'The last REGISTER final status per carrier (0: timeout or transport error)',
    labelNames: ['carrier'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of status.registrations())
        if (r.lastResult !== null)
          this.set({ carrier: r.carrierName }, typeof r.lastResult === 'number' ? r.lastResult : 0);
    },
  });
}
