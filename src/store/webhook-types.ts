/** The store's view of webhook subscriptions, events and the delivery outbox. */

export interface Webhook {
  sid: string;
  accountSid: string;
  trunkSid: string | null;
  url: string;
  /** Event types, or `['*']` for all. */
  events: string[];
  active: boolean;
  createdAt: string;
}

export interface NewWebhook {
  accountSid: string;
  trunkSid: string | null;
  url: string;
  events: string[];
}

/** One event, before it is fanned out to the subscriptions that want it. */
export interface WebhookEvent {
  id: string;
  type: string;
  accountSid: string;
  trunkSid: string | null;
  /** ISO time the event happened. */
  createdAt: string;
  data: Record<string, unknown>;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  webhookSid: string;
  eventId: string;
  eventType: string;
  payload: string;
  state: DeliveryState;
  attempts: number;
  createdMs: number;
  nextAttemptMs: number;
  lastStatus: number | null;
  lastError: string | null;
}

/** A delivery claimed for sending, with what is needed to send it. */
export interface ClaimedDelivery extends WebhookDelivery {
  url: string;
  secret: string;
  /** The lease this claim holds: results are written only while it is still ours. */
  leaseUntilMs: number;
}

export interface DeliveryOutcome {
  state: DeliveryState;
  /** For `pending`: when to try again. */
  nextAttemptMs?: number;
  status: number | null;
  error: string | null;
}

/** The call-routing webhook of flow mode: a subscription naming `call.route`, with its secret to sign. */
export interface RoutingWebhook {
  sid: string;
  url: string;
  secret: string;
}

export interface WebhookStore {
  createWebhook(input: NewWebhook): Promise<{ webhook: Webhook; secret: string }>;
  listWebhooks(accountSid: string): Promise<Webhook[]>;
  getWebhook(accountSid: string, sid: string): Promise<Webhook | null>;
  deleteWebhook(accountSid: string, sid: string): Promise<boolean>;
  /** Writes one outbox row per event and matching active subscription; returns how many. */
  enqueueEvents(events: WebhookEvent[], nowMs: number): Promise<number>;
  /** Leases up to `limit` due deliveries for `leaseMs`; a row leased by another node is skipped. */
  claimDueDeliveries(nowMs: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt's outcome; false when the lease was lost (another node took the row). */
  finishDelivery(d: ClaimedDelivery, outcome: DeliveryOutcome): Promise<boolean>;
  listDeliveries(accountSid: string, webhookSid: string, limit: number): Promise<WebhookDelivery[]>;
  /** Deletes delivered and failed deliveries created before `beforeMs`; returns how many. */
  pruneDeliveries(beforeMs: number): Promise<number>;
  redeliver(accountSid: string, webhookSid: string, deliveryId: string, nowMs: number): Promise<WebhookDelivery | null>;
  /**
   * The active subscription that routes a flow-mode number's calls: one naming `call.route` for this
   * trunk, else one for the whole account; null when there is none.
   */
  routingWebhook(accountSid: string, trunkSid: string): Promise<RoutingWebhook | null>;
  /**
   * A config event written with its change (held, `config-event-scope.ts`): sets its `data` to the API's
   * answer and makes it due now. Rows already being sent are left as they are; returns how many changed.
   */
  releaseHeldEvent(eventId: string, data: Record<string, unknown>, nowMs: number): Promise<number>;
}
