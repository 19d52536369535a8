/** State the gateway keeps in the store: SIP registrations, the SIP node registry and server-wide meta values. */
import { toRegistration } from './row-mappers.js';
import { translateDbError } from './store-context.js';
import type { StoreContext } from './store-context.js';
import type { Registration, SipNode } from './types.js';

/** The `transport` of a node's internal relay address in its stored signalling list (not a public address). */
const RELAY = 'relay';

export class RuntimeRepo {
  constructor(private readonly ctx: StoreContext) {}

  /** Not a configuration change: no change event (a REGISTER refresh must not reload the trunk). */
  async upsertRegistration(reg: Registration): Promise<void> {
    const values = {
      source_ip: reg.sourceIp,
      source_port: reg.sourcePort,
      transport: reg.transport,
      user_agent: reg.userAgent,
      expires_at: reg.expiresAt,
      connection_id: reg.connectionId ?? null,
      node_id: reg.nodeId ?? null,
    };
    try {
      await this.ctx.db
        .insertInto('registrations')
        // A refresh (the conflict branch) keeps registered_at: when the binding was first made.
        .values({
          trunk_sid: reg.trunkSid,
          contact: reg.contact,
          ...values,
          registered_at: reg.registeredAt ?? reg.expiresAt,
        })
        .onConflict((oc) => oc.columns(['trunk_sid', 'contact']).doUpdateSet(values))
        .execute();
    } catch (err) {
      throw translateDbError(this.ctx, err, 'contact'); // FK: the trunk is gone → not_found
    }
  }

  async removeRegistration(trunkSid: string, contact: string): Promise<void> {
    await this.ctx.db
      .deleteFrom('registrations')
      .where('trunk_sid', '=', trunkSid)
      .where('contact', '=', contact)
      .execute();
  }

  async listRegistrations(trunkSid: string): Promise<Registration[]> {
    const rows = await this.ctx.db
      .selectFrom('registrations')
      .selectAll()
      .where('trunk_sid', '=', trunkSid)
      .orderBy('contact')
      .execute();
    return rows.map(toRegistration);
  }

  async pruneRegistrations(now: string): Promise<number> {
    const r = await this.ctx.db.deleteFrom('registrations').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async upsertSipNode(n: SipNode): Promise<void> {
    const values = {
      region: n.region,
      // The relay address rides in the same JSON list under its own transport name: no schema change.
      signalling: JSON.stringify(
        n.relay ? [...n.signalling, { transport: RELAY, address: n.relay.address, port: n.relay.port }] : n.signalling,
      ),
      rtp_ports: n.rtpPorts,
      api_url: n.apiUrl,
      heartbeat_at: n.heartbeatAt,
    };
    await this.ctx.db
      .insertInto('sip_nodes')
      .values({ id: n.id, started_at: n.startedAt, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  }

  async removeSipNode(id: string): Promise<void> {
    await this.ctx.db.deleteFrom('sip_nodes').where('id', '=', id).execute();
  }

  async listSipNodes(since: string | null): Promise<SipNode[]> {
    let q = this.ctx.db.selectFrom('sip_nodes').selectAll().orderBy('region').orderBy('started_at').orderBy('id');
    if (since !== null) q = q.where('heartbeat_at', '>=', since);
    const rows = await q.execute();
    return rows.map((r) => {
      const all = JSON.parse(r.signalling) as SipNode['signalling'];
      const relay = all.find((a) => a.transport === RELAY);
      return {
        id: r.id,
        region: r.region,
        signalling: all.filter((a) => a.transport !== RELAY),
        relay: relay === undefined ? null : { address: relay.address, port: relay.port },
        rtpPorts: r.rtp_ports,
        apiUrl: r.api_url,
        startedAt: r.started_at,
        heartbeatAt: r.heartbeat_at,
      };
    });
  }

  async getMeta(key: string): Promise<string | null> {
    const row = await this.ctx.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  /** First writer wins, across processes: `ON CONFLICT DO NOTHING`, then read what is stored. */
  async setMetaIfAbsent(key: string, value: string): Promise<string> {
    await this.ctx.db
      .insertInto('meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await this.ctx.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirstOrThrow();
    return row.value;
  }
}
