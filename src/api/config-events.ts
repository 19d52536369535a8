/**
 * Configuration webhook events (`trunk.*`, `phone_number.*`, `whitelisted_ip.*`, `destination_uri.*`,
 * `setting.updated`) from API writes, written to the outbox in the transaction of the change itself
 * (config-event-scope.ts): a committed change always has its event, even if the process dies before
 * answering, and a failed one has none. Credentials and tokens are never events:
 * their answers carry secrets. A replayed Idempotency-Key answer changed nothing and sends nothing.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/types.js';
import type { WebhookEvent } from '../store/webhook-types.js';
import { configEventScope, type ConfigEventScope } from '../store/config-event-scope.js';

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

/** The request's event scope, for its `onSend`: set by the handler wrapper below. */
const scopes = new WeakMap<FastifyRequest, ConfigEventScope>();

export function configEvents(app: FastifyInstance, store: Pick<Store, 'webhooks'>): void {
  const outbox = store.webhooks;
  if (outbox === undefined) return;
  // Each write route's handler runs inside its event's scope, so the store writes the event in the
  // change's own transaction (config-event-scope.ts).
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const type = methods.map((m) => configEventType(m, route.url)).find((t) => t !== null);
    if (type === undefined) return;
    const handler = route.handler;
    route.handler = function scoped(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const eventType = configEventType(request.method, route.url);
      if (eventType === null) return handler.call(this, request, reply);
      const scope: ConfigEventScope = { event: eventOf(request, eventType, null), written: false };
      scopes.set(request, scope);
      return configEventScope.run(scope, () => handler.call(this, request, reply));
    };
  });
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (request.method === 'GET' || request.method === 'HEAD') return payload;
    if (reply.getHeader('idempotent-replayed') !== undefined) return payload;
    const scope = scopes.get(request);
    const ok = reply.statusCode < 300;
    if (scope === undefined && !ok) return payload;
    const type = scope?.event.type ?? configEventType(request.method, request.routeOptions.url ?? '');
    if (type === null) return payload;
    const data = answerData(payload);
    try {
      if (scope?.written === true) {
        // Written with the change: fill in the answer and send it now.
        const trunkSid = scope.event.trunkSid ?? (data as { trunk_sid?: string } | null)?.trunk_sid ?? null;
        await outbox.releaseHeldEvent(
          scope.event.id,
          { ...scope.event.data, trunk_sid: trunkSid, result: data },
          Date.now(),
        );
      } else if (ok) {
        // A success that wrote nothing through the store's write path (nothing to be atomic with).
        await outbox.enqueueEvents([eventOf(request, type, data)], Date.now());
      }
    } catch (err) {
      // The change is made: failing the answer now would make the client retry a done change.
      request.log.error({ err, event: type }, 'webhook event not written to the outbox');
    }
    return payload;
  });
}

function answerData(payload: unknown): unknown {
  if (typeof payload !== 'string') return null;
  try {
    return (JSON.parse(payload) as { response?: { data?: unknown } }).response?.data ?? null;
  } catch {
    return null;
  }
}

function eventOf(request: FastifyRequest, type: string, data: unknown): WebhookEvent {
  const params = request.params as { account_sid: string; trunk_sid?: string; id?: string };
  const query = (request.query ?? {}) as { trunk_sid?: string; id?: string };
  const trunkSid = params.trunk_sid ?? query.trunk_sid ?? (data as { trunk_sid?: string } | null)?.trunk_sid ?? null;
  return {
    id: `evt_${randomBytes(12).toString('hex')}`,
    type,
    accountSid: params.account_sid,
    trunkSid,
    createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    data: { trunk_sid: trunkSid, id: params.id ?? query.id ?? null, result: data },
  };
}
