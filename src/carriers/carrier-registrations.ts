import { getHeader, getHeaderValues, parseNameAddr, parseUri, randomToken, type SipHeader } from '../sip/index.js';
import type { SipTarget } from '../sip/index.js';
import { answerCarrierChallenge } from './answer-carrier-challenge.js';
import type { Carrier, CarrierPlanSource } from './carrier-plan.js';
import type { RegisteredContacts } from './carrier-sources.js';
import type { CarrierRegistrationState } from './carrier-status.js';
import type { CarrierReply, CarrierRequestOptions } from './send-carrier-request.js';

export interface RegistrationSettings {
  /** First retry after a failure (ms); doubled per consecutive failure up to `retryMaxMs`. */
  retryMinMs: number;
  retryMaxMs: number;
  /** A REGISTER gets no final within this long: failed (ms). */
  timeoutMs: number;
}

export const DEFAULT_REGISTRATION: RegistrationSettings = { retryMinMs: 2_000, retryMaxMs: 300_000, timeoutMs: 10_000 };

/** What the registration client needs of the gateway's carrier side. */
export interface RegistrationPort {
  send(target: SipTarget, o: CarrierRequestOptions): Promise<CarrierReply>;
  /** Where the registrar URI points (RFC 3263), or null when it cannot be resolved. */
  resolve(uri: string): Promise<SipTarget | null>;
  /** The Contact URI for `user` over `protocol` on our carrier side. */
  contact(protocol: SipTarget['protocol'], user: string): string;
}

/** One carrier's binding: its REGISTER dialog (Call-ID, CSeq) and where it stands. */
class Binding {
  readonly callId = randomToken();
  cseq = 0;
  failures = 0;
  timer: NodeJS.Timeout | null = null;
  closed = false;
  readonly state: CarrierRegistrationState;

  /** Replaced when a plan change keeps the binding (same registration and credentials). */
  constructor(public carrier: Carrier) {
    const r = carrier.registration;
    this.state = {
      carrierSid: carrier.sid,
      carrierName: carrier.name,
      registrarUri: r?.registrarUri ?? '',
      state: 'registering',
      lastResult: null,
      expiresAt: null,
      nextAttemptAt: null,
      contact: '',
    };
  }
}

/** Same registration settings and credentials: a plan change that keeps them keeps the binding. */
function sameBinding(a: Carrier, b: Carrier): boolean {
  return JSON.stringify([a.registration, a.credentials]) === JSON.stringify([b.registration, b.credentials]);
}

/**
 * Outbound registration to carriers that want it (RFC 3261 §10.2): REGISTER with the carrier's
 * credentials answering its challenge once per request (§22.2), refreshed before the binding
 * expires, retried with exponential back-off when it fails. Every binding is made afresh at
 * start-up — that is the re-registration after a restart (the Call-ID is new; §10.2.4 allows a
 * registrar to see a new one as a new binding, which replaces ours by Contact). Calls to a live
 * binding's Contact user are that carrier's (carrier-sources.ts).
 */
export class CarrierRegistrations implements RegisteredContacts {
  readonly #bindings = new Map<string, Binding>();
  readonly #unsubscribe: () => void;

  constructor(
    private readonly source: CarrierPlanSource,
    private readonly port: RegistrationPort,
    private readonly settings: RegistrationSettings = DEFAULT_REGISTRATION,
    private readonly now: () => number = Date.now,
  ) {
    this.#unsubscribe = source.onChange(() => this.sync());
  }

  start(): void {
    this.sync();
  }

  states(): CarrierRegistrationState[] {
    return [...this.#bindings.values()].map((b) => ({ ...b.state }));
  }

  carrierForContact(user: string): Carrier | null {
    for (const b of this.#bindings.values())
      if (b.state.state === 'registered' && b.carrier.registration?.contactUser === user) return b.carrier;
    return null;
  }

  /** Stops every binding; with `unregister`, each registered one is removed at the registrar (Expires: 0). */
  async close(unregister = true): Promise<void> {
    this.#unsubscribe();
    const bindings = [...this.#bindings.values()];
    this.#bindings.clear();
    await Promise.all(bindings.map((b) => this.stop(b, unregister)));
  }

  /** Brings the bindings in line with the plan: new carriers register, removed ones unregister. */
  private sync(): void {
    const carriers = this.source.current().carriers;
    for (const [sid, b] of this.#bindings) {
      const c = carriers.get(sid);
      if (c?.registration != null && sameBinding(c, b.carrier)) {
        b.carrier = c;
        b.state.carrierName = c.name;
        continue;
      }
      this.#bindings.delete(sid);
      void this.stop(b, true);
    }
    for (const c of carriers.values()) {
      if (c.registration === null || this.#bindings.has(c.sid)) continue;
      const b = new Binding(c);
      this.#bindings.set(c.sid, b);
      this.schedule(b, 0);
    }
  }

  private async stop(b: Binding, unregister: boolean): Promise<void> {
    b.closed = true;
    if (b.timer !== null) clearTimeout(b.timer);
    if (unregister && b.state.state === 'registered') await this.register(b, 0).catch(() => {});
  }

  private schedule(b: Binding, ms: number): void {
    if (b.closed) return;
    if (b.timer !== null) clearTimeout(b.timer);
    b.state.nextAttemptAt = this.now() + ms;
    b.timer = setTimeout(() => void this.attempt(b), ms);
    b.timer.unref();
  }

  private async attempt(b: Binding): Promise<void> {
    b.timer = null;
    const reg = b.carrier.registration;
    if (b.closed || reg === null) return;
    const granted = await this.register(b, reg.expires).catch(() => null);
    if (b.closed) return;
    if (granted !== null && granted > 0) {
      b.failures = 0;
      b.state.state = 'registered';
      b.state.expiresAt = this.now() + granted * 1000;
      // Refresh well before expiry: at 80 % of the granted time, never later than 5 s before it.
      this.schedule(b, Math.max(500, Math.min(granted * 800, granted * 1000 - 5000)));
      return;
    }
    b.failures++;
    b.state.state = 'failing';
    if (b.state.expiresAt !== null && b.state.expiresAt <= this.now()) b.state.expiresAt = null;
    const backoff = Math.min(this.settings.retryMaxMs, this.settings.retryMinMs * 2 ** Math.min(b.failures - 1, 20));
    this.schedule(b, backoff);
  }

  /**
   * One REGISTER (and, for a challenge, one answer to it). Returns the expiry the registrar granted
   * (seconds), 0 for a removed binding, null for a failure (recorded in the state).
   */
  private async register(b: Binding, expires: number): Promise<number | null> {
    const reg = b.carrier.registration;
    if (reg === null) return null;
    const target = await this.port.resolve(reg.registrarUri);
    if (target === null) {
      b.state.lastResult = 'transport';
      return null;
    }
    const registrar = parseUri(reg.registrarUri);
    const user = b.carrier.credentials?.username ?? reg.contactUser;
    const aor = `sip:${user}@${registrar.host}`;
    const contact = this.port.contact(target.protocol, reg.contactUser);
    b.state.contact = contact;
    const requestUri = reg.registrarUri;
    let auth: SipHeader[] = [];
    for (let round = 0; round < 2; round++) {
      b.cseq++;
      const reply = await this.port.send(target, {
        method: 'REGISTER',
        requestUri,
        from: aor,
        to: aor,
        callId: b.callId,
        cseq: b.cseq,
        headers: [{ name: 'contact', value: `<${contact}>` }, { name: 'expires', value: String(expires) }, ...auth],
      });
      if (reply.kind !== 'final') {
        b.state.lastResult = reply.kind;
        return null;
      }
      const res = reply.response;
      b.state.lastResult = res.status;
      if (res.status >= 200 && res.status < 300) return expires === 0 ? 0 : grantedExpiry(res, contact, expires);
      const creds = b.carrier.credentials;
      if ((res.status !== 401 && res.status !== 407) || round > 0 || creds === null) return null;
      const answer = answerCarrierChallenge(res, creds, 'REGISTER', requestUri);
      if (answer === null) return null;
      auth = [answer];
    }
    return null; // challenged again: the credentials are wrong, not worth a loop
  }
}

/**
 * The expiry a 2xx grants our Contact: its `expires` parameter in the Contact list the registrar
 * returns, else the Expires header, else what we asked (RFC 3261 §10.2.4).
 */
function grantedExpiry(res: Parameters<typeof getHeader>[0], contact: string, asked: number): number {
  for (const v of getHeaderValues(res, 'contact')) {
    try {
      const na = parseNameAddr(v);
      if (na.uri !== contact) continue;
      const e = Number(na.params.get('expires'));
      if (Number.isFinite(e) && e >= 0) return e;
    } catch {
      /* a Contact we cannot read is not ours */
    }
  }
  const h = Number(getHeader(res, 'expires'));
  return Number.isFinite(h) && getHeader(res, 'expires') !== null ? h : asked;
}
