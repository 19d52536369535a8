import type { Carrier } from '../carriers/carrier-plan.js';
import { answerCarrierChallenge } from '../carriers/answer-carrier-challenge.js';
import {
  getHeader,
  getHeaderValues,
  parseUri,
  targetOfUri,
  type SipHeader,
  type SipResponse,
  type SipTarget,
} from '../sip/index.js';
import { causeForStatus, type CallCause } from './call-cause.js';
import type { CarrierLimitVerdict } from './carrier-limits.js';
import { uriOfNameAddr } from './sip-routing.js';
import type { AttemptOutcome, ProxyTarget, TargetSet, TargetVerdict } from './target-set.js';

/** Redirections (3xx) followed for one call before the carrier counts as failed: a 3xx loop stays bounded. */
export const MAX_REDIRECTS = 3;

/** One attempt toward a carrier: where to send, and what the INVITE carries for this carrier. */
export interface CarrierHop extends ProxyTarget {
  readonly carrier: Carrier;
  readonly uriId: string;
  /** Headers added to this attempt's INVITE (the answer to a challenge). */
  readonly headers: readonly SipHeader[];
  /** How far this attempt's CSeq is above the caller's (RFC 3261 §22.2: a retry with credentials increments it). */
  readonly cseqOffset: number;
  /** This attempt already answers a challenge: another one is a failure, not a loop. */
  readonly answered: boolean;
}

/** What the call log keeps of one attempt; `code` is the final status, or how it failed without one. */
export interface CarrierAttempt {
  carrier: string;
  uri: string;
  code: number | 'timeout' | 'transport' | null;
}

export interface CarrierTargetOptions {
  /** Candidates in the order to try (route, carrier, URI and DNS order), down URIs already left out. */
  hops: readonly CarrierHop[];
  /** The method and Request-URI a challenge answer signs (the INVITE's). */
  method?: string;
  /** 503 with a Retry-After longer than this (ms) ends the search: the carrier asks to be left alone. */
  patienceMs: number;
  /** Where attempts are noted for the call log. */
  attempts?: CarrierAttempt[];
  /** A probed carrier's URI answered 503 with Retry-After (seconds): the prober holds it down that long. */
  onRetryAfter?: (uriId: string, seconds: number) => void;
  /** A carrier's own call limits (CarrierLimits.admit): a carrier over them is skipped like a down URI. */
  admit?: (carrier: Carrier) => CarrierLimitVerdict | (() => void);
  /** Whether a carrier takes a codec of the call's offer (carrier-codecs.ts): one that does not is skipped. */
  fits?: (carrier: Carrier) => boolean;
}

/** Seconds of a Retry-After (RFC 3261 §20.33: delta-seconds, then optional comment and params), or null. */
function retryAfterSeconds(res: SipResponse | undefined): number | null {
  const v = res === undefined ? null : getHeader(res, 'retry-after');
  const m = v === null ? null : /^\s*(\d+)/.exec(v);
  return m === null ? null : Number(m[1]);
}

/**
 * Termination: the carriers of the dialled number's route, tried in order (serial forking, RFC 3261
 * §16.6 step 11). The next URI/carrier is tried after a timeout, a transport error (§16.9), a 408 or
 * a 5xx — but not after a 503 whose Retry-After outlasts the call's patience (§21.5.4) — and never
 * after a 6xx (§16.7 step 5) or another 4xx. A 401/407 is answered once with the carrier's
 * credentials (§22.2–§22.3, a new CSeq); a second challenge of the same request fails that carrier
 * (`carrier_auth_failed`). A 3xx is followed to its Contacts, at most MAX_REDIRECTS times per call
 * and never to a URI already tried (§16.7 step 4 recursion; a loop is bounded).
 */
export class CarrierTarget implements TargetSet {
  readonly #queue: CarrierHop[];
  #current: CarrierHop | null = null;
  #tries = 0;
  #redirects = 0;
  readonly #tried = new Set<string>();
  /** A final that ended the search (not a failover status), 0 if none. */
  #stop = 0;
  #last: AttemptOutcome = 'transport';
  #lastStatus = 0;
  #authFailed = false;
  /** A carrier was skipped for its limits: with nothing tried, that is the cause. */
  #limited = false;
  /** A carrier was skipped for its codecs: with nothing tried, the offer fits no carrier (488). */
  #unfit = false;
  /** The carrier holding a slot for this call, and how to give it back. */
  #held: { sid: string; release: () => void } | null = null;

  constructor(private readonly o: CarrierTargetOptions) {
    this.#queue = [...o.hops];
  }

  next(): CarrierHop | undefined {
    if (this.#stop !== 0) return undefined;
    let hop = this.#queue.shift();
    while (hop !== undefined && !(this.fits(hop.carrier) && this.hold(hop.carrier))) hop = this.#queue.shift();
    if (hop === undefined) return undefined;
    this.#current = hop;
    this.#tries++;
    this.#tried.add(hop.requestUri);
    this.o.attempts?.push({ carrier: hop.carrier.name, uri: hop.label, code: null });
    return hop;
  }

  failed(outcome: AttemptOutcome, status: number, res?: SipResponse): boolean {
    const hop = this.#current;
    const attempt = this.o.attempts?.at(-1);
    if (attempt !== undefined) attempt.code = outcome === 'final' ? status : outcome;
    this.#last = outcome;
    this.#lastStatus = status;
    // The verdict names the last carrier's failure: an earlier one's refused credentials do not count.
    this.#authFailed = false;
    if (outcome !== 'final' || hop === null) return this.#queue.length > 0;
    if (status === 401 || status === 407) return this.challenged(hop, res);
    if (status >= 300 && status < 400) return this.redirected(hop, res);
    if (status === 408 || (status >= 500 && status < 600)) {
      const wait = status === 503 ? retryAfterSeconds(res) : null;
      // Only a probed carrier's URI is held down: the others have no liveness to come back by.
      if (wait !== null && hop.carrier.probe) this.o.onRetryAfter?.(hop.uriId, wait);
      if (wait === null || wait * 1000 <= this.o.patienceMs) {
        return this.#queue.length > 0;
      }
    }
    this.#stop = status;
    return false;
  }

  /** A 401/407: answered once when the carrier has credentials for it, else that carrier failed. */
  private challenged(hop: CarrierHop, res: SipResponse | undefined): boolean {
    const creds = hop.carrier.credentials;
    const header =
      hop.answered || creds === null || res === undefined
        ? null
        : answerCarrierChallenge(res, creds, this.o.method ?? 'INVITE', hop.requestUri);
    if (header === null) {
      this.#authFailed = true;
      // The carrier's other URIs share its credentials: they would refuse them too.
      this.dropCarrier(hop.carrier.sid);
      return this.#queue.length > 0;
    }
    this.#queue.unshift({ ...hop, headers: [header], cseqOffset: hop.cseqOffset + 1, answered: true });
    return true;
  }

  /** A 3xx: its Contacts (sip/sips, not tried yet) go first, while the redirect budget lasts. */
  private redirected(hop: CarrierHop, res: SipResponse | undefined): boolean {
    const fresh: CarrierHop[] = [];
    if (this.#redirects < MAX_REDIRECTS && res !== undefined) {
      this.#redirects++;
      for (const c of getHeaderValues(res, 'contact')) {
        const uri = uriOfNameAddr(c);
        if (uri === null || this.#tried.has(uri)) continue;
        let target: SipTarget;
        try {
          const parsed = parseUri(uri);
          if (parsed.scheme !== 'sip' && parsed.scheme !== 'sips') continue;
          target = targetOfUri(parsed);
        } catch {
          continue;
        }
        this.#tried.add(uri);
        fresh.push({ ...hop, requestUri: uri, target, label: uri, headers: [], answered: false });
      }
    }
    this.#queue.unshift(...fresh);
    return this.#queue.length > 0;
  }

  /**
   * A slot of the hop's carrier for this call: kept across its URIs and a challenge's retry, given
   * back when the search moves to another carrier (the last one failed). False: over its limits,
   * and its other URIs are skipped too.
   */
  private hold(carrier: Carrier): boolean {
    if (this.#held?.sid === carrier.sid || this.o.admit === undefined) return true;
    this.release();
    const slot = this.o.admit(carrier);
    if (typeof slot === 'function') {
      this.#held = { sid: carrier.sid, release: slot };
      return true;
    }
    this.#limited = true;
    this.dropCarrier(carrier.sid);
    return false;
  }

  /** False, and the carrier's other URIs dropped, when it takes none of the offered codecs. */
  private fits(carrier: Carrier): boolean {
    if (this.o.fits === undefined || this.o.fits(carrier)) return true;
    this.#unfit = true;
    this.dropCarrier(carrier.sid);
    return false;
  }

  /** Gives back the carrier slot this call holds; the call's end runs it (idempotent). */
  release(): void {
    const held = this.#held;
    this.#held = null;
    held?.release();
  }

  private dropCarrier(sid: string): void {
    for (let i = this.#queue.length - 1; i >= 0; i--) if (this.#queue[i]?.carrier.sid === sid) this.#queue.splice(i, 1);
  }

  verdict(): TargetVerdict {
    if (this.#stop !== 0) return { relay: true, cause: causeForStatus(this.#stop) };
    if (this.#authFailed)
      return {
        relay: false,
        code: 503,
        reason: 'Service Unavailable (carrier authentication failed)',
        cause: 'carrier_auth_failed',
      };
    if (this.#tries === 0 && this.#limited)
      return {
        relay: false,
        code: 503,
        reason: 'Service Unavailable (carrier call limits reached)',
        cause: 'carrier_limit_exceeded',
      };
    if (this.#tries === 0 && this.#unfit)
      return {
        relay: false,
        code: 488,
        reason: 'Not Acceptable Here (no carrier takes the offered codecs)',
        cause: 'no_common_codec',
      };
    if (this.#tries === 0)
      return {
        relay: false,
        code: 503,
        reason: 'Service Unavailable (no carrier available)',
        cause: 'all_carriers_failed',
      };
    if (this.#tries === 1 && this.o.hops.length === 1) return this.single();
    const cause: CallCause = 'all_carriers_failed';
    // The last carrier's own 408/5xx is the best response (§16.7 step 6); a 3xx or 401 is not for the caller.
    const s = this.#lastStatus;
    if (this.#last === 'final' && (s === 408 || s >= 500)) return { relay: true, cause };
    return { relay: false, code: 503, reason: 'Service Unavailable (all carriers failed)', cause };
  }

  /** One carrier with one URI, tried once: what its failure was, as before routes existed. */
  private single(): TargetVerdict {
    if (this.#last === 'final') return { relay: true, cause: causeForStatus(this.#lastStatus) };
    if (this.#last === 'timeout')
      return { relay: false, code: 504, reason: 'Server Time-out (carrier did not answer)', cause: 'timeout' };
    return { relay: false, code: 503, reason: 'Service Unavailable (carrier unreachable)', cause: 'carrier_error' };
  }
}
