/**
 * Webhook subscriptions and the delivery outbox on Kysely (SQLite and PostgreSQL alike).
 * A claim is an UPDATE conditioned on the lease the row had when read: of two nodes racing
 * for one row only the first matches, and a node that died mid-send leaves a lease that
 * expires, so its row is sent again (at-least-once, de-duplicated by event id).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from './schema.js';
import { nowIso } from './store-context.js';
import type { StoreContext } from './store-context.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  NewWebhook,
  RoutingWebhook,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
  WebhookStore,
} from './webhook-types.js';

const hex = (n: number): string => randomBytes(n).toString('hex');

function toWebhook(r: Selectable<WebhooksTable>): Webhook {
  return {
    sid: r.sid,
    accountSid: r.account_sid,
    trunkSid: r.trunk_sid,
    url: r.url,
    events: r.events.split(','),
    active: Number(r.active) === 1,
    createdAt: r.created_at,
  };
}

function toDelivery(r: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: r.id,
    webhookSid: r.webhook_sid,
    eventId: r.event_id,
    eventType: r.event_type,
    payload: r.payload,
    state: r.state as WebhookDelivery['state'],
    attempts: Number(r.attempts),
    createdMs: Number(r.created_ms),
    nextAttemptMs: Number(r.next_attempt_ms),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error,
  };
}

const wants = (w: Webhook, e: WebhookEvent): boolean =>
  w.active &&
  (w.trunkSid === null || w.trunkSid === e.trunkSid) &&
  (w.events.includes('*') || w.events.includes(e.type));

export class WebhooksRepo implements WebhookStore {
  constructor(private readonly ctx: StoreContext) {}

  async createWebhook(input: NewWebhook): Promise<{ webhook: Webhook; secret: string }> {
    const sid = `wh${hex(12)}`;
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const row = {
      sid,
      account_sid: input.accountSid,
      trunk_sid: input.trunkSid,
      url: input.url,
      events: input.events.join(','),
      secret_enc: this.ctx.box.encrypt(secret, sid),
      active: 1,
      created_at: nowIso(),
    };
    await this.ctx.db.insertInto('webhooks').values(row).execute();
    return { webhook: toWebhook(row), secret };
  }

  async listWebhooks(accountSid: string): Promise<Webhook[]> {
    const rows = await this.ctx.db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_sid', '=', accountSid)
      .orderBy('created_at')
      .orderBy('sid')
      .execute();
    return rows.map(toWebhook);
  }

  async getWebhook(accountSid: string, sid: string): Promise<Webhook | null> {
    const r = await this.ctx.db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_sid', '=', accountSid)
      .where('sid', '=', sid)
      .executeTakeFirst();
    return r ? toWebhook(r) : null;
  }

  async deleteWebhook(accountSid: string, sid: string): Promise<boolean> {
    const { db } = this.ctx;
    return db.transaction().execute(async (trx) => {
      // Deleted explicitly: SQLite enforces ON DELETE CASCADE only with foreign_keys on.
      await trx
        .deleteFrom('webhook_deliveries')
        .where('webhook_sid', '=', sid)
        .where('account_sid', '=', accountSid)
        .execute();
      const r = await trx
        .deleteFrom('webhooks')
        .where('sid', '=', sid)
        .where('account_sid', '=', accountSid)
        .executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    });
  }

  async enqueueEvents(events: WebhookEvent[], nowMs: number): Promise<number> {
    return enqueueEventRows(this.ctx.db, events, nowMs);
  }

  async releaseHeldEvent(eventId: string, data: Record<string, unknown>, nowMs: number): Promise<number> {
    const row = await this.ctx.db
      .selectFrom('webhook_deliveries')
      .select('payload')
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    if (row === undefined) return 0;
    const payload = JSON.stringify({ ...(JSON.parse(row.payload) as Record<string, unknown>), data });
    // Only rows not yet sent: once the hold expired the dispatcher may have taken one (with the first payload).
    const r = await this.ctx.db
      .updateTable('webhook_deliveries')
      .set({ payload, next_attempt_ms: nowMs })
      .where('event_id', '=', eventId)
      .where('state', '=', 'pending')
      .where('attempts', '=', 0)
      .where('lease_until_ms', '<=', nowMs)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async claimDueDeliveries(nowMs: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { db, box } = this.ctx;
    const due = await db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.sid', 'd.webhook_sid')
      .selectAll('d')
      .select(['w.url', 'w.secret_enc'])
      .where('d.state', '=', 'pending')
      .where('d.next_attempt_ms', '<=', nowMs)
      .where('d.lease_until_ms', '<=', nowMs)
      .where('w.active', '=', 1)
      .orderBy('d.next_attempt_ms')
      .limit(limit)
      .execute();
    const claimed: ClaimedDelivery[] = [];
    const leaseUntilMs = nowMs + leaseMs;
    for (const r of due) {
      const u = await db
        .updateTable('webhook_deliveries')
        .set({ lease_until_ms: leaseUntilMs })
        .where('id', '=', r.id)
        .where('state', '=', 'pending')
        .where('lease_until_ms', '=', r.lease_until_ms)
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) continue; // another node won it
      claimed.push({ ...toDelivery(r), url: r.url, secret: box.decrypt(r.secret_enc, r.webhook_sid), leaseUntilMs });
    }
    return claimed;
  }

  async finishDelivery(d: ClaimedDelivery, outcome: DeliveryOutcome): Promise<boolean> {
    const r = await this.ctx.db
      .updateTable('webhook_deliveries')
      .set({
        state: outcome.state,
        attempts: d.attempts + 1,
        next_attempt_ms: outcome.nextAttemptMs ?? d.nextAttemptMs,
        lease_until_ms: 0,
        last_status: outcome.status,
        last_error: outcome.error,
      })
      .where('id', '=', d.id)
      .where('lease_until_ms', '=', d.leaseUntilMs)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async listDeliveries(accountSid: string, webhookSid: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('account_sid', '=', accountSid)
      .where('webhook_sid', '=', webhookSid)
      .orderBy('created_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  async redeliver(accountSid: string, webhookSid: string, id: string, nowMs: number): Promise<WebhookDelivery | null> {
    const { db } = this.ctx;
    const r = await db
      .updateTable('webhook_deliveries')
      .set({ state: 'pending', next_attempt_ms: nowMs, lease_until_ms: 0 })
      .where('id', '=', id)
      .where('account_sid', '=', accountSid)
      .where('webhook_sid', '=', webhookSid)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return null;
    const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toDelivery(row) : null;
  }

  async pruneDeliveries(beforeMs: number): Promise<number> {
    const r = await this.ctx.db
      .deleteFrom('webhook_deliveries')
      .where('state', 'in', ['delivered', 'failed'])
      .where('created_ms', '<', beforeMs)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async routingWebhook(accountSid: string, trunkSid: string): Promise<RoutingWebhook | null> {
    const rows = await this.ctx.db
      .selectFrom('webhooks')
      .select(['sid', 'url', 'events', 'trunk_sid', 'secret_enc'])
      .where('account_sid', '=', accountSid)
      .where('active', '=', 1)
      .where((eb) => eb.or([eb('trunk_sid', '=', trunkSid), eb('trunk_sid', 'is', null)]))
      .orderBy('created_at')
      .orderBy('sid')
      .execute();
    // Only a subscription that names `call.route`: `*` asks for events, not to route calls.
    const routing = rows.filter((r) => r.events.split(',').includes('call.route'));
    const r = routing.find((x) => x.trunk_sid === trunkSid) ?? routing[0];
    return r ? { sid: r.sid, url: r.url, secret: this.ctx.box.decrypt(r.secret_enc, r.sid) } : null;
  }
}

/**
 * One outbox row per event and matching active subscription, on `db` — the store's handle, or the
 * transaction of the change an event describes (config events, `store-context.ts`). Rows held until
 * `holdUntilMs` are not due before then unless released (`releaseHeldEvent`).
 */
export async function enqueueEventRows(
  db: Kysely<Database>,
  events: WebhookEvent[],
  nowMs: number,
  holdUntilMs: number = nowMs,
): Promise<number> {
  if (events.length === 0) return 0;
  const accounts = [...new Set(events.map((e) => e.accountSid))];
  const subs = (
    await db.selectFrom('webhooks').selectAll().where('account_sid', 'in', accounts).where('active', '=', 1).execute()
  ).map(toWebhook);
  if (subs.length === 0) return 0;
  const rows = [];
  for (const e of events) {
    const payload = JSON.stringify({
      id: e.id,
      type: e.type,
      created_at: e.createdAt,
      account_sid: e.accountSid,
      trunk_sid: e.trunkSid,
      data: e.data,
    });
    for (const w of subs) {
      if (w.accountSid !== e.accountSid || !wants(w, e)) continue;
      rows.push({
        id: `wd${hex(12)}`,
        webhook_sid: w.sid,
        account_sid: e.accountSid,
        event_id: e.id,
        event_type: e.type,
        payload,
        state: 'pending',
        attempts: 0,
        created_ms: nowMs,
        next_attempt_ms: holdUntilMs,
        lease_until_ms: 0,
        last_status: null,
        last_error: null,
      });
    }
  }
  // Chunks keep each statement under SQLite's bound-parameter limit.
  for (let i = 0; i < rows.length; i += 50) {
    await db
      .insertInto('webhook_deliveries')
      .values(rows.slice(i, i + 50))
      .execute();
  }
  return rows.length;
}
