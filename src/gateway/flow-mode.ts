import type { Config } from '../config/config.js';
import type { Store } from '../store/types.js';
import { FlowRouter } from './flow-router.js';
import type { FlowMode } from './flow-step.js';

/**
 * Flow mode for one gateway, from the serve options: the call-routing webhook is the store's
 * subscription naming `call.route`, looked up at call time (the one store read of a flow call, so a
 * webhook created or deleted takes effect on the next call). A store without webhooks: no flow mode,
 * flow numbers route as pstn numbers.
 */
export function flowMode(
  store: Pick<Store, 'webhooks'>,
  config: Pick<Config, 'flowTimeoutMs' | 'flowFallback'>,
): { flow?: FlowMode } {
  const hooks = store.webhooks;
  if (hooks === undefined) return {};
  const router = new FlowRouter({
    lookup: (accountSid, trunkSid) => hooks.routingWebhook(accountSid, trunkSid),
    timeoutMs: config.flowTimeoutMs,
  });
  return { flow: { router, fallback: config.flowFallback === 'reject' ? 'reject' : 'trunk' } };
}
