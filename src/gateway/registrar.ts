import {
  getHeader,
  octetsToText,
  parseAuthorization,
  splitHeaderValues,
  type ServerTransaction,
} from '../sip/index.js';
import type { Registration, Store } from '../store/types.js';
import type { BindingKeepAlive } from './binding-keepalive.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import type { DigestGuard } from './digest-guard.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { authenticateDigest } from './authenticate-digest.js';
import { planBindings, type BindingLimits } from './binding-plan.js';
import type { CallCause } from './call-cause.js';

export interface RegistrarOptions {
  store: Pick<Store, 'upsertRegistration' | 'removeRegistration' | 'listRegistrations'>;
  snapshot: ConfigSnapshot;
  guard: DigestGuard;
  metrics: GatewayMetrics;
  /** Bounds on bindings (see `BindingLimits`); defaults 60 s, 3600 s, 3600 s, 10 contacts. */
  limits?: Partial<BindingLimits>;
  /** Told of each binding made or removed here, to ping it (binding-keepalive.ts). */
  keepAlive?: Pick<BindingKeepAlive, 'track' | 'forget'>;
  /** This SIP node's id, written on each binding: the node that holds its flow. */
  nodeId?: string;
  onError?: (err: unknown) => void;
  /** A REGISTER refused after authentication for a reason the owner must see (logged with its cause). */
  onRefused?: (e: { trunkSid: string; source: string; cause: CallCause }) => void;
}

/**
 * REGISTER on the access side (RFC 3261 §10.3) with digest: username = trunk_sid, password = Get
 * Credentials. An unknown trunk is answered exactly like a wrong password (401), so the answer
 * does not reveal which trunk SIDs exist; repeated failures from one source turn into 403. A trunk
 * with `registration_enabled: false` refuses with 403 (cause `registration_disabled`) once the
 * digest is right. Bindings are store rows, so every SIP node sees them and they survive restart.
 */
export class Registrar {
  private readonly limits: BindingLimits;

  constructor(private readonly o: RegistrarOptions) {
    this.limits = { minExpires: 60, maxExpires: 3600, defaultExpires: 3600, maxContacts: 10, ...o.limits };
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

    if (!trunk.registrationEnabled) {
      // After the digest check: without the password a disabled trunk looks like an unknown one
      // (401), so the answer does not tell which trunks exist.
      metrics.registration('disabled');
      this.o.onRefused?.({
        trunkSid: trunk.sid,
        source: `${source.address}:${source.port}`,
        cause: 'registration_disabled',
      });
      tx.reply(403, 'Forbidden (registration is not enabled on this trunk)');
      return;
    }

    // §10.3 steps 6–8: decide on every Contact first (a refused REGISTER changes nothing), apply,
    // then answer with every current binding.
    const now = Date.now();
    const contacts: string[] = [];
    for (const h of req.headers) if (h.name === 'contact') for (const v of splitHeaderValues(h.value)) contacts.push(v);
    const live = (await this.o.store.listRegistrations(trunk.sid)).filter((r) => Date.parse(r.expiresAt) > now);
    const plan = planBindings(
      contacts,
      getHeader(req, 'expires'),
      live.map((r) => r.contact),
      this.limits,
    );
    if (plan.kind === 'refuse') {
      metrics.registration('refused');
      tx.reply(plan.code, plan.reason, { headers: plan.headers });
      return;
    }
    const ua = getHeader(req, 'user-agent');
    const doomed = plan.removeAll ? live.map((r) => r.contact) : plan.remove;
    for (const contact of doomed) {
      await this.o.store.removeRegistration(trunk.sid, contact);
      this.o.keepAlive?.forget(trunk.sid, contact);
    }
    for (const u of plan.upsert) {
      // The flow the REGISTER came over is what a call uses (RFC 5626 §5.3): the received address
      // and port, the connection for TCP/TLS. The Contact's host is never sent to, so a Contact
      // naming a third party reflects nothing at it.
      const binding: Registration = {
        trunkSid: trunk.sid,
        contact: u.contact,
        sourceIp: source.address,
        sourcePort: source.port,
        transport: source.protocol,
        // Shown to the owner (GET registrations): text, not the header's octets.
        userAgent: ua === null ? null : octetsToText(ua).slice(0, 256),
        expiresAt: isoSeconds(now + u.expires * 1000),
        connectionId: source.protocol === 'udp' ? null : (source.connectionId ?? null),
        nodeId: this.o.nodeId ?? null,
        registeredAt: isoSeconds(now),
      };
      await this.o.store.upsertRegistration(binding);
      this.o.keepAlive?.track(binding);
    }
    const current = await this.o.store.listRegistrations(trunk.sid);
    const headers = [];
    for (const r of current) {
      const left = Math.max(0, Math.round((Date.parse(r.expiresAt) - now) / 1000));
      if (left > 0) headers.push({ name: 'contact', value: `<${r.contact}>;expires=${left}` });
    }
    headers.push({ name: 'date', value: new Date(now).toUTCString() });
    metrics.registration(contacts.length > 0 && headers.length === 1 ? 'removed' : 'ok');
    tx.reply(200, 'OK', { headers });
  }
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
