import {
  getHeader,
  octetsToText,
  parseAuthorization,
  parseNameAddr,
  splitHeaderValues,
  type ServerTransaction,
} from '../sip/index.js';
import type { Store } from '../store/types.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import type { DigestGuard } from './digest-guard.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { authenticateDigest } from './authenticate-digest.js';

export interface RegistrarOptions {
  store: Pick<Store, 'upsertRegistration' | 'removeRegistration' | 'listRegistrations'>;
  snapshot: ConfigSnapshot;
  guard: DigestGuard;
  metrics: GatewayMetrics;
  /** Longest binding we grant (s); a longer Expires is shortened (RFC 3261 §10.3 step 7). */
  maxExpires?: number;
  defaultExpires?: number;
  onError?: (err: unknown) => void;
}

/**
 * REGISTER on the access side (RFC 3261 §10.3) with digest: username = trunk_sid, password = Get
 * Credentials. An unknown trunk is answered exactly like a wrong password (401), so the answer
 * does not reveal which trunk SIDs exist; repeated failures from one source turn into 403.
 */
export class Registrar {
  private readonly maxExpires: number;
  private readonly defaultExpires: number;

  constructor(private readonly o: RegistrarOptions) {
    this.maxExpires = o.maxExpires ?? 3600;
    this.defaultExpires = o.defaultExpires ?? 3600;
  }

  handle(tx: ServerTransaction): void {
    void this.process(tx).catch((err: unknown) => {
      this.o.onError?.(err);
      if (tx.lastStatus < 200) tx.reply(500, 'Server Internal Error');
    });
  }

  private async process(tx: ServerTransaction): Promise<void> {
    const { guard, metrics } = this.o;
    const req = tx.request;
    const source = tx.source;
    const auth = getHeader(req, 'authorization');
    const credentials = auth === null ? null : parseAuthorization(auth);
    const named = credentials === null ? undefined : this.o.snapshot.getTrunk(credentials.username);
    const trunk = named?.active ? named : null;
    const outcome = authenticateDigest(guard, {
      credentials,
      method: 'REGISTER',
      password: trunk?.sipPassword ?? null,
      source: source.address,
    });
    if (outcome.kind === 'blocked') {
      metrics.registration(outcome.failed ? 'failed' : 'blocked');
      tx.reply(403, 'Forbidden (too many failed authentication attempts)');
      return;
    }
    if (outcome.kind !== 'ok' || trunk === null) {
      metrics.registration(outcome.kind === 'failed' ? 'failed' : 'challenged');
      tx.reply(401, 'Unauthorized', {
        headers: guard
          .challenges(outcome.kind === 'challenge' && outcome.stale, source.address)
          .map((value) => ({ name: 'www-authenticate', value })),
      });
      return;
    }

    // §10.3 steps 6–8: apply the Contacts, then answer with every current binding.
    const now = Date.now();
    const headerExpires = parseExpires(getHeader(req, 'expires'));
    const contacts: string[] = [];
    for (const h of req.headers) if (h.name === 'contact') for (const v of splitHeaderValues(h.value)) contacts.push(v);
    const ua = getHeader(req, 'user-agent');
    for (const c of contacts) {
      if (c.trim() === '*') {
        if (headerExpires !== 0 || contacts.length !== 1) {
          tx.reply(400, 'Bad Request (Contact: * needs Expires: 0 and no other Contact)');
          return;
        }
        for (const r of await this.o.store.listRegistrations(trunk.sid))
          await this.o.store.removeRegistration(trunk.sid, r.contact);
        continue;
      }
      let uri: string;
      let expires: number;
      try {
        const na = parseNameAddr(c);
        uri = na.uri;
        const p = na.params.get('expires');
        expires = parseExpires(p ?? null) ?? headerExpires ?? this.defaultExpires;
      } catch {
        tx.reply(400, 'Bad Request (malformed Contact)');
        return;
      }
      expires = Math.min(expires, this.maxExpires);
      if (expires === 0) {
        await this.o.store.removeRegistration(trunk.sid, uri);
      } else {
        await this.o.store.upsertRegistration({
          trunkSid: trunk.sid,
          contact: uri,
          sourceIp: source.address,
          sourcePort: source.port,
          transport: source.protocol,
          // Shown to the owner (GET registrations): text, not the header's octets.
          userAgent: ua === null ? null : octetsToText(ua),
          expiresAt: new Date(now + expires * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        });
      }
    }
    const current = await this.o.store.listRegistrations(trunk.sid);
    const headers = [];
    for (const r of current) {
      const left = Math.max(0, Math.round((Date.parse(r.expiresAt) - now) / 1000));
      if (left > 0) headers.push({ name: 'contact', value: `<${r.contact}>;expires=${left}` });
    }
    headers.push({ name: 'date', value: new Date(now).toUTCString() });
    metrics.registration(contacts.length > 0 && current.length === 0 ? 'removed' : 'ok');
    tx.reply(200, 'OK', { headers });
  }
}

function parseExpires(v: string | null): number | null {
  if (v === null) return null;
  const n = Number.parseInt(v.trim(), 10);
  return Number.isFinite(n) && n >= 0 ? n : null;
}
