import {
  buildChallenge,
  NonceCountCache,
  verifyDigest,
  type DigestCredentials,
  type DigestVerdict,
} from '../sip/index.js';

export interface DigestGuardOptions {
  realm: string;
  /** Offered in this order (default MD5 only, see `Config.sipDigestAlgorithms`). */
  algorithms?: ReadonlyArray<'MD5' | 'SHA-256'>;
  /** Shared by every node (Store meta), so a nonce from one node verifies on another. */
  secret: string;
  nonceTtlSeconds?: number;
  /** Failures from one source within `windowMs` (default 10 in 60 s) after which it is blocked for `blockMs`. */
  maxFailures?: number;
  windowMs?: number;
  /** How long a source that reached `maxFailures` gets 403 for every REGISTER and digest INVITE (default 10 min). */
  blockMs?: number;
  /** Called once when a source becomes blocked (for the log: the address and count, never a credential). */
  onBlock?: (source: string, failures: number) => void;
  /** Sources tracked at most; the oldest entry is forgotten first (a flood cannot grow memory). */
  maxSources?: number;
  now?: () => number;
}

/**
 * Digest challenges and verification for REGISTER (401) and INVITE (407), plus the per-source
 * failure table that turns repeated wrong passwords into 403 for a block period (by default 10
 * failures within a minute block the source for 10 minutes). A password never leaves this object's callers; it is not
 * logged.
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
  private readonly blockMs: number;
  private readonly maxSources: number;
  private readonly onBlock: (source: string, failures: number) => void;
  private readonly now: () => number;
  private readonly nonceCounts = new NonceCountCache(100_000);
  private readonly failures = new Map<string, { count: number; since: number; blockedUntil: number }>();
  /** Digest failures seen, and sources blocked (read by the metrics at scrape time). */
  failureCount = 0;
  blockCount = 0;

  constructor(o: DigestGuardOptions) {
    this.realm = o.realm;
    this.algorithms = o.algorithms ?? ['MD5'];
    this.secret = o.secret;
    this.ttl = o.nonceTtlSeconds ?? 300;
    this.maxFailures = o.maxFailures ?? 10;
    this.windowMs = o.windowMs ?? 60_000;
    this.blockMs = o.blockMs ?? 600_000;
    this.onBlock = o.onBlock ?? (() => {});
    this.maxSources = o.maxSources ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /**
   * Challenge header values, one per configured algorithm. MD5 alone is the default: libre
   * (baresip 1.x) and many deployed phones abort the whole authentication when any challenge
   * names an algorithm they lack, so offering SHA-256 (RFC 8760) is opt-in.
   */
  challenges(stale: boolean, source: string): string[] {
    const now = this.now();
    // Bound to the address it is sent to: only an answer from there can count as a guess.
    const base = { realm: this.realm, secret: this.secret, now, stale, bound: source };
    return this.algorithms.map((algorithm) => buildChallenge({ ...base, algorithm }));
  }

  /**
   * Checks credentials answering a challenge sent to `source`; see `authenticateDigest` for what to make of the
   * verdict.
   */
  verify(authorization: string | DigestCredentials, method: string, password: string, source: string): DigestVerdict {
    return verifyDigest({
      authorization,
      method,
      password,
      realm: this.realm,
      secret: this.secret,
      now: this.now(),
      nonceTtlSeconds: this.ttl,
      nonceCounts: this.nonceCounts,
      bound: source,
    });
  }

  /** Sources in the failure table now (bounded by `maxSources`). */
  get trackedSources(): number {
    return this.failures.size;
  }

  isBlocked(source: string): boolean {
    const f = this.failures.get(source);
    if (f === undefined) return false;
    const now = this.now();
    if (f.blockedUntil > now) return true;
    if (f.blockedUntil !== 0 || now - f.since > this.windowMs) this.failures.delete(source);
    return false;
  }

  /** Counts a failure; true when the source is now blocked. */
  fail(source: string): boolean {
    const now = this.now();
    this.failureCount++;
    let f = this.failures.get(source);
    if (f !== undefined && f.blockedUntil > now) return true;
    if (f === undefined || now - f.since > this.windowMs || f.blockedUntil !== 0) {
      this.failures.delete(source);
      f = { count: 0, since: now, blockedUntil: 0 };
      this.failures.set(source, f);
      if (this.failures.size > this.maxSources) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
    }
    f.count++;
    if (f.count < this.maxFailures) return false;
    f.blockedUntil = now + this.blockMs;
    this.blockCount++;
    this.onBlock(source, f.count);
    return true;
  }

  succeed(source: string): void {
    const f = this.failures.get(source);
    if (f !== undefined && f.blockedUntil === 0) this.failures.delete(source);
  }
}
