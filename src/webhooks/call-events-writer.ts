import type { NewCallRecord, Store } from '../store/types.js';
import { callEvents } from './call-events.js';

/**
 * The call log's `afterWrite`: each batch of call records written becomes their webhook events in
 * the outbox, in one more statement per batch, so calls never wait on webhooks (nor on the store).
 * None when the store has no outbox (test doubles).
 */
export function callEventsWriter(
  store: Pick<Store, 'webhooks'>,
): ((batch: NewCallRecord[]) => Promise<void>) | undefined {
  const outbox = store.webhooks;
  if (outbox === undefined) return undefined;
  return async (batch) => {
    const events = callEvents(batch);
    if (events.length > 0) await outbox.enqueueEvents(events, Date.now());
  };
}
