import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/** The API process's webhook sender, configured from `--webhook-*`; null when the store has no outbox. */
export function startWebhookDispatcher(
  store: Pick<Store, 'webhooks'>,
  config: Pick<
    Config,
    'webhookTimeoutMs' | 'webhookRetryBaseMs' | 'webhookRetryMaxMs' | 'webhookRetryForS' | 'webhookPollMs'
  >,
  logger: Logger,
): WebhookDispatcher | null {
  if (store.webhooks === undefined) return null;
  const dispatcher = new WebhookDispatcher(store.webhooks, logger.child({ component: 'webhooks' }), {
    pollMs: config.webhookPollMs,
    timeoutMs: config.webhookTimeoutMs,
    retry: {
      baseMs: config.webhookRetryBaseMs,
      maxMs: config.webhookRetryMaxMs,
      giveUpAfterMs: config.webhookRetryForS * 1000,
    },
  });
  dispatcher.start();
  return dispatcher;
}
