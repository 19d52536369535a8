import { isIP } from 'node:net';
import { formatHost, parseUri, type SipUri } from '../sip/index.js';
import type { Carrier, CarrierPlan, CarrierPlanSource, CarrierUri } from './carrier-plan.js';
import { RouteIndex } from './route-index.js';
import { weightedOrder } from './weighted-order.js';

/** One carrier URI parsed once per plan, with what the Request-URI of a call to it is built from. */
export interface CompiledUri {
  readonly carrier: Carrier;
  readonly uri: CarrierUri;
  readonly parsed: SipUri;
  /** `host[:port]` as the Request-URI writes it. */
  readonly hostPort: string;
  /** The URI's parameters (`;transport=tcp`), as written. */
  readonly params: string;
  /** The host is an IP literal: no DNS (RFC 3263 §4.2). */
  readonly literal: boolean;
}

/** One place a call may go: a carrier and one of its URIs, in the order they are to be tried. */
export interface CarrierChoice {
  readonly carrier: Carrier;
  readonly uri: CompiledUri;
}

interface Compiled {
  plan: CarrierPlan;
  index: RouteIndex;
  uris: Map<string, CompiledUri[]>;
}

/** Liveness of carrier URIs as the prober sees it (see carrier-prober.ts). */
export interface UriLiveness {
  isDown(uriId: string): boolean;
}

const ALWAYS_UP: UriLiveness = { isDown: () => false };

function compileUri(carrier: Carrier, uri: CarrierUri): CompiledUri | null {
  let parsed: SipUri;
  try {
    parsed = parseUri(uri.uri);
  } catch {
    return null; // validated by the operator API; a bad one here is skipped, not a crash per call
  }
  if (parsed.scheme !== 'sip' && parsed.scheme !== 'sips') return null;
  let params = '';
  for (const [k, v] of parsed.params) params += v === null ? `;${k}` : `;${k}=${v}`;
  const hostPort = `${formatHost(parsed.host)}${parsed.port === null ? '' : `:${parsed.port}`}`;
  return { carrier, uri, parsed, hostPort, params, literal: isIP(parsed.host) !== 0 };
}

/**
 * The plan compiled for the per-call path: the route index and every carrier URI parsed once, redone
 * whole when the source says the plan changed (nothing per call grows with the plan's size).
 */
export class CarrierRouter {
  #compiled: Compiled;
  readonly #unsubscribe: () => void;

  constructor(
    source: CarrierPlanSource,
    private readonly liveness: UriLiveness = ALWAYS_UP,
    private readonly random: () => number = Math.random,
  ) {
    this.#compiled = CarrierRouter.compile(source.current());
    this.#unsubscribe = source.onChange(() => {
      this.#compiled = CarrierRouter.compile(source.current());
    });
  }

  static compile(plan: CarrierPlan): Compiled {
    const uris = new Map<string, CompiledUri[]>();
    for (const c of plan.carriers.values()) {
      const list: CompiledUri[] = [];
      for (const u of c.uris) {
        const cu = compileUri(c, u);
        if (cu !== null) list.push(cu);
      }
      uris.set(c.sid, list);
    }
    return { plan, index: new RouteIndex(plan.routes), uris };
  }

  get plan(): CarrierPlan {
    return this.#compiled.plan;
  }

  /**
   * Where a call to `number` may go, in order: the longest-prefix route's carriers by priority then
   * weight, and within each carrier its URIs the same way; URIs the prober holds down are left out.
   * Null when no route matches the number.
   */
  choices(number: string): CarrierChoice[] | null {
    const c = this.#compiled;
    const route = c.index.match(number);
    if (route === undefined) return null;
    const out: CarrierChoice[] = [];
    for (const rc of weightedOrder(route.carriers, this.random)) {
      const carrier = c.plan.carriers.get(rc.carrierSid);
      const uris = c.uris.get(rc.carrierSid);
      if (carrier === undefined || uris === undefined) continue;
      for (const u of weightedOrder(
        uris.map((x) => ({ priority: x.uri.priority, weight: x.uri.weight, x })),
        this.random,
      )) {
        if (!this.liveness.isDown(u.x.uri.id)) out.push({ carrier, uri: u.x });
      }
    }
    return out;
  }

  close(): void {
    this.#unsubscribe();
  }
}
