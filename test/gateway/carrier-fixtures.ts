import type { Carrier, CarrierCredentials, CarrierPlan, CarrierPlanSource } from '../../src/carriers/carrier-plan.js';
import type { CarrierHop } from '../../src/gateway/carrier-target.js';

/** A carrier for plans built in tests: URIs given as `[uri, priority, weight]`. */
export function testCarrier(
  name: string,
  uris: Array<[string, number, number]>,
  o: Partial<Omit<Carrier, 'uris' | 'name'>> = {},
): Carrier {
  return {
    sid: o.sid ?? `CR-${name}`,
    name,
    uris: uris.map(([uri, priority, weight], i) => ({ id: `${name}-${i}`, uri, priority, weight })),
    credentials: null,
    registration: null,
    sourceCidrs: [],
    codecs: [],
    maxCallsPerSecond: null,
    maxConcurrentCalls: null,
    probe: false,
    srtp: false,
    ...o,
  };
}

export function credentials(username: string, password: string, realm: string | null = null): CarrierCredentials {
  return { username, password, authUsername: null, realm };
}

/**
 * A small in-memory CarrierPlanSource: `set` replaces the plan whole and tells the listeners, as the
 * store-backed one does on a change.
 */
export class MemoryPlanSource implements CarrierPlanSource {
  #plan: CarrierPlan;
  readonly #listeners = new Set<() => void>();

  constructor(carriers: Carrier[], routes: Array<[string, Array<[string, number, number]>]>) {
    this.#plan = MemoryPlanSource.plan(carriers, routes);
  }

  static plan(carriers: Carrier[], routes: Array<[string, Array<[string, number, number]>]>): CarrierPlan {
    return {
      carriers: new Map(carriers.map((c) => [c.sid, c])),
      routes: routes.map(([prefix, list], i) => ({
        sid: `RT-${i}`,
        prefix,
        carriers: list.map(([name, priority, weight]) => ({
          carrierSid: carriers.find((c) => c.name === name)?.sid ?? name,
          priority,
          weight,
        })),
      })),
    };
  }

  current(): CarrierPlan {
    return this.#plan;
  }

  set(carriers: Carrier[], routes: Array<[string, Array<[string, number, number]>]>): void {
    this.#plan = MemoryPlanSource.plan(carriers, routes);
    for (const l of this.#listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** A first attempt at `label` (a host), of carrier `carrier` (default: one named after the host). */
export function carrierHop(label: string, carrier: Carrier = testCarrier(label, [[`sip:${label}`, 0, 1]])): CarrierHop {
  return {
    requestUri: `sip:+15550100@${label}`,
    target: { protocol: 'udp', address: label, port: 5060 },
    label,
    carrier,
    uriId: `${label}-0`,
    headers: [],
    cseqOffset: 0,
    answered: false,
  };
}
