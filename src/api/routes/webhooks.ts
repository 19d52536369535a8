import type { FastifyInstance } from 'fastify';
import type { Webhook, WebhookDelivery, WebhookStore } from '../../store/webhook-types.js';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/event-types.js';
import { ApiError, invalidField } from '../errors.js';
import { okResponses } from '../response-schemas.js';
import { ok } from '../respond.js';
import { serverCheck } from '../server-check.js';
import { accountParamsSchema, type AccountParams, type RouteDeps } from '../route-deps.js';

interface WebhookParams extends AccountParams {
  webhook_sid: string;
}
interface DeliveryParams extends WebhookParams {
  delivery_id: string;
}
interface WebhookBody {
  url: string;
  events?: string[];
  trunk_sid?: string;
}

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const webhookSchema = {
  type: 'object',
  properties: {
    webhook_sid: str,
    url: str,
    events: { type: 'array', items: str },
    trunk_sid: nullableStr,
    active: { type: 'boolean' },
    date_created: str,
  },
  required: ['webhook_sid', 'url', 'events', 'trunk_sid', 'active', 'date_created'],
} as const;
const createdSchema = {
  ...webhookSchema,
  properties: {
    ...webhookSchema.properties,
    secret: { type: 'string', description: 'the signing secret: shown only in this answer (docs/webhooks.md)' },
  },
  required: [...webhookSchema.required, 'secret'],
} as const;
const deliverySchema = {
  type: 'object',
  properties: {
    delivery_id: str,
    event_id: str,
    event_type: str,
    state: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    attempts: { type: 'integer' },
    next_attempt_at: str,
    last_status: { type: ['integer', 'null'] },
    last_error: nullableStr,
    date_created: str,
  },
  required: [
    'delivery_id',
    'event_id',
    'event_type',
    'state',
    'attempts',
    'next_attempt_at',
    'last_status',
    'last_error',
    'date_created',
  ],
} as const;

const webhookParamsSchema = {
  type: 'object',
  properties: { ...accountParamsSchema.properties, webhook_sid: { type: 'string', description: 'the webhook_sid' } },
  required: ['account_sid', 'webhook_sid'],
} as const;
const deliveryParamsSchema = {
  type: 'object',
  properties: { ...webhookParamsSchema.properties, delivery_id: { type: 'string', description: 'the delivery_id' } },
  required: ['account_sid', 'webhook_sid', 'delivery_id'],
} as const;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const presentWebhook = (w: Webhook) => ({
  webhook_sid: w.sid,
  url: w.url,
  events: w.events,
  trunk_sid: w.trunkSid,
  active: w.active,
  date_created: w.createdAt,
});

const presentDelivery = (d: WebhookDelivery) => ({
  delivery_id: d.id,
  event_id: d.eventId,
  event_type: d.eventType,
  state: d.state,
  attempts: d.attempts,
  next_attempt_at: iso(d.nextAttemptMs),
  last_status: d.lastStatus,
  last_error: d.lastError,
  date_created: iso(d.createdMs),
});

const URL_EXPECTED = 'expected an absolute http:// or https:// URL without user:password, at most 2048 characters';

/** A webhook URL: http or https only (no file:, no data:), and no credentials to end up in logs. */
export function checkWebhookUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw invalidField('url', URL_EXPECTED);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '' || raw.length > 2048) {
    throw invalidField('url', URL_EXPECTED);
  }
  if (u.username !== '' || u.password !== '') throw invalidField('url', URL_EXPECTED);
  if (u.port !== '' && FETCH_BAD_PORTS.has(Number(u.port))) {
    // Deliveries go out with fetch, which refuses these ports: the webhook would never be reached.
    throw invalidField(
      'url',
      `port ${u.port} is one the Fetch standard blocks (SIP's 5060/5061 among them), so no delivery could reach it; ` +
        'use another port, such as 443 or 8080',
    );
  }
  return u.toString();
}

/** The Fetch standard's "bad ports" (https://fetch.spec.whatwg.org/#port-blocking), refused by Node's fetch. */
const FETCH_BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

function checkEvents(events: string[] | undefined): string[] {
  if (events === undefined || events.length === 0) return ['*'];
  for (const e of events) {
    if (e !== '*' && !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)) {
      throw invalidField('events', `unknown event type ${JSON.stringify(e)}; expected * or one of docs/webhooks.md`);
    }
  }
  return [...new Set(events)];
}

/** Webhook subscriptions, their delivery log and manual redelivery (docs/webhooks.md). */
export async function webhookRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  const tags = ['Webhooks'];
  const outbox = (): WebhookStore => {
    if (store.webhooks === undefined) throw new ApiError('NOT_FOUND', 'this store keeps no webhooks');
    return store.webhooks;
  };
  const notFound = (sid: string) => new ApiError('NOT_FOUND', `webhook ${JSON.stringify(sid)} is not on this account`);

  app.post<{ Params: AccountParams; Body: WebhookBody }>(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'Create a webhook (the signing secret is shown once)',
        params: accountParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: {
            url: {
              type: 'string',
              minLength: 1,
              maxLength: 2048,
              description: 'http(s) URL that receives POSTs',
              examples: ['https://crm.example.com/vsip/events'],
              ...serverCheck('an absolute http: or https: URL with a host and no user:password part'),
            },
            events: {
              type: 'array',
              maxItems: 50,
              items: { type: 'string', enum: ['*', ...WEBHOOK_EVENT_TYPES] },
              description: 'event types, or ["*"] (the default) for all',
            },
            trunk_sid: {
              type: 'string',
              minLength: 1,
              maxLength: 64,
              description: "only this trunk's events",
              ...serverCheck('a trunk of this account'),
            },
          },
        },
        response: okResponses(createdSchema),
      },
    },
    async (request) => {
      const { account_sid } = request.params;
      const url = checkWebhookUrl(request.body.url);
      const events = checkEvents(request.body.events);
      const trunkSid = request.body.trunk_sid ?? null;
      if (trunkSid !== null && (await store.getTrunk(account_sid, trunkSid)) === null) {
        throw new ApiError('NOT_FOUND', `trunk ${JSON.stringify(trunkSid)} is not on this account`);
      }
      const { webhook, secret } = await outbox().createWebhook({ accountSid: account_sid, trunkSid, url, events });
      return ok(request, { ...presentWebhook(webhook), secret });
    },
  );

  app.get<{ Params: AccountParams }>(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'List webhooks',
        params: accountParamsSchema,
        response: okResponses({ type: 'array', items: webhookSchema }),
      },
    },
    async (request) => ok(request, (await outbox().listWebhooks(request.params.account_sid)).map(presentWebhook)),
  );

  app.get<{ Params: WebhookParams }>(
    '/webhooks/:webhook_sid',
    { schema: { tags, summary: 'Get a webhook', params: webhookParamsSchema, response: okResponses(webhookSchema) } },
    async (request) => {
      const w = await outbox().getWebhook(request.params.account_sid, request.params.webhook_sid);
      if (w === null) throw notFound(request.params.webhook_sid);
      return ok(request, presentWebhook(w));
    },
  );

  app.delete<{ Params: WebhookParams }>(
    '/webhooks/:webhook_sid',
    {
      schema: {
        tags,
        summary: 'Delete a webhook (and its pending deliveries)',
        params: webhookParamsSchema,
        response: okResponses({
          type: 'object',
          properties: { webhook_sid: str, deleted: { type: 'boolean' } },
          required: ['webhook_sid', 'deleted'],
        }),
      },
    },
    async (request) => {
      const { account_sid, webhook_sid } = request.params;
      if (!(await outbox().deleteWebhook(account_sid, webhook_sid))) throw notFound(webhook_sid);
      return ok(request, { webhook_sid, deleted: true });
    },
  );

  app.get<{ Params: WebhookParams; Querystring: { limit?: string } }>(
    '/webhooks/:webhook_sid/deliveries',
    {
      schema: {
        tags,
        summary: "A webhook's delivery log, newest first",
        params: webhookParamsSchema,
        querystring: {
          type: 'object',
          properties: {
            limit: {
              type: 'string',
              pattern: '^(?:[1-9]|[1-9][0-9]|1[0-9][0-9]|200)$',
              description: 'at most 1-200 (default 50)',
            },
          },
        },
        response: okResponses({ type: 'array', items: deliverySchema }),
      },
    },
    async (request) => {
      const { account_sid, webhook_sid } = request.params;
      if ((await outbox().getWebhook(account_sid, webhook_sid)) === null) throw notFound(webhook_sid);
      const rows = await outbox().listDeliveries(account_sid, webhook_sid, Number(request.query.limit ?? 50));
      return ok(request, rows.map(presentDelivery));
    },
  );

  app.post<{ Params: DeliveryParams }>(
    '/webhooks/:webhook_sid/deliveries/:delivery_id/redeliver',
    {
      schema: {
        tags,
        summary: 'Send a delivery again now (same event id)',
        params: deliveryParamsSchema,
        response: okResponses(deliverySchema),
      },
    },
    async (request) => {
      const { account_sid, webhook_sid, delivery_id } = request.params;
      const d = await outbox().redeliver(account_sid, webhook_sid, delivery_id, Date.now());
      if (d === null) {
        throw new ApiError('NOT_FOUND', `delivery ${JSON.stringify(delivery_id)} is not on this webhook`);
      }
      return ok(request, presentDelivery(d));
    },
  );
}
