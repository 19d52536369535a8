import type { HttpCore } from './http-core.js';

export interface Webhook {
  webhook_sid: string;
  url: string;
  events: string[];
  trunk_sid: string | null;
  active: boolean;
  date_created: string;
}

/** The answer of `create`: the only time the signing secret is seen. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface WebhookDelivery {
  delivery_id: string;
  event_id: string;
  event_type: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  date_created: string;
}

export interface NewWebhookInput {
  url: string;
  /** Event types, or omitted / `['*']` for all (docs/webhooks.md). */
  events?: string[];
  /** Only this trunk's events. */
  trunk_sid?: string;
}

/** Webhook subscriptions of the account, their delivery log and manual redelivery. */
export class WebhooksApi {
  readonly #http: HttpCore;

  constructor(http: HttpCore) {
    this.#http = http;
  }

  async create(input: NewWebhookInput): Promise<CreatedWebhook> {
    return (await this.#http.request<CreatedWebhook>('POST', this.#http.accountPath('/webhooks'), { body: input }))
      .data;
  }

  async list(): Promise<Webhook[]> {
    return (await this.#http.request<Webhook[]>('GET', this.#http.accountPath('/webhooks'))).data;
  }

  async get(webhookSid: string): Promise<Webhook> {
    return (await this.#http.request<Webhook>('GET', this.#path(webhookSid))).data;
  }

  async delete(webhookSid: string): Promise<void> {
    await this.#http.request('DELETE', this.#path(webhookSid));
  }

  async deliveries(webhookSid: string, limit?: number): Promise<WebhookDelivery[]> {
    return (
      await this.#http.request<WebhookDelivery[]>('GET', `${this.#path(webhookSid)}/deliveries`, { query: { limit } })
    ).data;
  }

  async redeliver(webhookSid: string, deliveryId: string): Promise<WebhookDelivery> {
    const path = `${this.#path(webhookSid)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`;
    return (await this.#http.request<WebhookDelivery>('POST', path)).data;
  }

  #path(webhookSid: string): string {
    return this.#http.accountPath(`/webhooks/${encodeURIComponent(webhookSid)}`);
  }
}
