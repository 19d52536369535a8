import type { DigestCredentials } from '../sip/index.js';
import type { DigestGuard } from './digest-guard.js';

/** A password nobody has: an unknown username costs the same hash work as a wrong password. */
const NO_PASSWORD = '\u0000no-such-trunk';

/**
 * What to answer a request that must authenticate:
 * - `ok`: the credentials are right (the source's failure count is cleared);
 * - `challenge`: no credentials, or credentials that do not answer a live challenge issued to this
 *   source (a nonce we never issued, issued to another address, expired, replayed, garbled) — a
 *   fresh challenge (`stale` when only the nonce's age was wrong, RFC 2617 §3.2.1), nothing counted;
 * - `failed`: a wrong password (or an unknown username) answering our own live challenge — the only
 *   evidence of guessing, counted against the source; challenge again;
 * - `blocked`: the source is blocked — 403, right password or not; `failed` when this attempt's own
 *   failure blocked it.
 */
export type DigestOutcome =
  | { kind: 'ok' }
  | { kind: 'challenge'; stale: boolean }
  | { kind: 'failed' }
  | { kind: 'blocked'; failed: boolean };

export interface DigestAttempt {
  /** Parsed Authorization / Proxy-Authorization, null when absent or not Digest. */
  credentials: DigestCredentials | null;
  method: string;
  /** The password of the account the username names; null when it names none (or none usable). */
  password: string | null;
  /** The source address: the failure table's key, and what challenges are bound to. */
  source: string;
}

/**
 * The digest sequence shared by the registrar (401/WWW-Authenticate) and termination
 * (407/Proxy-Authenticate). Only failures against a nonce this gateway issued to the same address
 * count towards the brute-force block: anyone can forge a UDP datagram from a PBX's address, but
 * only whoever receives the challenges sent there can answer one, so forged failures cannot lock
 * a PBX out.
 *
 * @see RFC 3261 §22.2–§22.4, RFC 7616 §3.3 (nonce contents are the server's choice)
 */
export function authenticateDigest(guard: DigestGuard, a: DigestAttempt): DigestOutcome {
  if (guard.isBlocked(a.source)) return { kind: 'blocked', failed: false };
  if (a.credentials === null) return { kind: 'challenge', stale: false };
  const verdict = guard.verify(a.credentials, a.method, a.password ?? NO_PASSWORD, a.source);
  if (verdict.ok) {
    if (a.password === null) return { kind: 'failed' }; // unreachable: nobody knows NO_PASSWORD
    guard.succeed(a.source);
    return { kind: 'ok' };
  }
  if (verdict.reason === 'stale') return { kind: 'challenge', stale: true };
  if (verdict.reason !== 'bad_password' || verdict.nonceStale === true) return { kind: 'challenge', stale: false };
  return guard.fail(a.source) ? { kind: 'blocked', failed: true } : { kind: 'failed' };
}
