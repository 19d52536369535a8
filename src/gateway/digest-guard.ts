import { buildChallenge } from '../sip/auth/build-challenge.js';
import { NonceCountCache } from '../sip/auth/nonce-count-cache.js';
import type { DigestCredentials } from '../sip/auth/parse-authorization.js';
import { verifyDigest, type DigestVerdict } from '../sip/auth/verify-digest.js';

export interface DigestGuardOptions {
  realm: string;
  /** Offered in this order (default MD5 only, see `Config.sipDigestAlgorithms`). */
  algorithms?: ReadonlyArray<'MD5' | 'SHA-256'>;
  /** Shared by every node (Store meta), so a nonce from one node verifies on another. */
  secret: string;
  nonceTtlSeconds?: number;
  /** Failures from one source within `windowMs` after which it gets 403 until the window ends. */
  maxFailures?: number;
  windowMs?: number;
  /** Sources tracked at most; the oldest entry is forgotten first (a flood cannot grow memory). */
  maxSources?: number;
  now?: () => number;
}

/**
 * Digest challenges and verification for REGISTER (401) and INVITE (407), plus the per-source
 * failure table that turns repeated wrong passwords into 403 (slowing brute force, as the issue
 * asks). A password never leaves this object's callers; it is not logged.
 *
 * @see RFC 3261 §22.2–22.4, RFC 7616, RFC 8760
 */
export class DigestGuard {
  readonly realm: string;
  private readonly algorithms: ReadonlyArray<'MD5' | 'SHA-256'>;
  private readonly secret: string;
  private readonly ttl: number;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxSources: number;
  private readonly now: () => number;
  private readonly nonceCounts = new NonceCountCache(100_000);
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(o: DigestGuardOptions) {
    this.realm = o.realm;
    this.algorithms = o.algorithms ?? ['MD5'];
    this.secret = o.secret;
    this.ttl = o.nonceTtlSeconds ?? 300;
    this.maxFailures = o.maxFailures ?? 5;
    this.windowMs = o.windowMs ?? 60_000;
    this.maxSources = o.maxSources ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /**
   * Challenge header values, one per configured algorithm. MD5 alone is the default: libre
   * (baresip 1.x) and many deployed phones abort the whole authentication when any challenge
   * names an algorithm they lack, so offering SHA-256 (RFC 8760) is opt-in.
   */
  challenges(stale = false): string[] {
    const now = this.now();
    const base = { realm: this.realm, secret: this.secret, now, stale };
    return this.algorithms.map((algorithm) => buildChallenge({ ...base, algorithm }));
  }

  verify(authorization: string | DigestCredentials, method: string, password: string): DigestVerdict {
    return verifyDigest({ authorization, method, password, realm: this.realm, secret: this.secret, now: this.now(), nonceTtlSeconds: this.ttl, nonceCounts: this.nonceCounts });
  }

  isBlocked(source: string): boolean {
    const f = this.failures.get(source);
    if (f === undefined) return false;
    if (this.now() - f.since > this.windowMs) {
      this.failures.delete(source);
      return false;
    }
    return f.count >= this.maxFailures;
  }

  /** Counts a failure; true when the source is now blocked. */
  fail(source: string): boolean {
    const now = this.now();
    let f = this.failures.get(source);
    if (f === undefined || now - f.since > this.windowMs) {
      this.failures.delete(source);
      f = { count: 0, since: now };
      this.failures.set(source, f);
      if (this.failures.size > this.maxSources) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
    }
    f.count++;
    return f.count >= this.maxFailures;
  }

  succeed(source: string): void {
    this.failures.delete(source);
  }
}
