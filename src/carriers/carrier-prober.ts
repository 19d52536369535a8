import type { SipTarget } from '../sip/index.js';
import type { CarrierPlan } from './carrier-plan.js';
import { CarrierRouter, type CompiledUri, type UriLiveness } from './carrier-router.js';
import type { CarrierReply } from './send-carrier-request.js';

export interface ProbeSettings {
  /** Time between two probes of one URI (ms). */
  intervalMs: number;
  /** No final response within this long counts as a failed probe (ms). */
  timeoutMs: number;
  /** Consecutive failed probes before a URI is marked down. */
  downAfter: number;
  /** Consecutive answered probes before a down URI is up again. */
  upAfter: number;
}

export const DEFAULT_PROBE: ProbeSettings = { intervalMs: 30_000, timeoutMs: 5_000, downAfter: 3, upAfter: 2 };

/** What the operator API, `/metrics` and `vsip doctor` read of one probed URI. */
export interface UriProbeState {
  carrierSid: string;
  carrierName: string;
  uriId: string;
  uri: string;
  up: boolean;
  /** Consecutive failed (down: answered) probes so far. */
  streak: number;
  /** The last probe's final status, or `timeout` / `transport`; null before the first. */
  lastResult: number | 'timeout' | 'transport' | null;
  lastProbeAt: number | null;
  /** Until when a 503 Retry-After holds it down (ms since the epoch), or null. */
  heldUntil: number | null;
}

/** Sends one OPTIONS to a URI (the gateway's carrier side; a fake in unit tests). */
export type OptionsPing = (uri: CompiledUri, target: SipTarget, timeoutMs: number) => Promise<CarrierReply>;

/** A final that means "alive": anything but a 408 or a 5xx (a carrier answering 405 to OPTIONS is up). */
function alive(r: CarrierReply): boolean {
  return r.kind === 'final' && r.response.status !== 408 && r.response.status < 500;
}

/**
 * OPTIONS probing of carrier URIs, dispatcher-style (Kamailio `ds_ping_interval`,
 * `ds_probing_threshold`, `ds_inactive_threshold`): a URI is down after `downAfter` consecutive
 * failures and up again after `upAfter` answers. Only carriers with probing on are probed; the
 * others are always up. Down URIs are left out of a call's target list (carrier-router.ts), so a
 * call never waits on them. A 503 with Retry-After holds a URI down for that long too (RFC 3261 §21.5.4).
 */
export class CarrierProber implements UriLiveness {
  readonly #states = new Map<string, UriProbeState>();
  #timer: NodeJS.Timeout | null = null;
  #running = false;

  constructor(
    private readonly plan: () => CarrierPlan,
    private readonly ping: OptionsPing,
    private readonly targetOf: (uri: CompiledUri) => Promise<SipTarget | null>,
    private readonly settings: ProbeSettings = DEFAULT_PROBE,
    private readonly now: () => number = Date.now,
  ) {}

  isDown(uriId: string): boolean {
    const s = this.#states.get(uriId);
    if (s === undefined) return false;
    return !s.up || (s.heldUntil !== null && s.heldUntil > this.now());
  }

  holdDown(uriId: string, seconds: number, carrierSid = '', uri = ''): void {
    const s = this.#states.get(uriId) ?? this.fresh(carrierSid, carrierSid, uriId, uri);
    s.heldUntil = this.now() + seconds * 1000;
    this.#states.set(uriId, s);
  }

  states(): UriProbeState[] {
    return [...this.#states.values()].map((s) => ({ ...s }));
  }

  start(): void {
    if (this.#timer !== null) return;
    const tick = (): void => void this.probeAll();
    this.#timer = setInterval(tick, this.settings.intervalMs);
    this.#timer.unref();
    tick();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One round: every URI of every probing carrier, concurrently; a round still running skips the next. */
  async probeAll(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const compiled = CarrierRouter.compile(this.plan());
      const seen = new Set<string>();
      const rounds: Promise<void>[] = [];
      for (const c of compiled.plan.carriers.values()) {
        if (!c.probe) continue;
        for (const u of compiled.uris.get(c.sid) ?? []) {
          seen.add(u.uri.id);
          rounds.push(this.probeOne(u));
        }
      }
      await Promise.all(rounds);
      // URIs gone from the plan (or no longer probed) are forgotten, so their state cannot grow.
      const now = this.now();
      for (const [id, st] of this.#states)
        if (!seen.has(id) && (st.heldUntil === null || st.heldUntil <= now)) this.#states.delete(id);
    } finally {
      this.#running = false;
    }
  }

  private async probeOne(u: CompiledUri): Promise<void> {
    const target = await this.targetOf(u).catch(() => null);
    const r: CarrierReply =
      target === null ? { kind: 'transport' } : await this.ping(u, target, this.settings.timeoutMs);
    const s = this.#states.get(u.uri.id) ?? this.fresh(u.carrier.sid, u.carrier.name, u.uri.id, u.uri.uri);
    this.#states.set(u.uri.id, s);
    s.carrierName = u.carrier.name;
    s.lastProbeAt = this.now();
    s.lastResult = r.kind === 'final' ? r.response.status : r.kind;
    const ok = alive(r);
    if (s.up) {
      s.streak = ok ? 0 : s.streak + 1;
      if (s.streak >= this.settings.downAfter) {
        s.up = false;
        s.streak = 0;
      }
    } else {
      s.streak = ok ? s.streak + 1 : 0;
      if (s.streak >= this.settings.upAfter) {
        s.up = true;
        s.streak = 0;
      }
    }
  }

  private fresh(carrierSid: string, carrierName: string, uriId: string, uri: string): UriProbeState {
    return {
      carrierSid,
      carrierName,
      uriId,
      uri,
      up: true,
      streak: 0,
      lastResult: null,
      lastProbeAt: null,
      heldUntil: null,
    };
  }
}
