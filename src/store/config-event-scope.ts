/**
 * Configuration webhook events written in the transaction of the change they describe (a
 * transactional outbox): the API runs each write request's handler inside a scope holding its event,
 * and the store's `write()` adds the event's outbox rows in the same transaction as the change, so a
 * crash after the commit cannot lose the event, and a rolled-back change sends none.
 *
 * The API's answer (the event's `result`) exists only after the commit, so the rows are written held
 * (due only after `CONFIG_EVENT_HOLD_MS`); the API then fills in the answer and releases them. A process
 * that dies in between leaves them to go out when the hold expires, with the `data` written in the
 * transaction (`result` null).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WebhookEvent } from './webhook-types.js';

export const CONFIG_EVENT_HOLD_MS = 30_000;

export interface ConfigEventScope {
  /** The event; its `trunkSid` may be null until the write names the trunk (a trunk being created). */
  event: WebhookEvent;
  /** Set once a committed transaction wrote the event's rows: later writes of the request add none. */
  written: boolean;
}

export const configEventScope = new AsyncLocalStorage<ConfigEventScope>();
