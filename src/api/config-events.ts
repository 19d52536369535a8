/**
 * Configuration webhook events (`trunk.*`, `phone_number.*`, `whitelisted_ip.*`, `destination_uri.*`,
 * `setting.updated`) from successful API writes. Written to the outbox before the answer leaves, so a
 * client that saw its change succeed can count on the event. Credentials and tokens are never events:
 * their answers carry secrets. A replayed Idempotency-Key answer changed nothing and sends nothing.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/types.js';
import type { WebhookEvent } from '../store/webhook-types.js';

const RESOURCES: Record<string, string> = {
  'phone-numbers': 'phone_number',
  'whitelisted-ips': 'whitelisted_ip',
  'destination-uris': 'destination_uri',
  settings: 'setting',
};

const ACTIONS: Record<string, string> = { POST: 'created', PUT: 'updated', PATCH: 'updated', DELETE: 'deleted' };

/** The event type of a write on `route` (the pattern under `/v2/accounts/:account_sid`), or null. */
export function configEventType(method: string, route: string): string | null {
  const parts = route
    .replace(/^\/v2\/accounts\/:account_sid/, '')
    .split('/')
    .filter(Boolean);
  const action = ACTIONS[method];
  if (action === undefined || parts[0] !== 'trunks') return null;
  if (parts.length <= 2) {
    // POST /trunks/:trunk_sid is an update (the spec's Update Trunk); POST /trunks creates.
    return `trunk.${parts.length === 2 && action === 'created' ? 'updated' : action}`;
  }
  const resource = RESOURCES[(parts[2] ?? '').replace(/\.csv$/, '')];
  if (resource === undefined) return null;
  if (resource === 'setting') return 'setting.updated';
  // Bulk and CSV imports add numbers.
  return `${resource}.${parts[3] === 'bulk' || parts[2]?.endsWith('.csv') ? 'created' : action}`;
}

export function configEvents(app: FastifyInstance, store: Pick<Store, 'webhooks'>): void {
  const outbox = store.webhooks;
  if (outbox === undefined) return;
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 300) return payload;
    if (reply.getHeader('idempotent-replayed') !== undefined) return payload;
    const type = configEventType(request.method, request.routeOptions.url ?? '');
    if (type === null) return payload;
    const params = request.params as { account_sid: string; trunk_sid?: string; id?: string };
    const query = (request.query ?? {}) as { trunk_sid?: string; id?: string };
    let data: unknown = null;
    if (typeof payload === 'string') {
      try {
        data = (JSON.parse(payload) as { response?: { data?: unknown } }).response?.data ?? null;
      } catch {
        data = null;
      }
    }
    const trunkSid = params.trunk_sid ?? query.trunk_sid ?? (data as { trunk_sid?: string } | null)?.trunk_sid ?? null;
    const event: WebhookEvent = {
      id: `evt_${randomBytes(12).toString('hex')}`,
      type,
      accountSid: params.account_sid,
      trunkSid,
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      data: { trunk_sid: trunkSid, id: params.id ?? query.id ?? null, result: data },
    };
    try {
      await outbox.enqueueEvents([event], Date.now());
    } catch (err) {
      // The change is made: failing the answer now would make the client retry a done change.
      request.log.error({ err, event: type }, 'webhook event not written to the outbox');
    }
    return payload;
  });
}
