/**
 * `vsip serve` settings (the table is in ../options.ts): webhook delivery from the outbox:
 * timeouts, retries, polling; flow mode's call-routing webhook.
 */
import type { OptionSpec } from '../option-spec.js';

export const WEBHOOK_OPTIONS = [
  {
    key: 'webhookTimeoutMs',
    flag: '--webhook-timeout-ms',
    env: 'VSIP_WEBHOOK_TIMEOUT_MS',
    type: 'int',
    default: '5000',
    min: 100,
    max: 60_000,
    help: 'how long a webhook POST may take before it counts as failed and is retried',
    arg: 'ms',
  },
  {
    key: 'webhookRetryBaseMs',
    flag: '--webhook-retry-base-ms',
    env: 'VSIP_WEBHOOK_RETRY_BASE_MS',
    type: 'int',
    default: '10000',
    min: 10,
    max: 3_600_000,
    help: 'first delay before a failed webhook delivery is retried; doubled after each failure (with jitter)',
    arg: 'ms',
  },
  {
    key: 'webhookRetryMaxMs',
    flag: '--webhook-retry-max-ms',
    env: 'VSIP_WEBHOOK_RETRY_MAX_MS',
    type: 'int',
    default: '3600000',
    min: 10,
    max: 86_400_000,
    help: 'longest delay between two attempts of a webhook delivery',
    arg: 'ms',
  },
  {
    key: 'webhookRetryForS',
    flag: '--webhook-retry-for-s',
    env: 'VSIP_WEBHOOK_RETRY_FOR_S',
    type: 'int',
    default: '86400',
    min: 1,
    max: 604_800,
    help: 'a webhook delivery still failing this long after its event is marked failed (redeliver by hand)',
    arg: 's',
  },
  {
    key: 'webhookPollMs',
    flag: '--webhook-poll-ms',
    env: 'VSIP_WEBHOOK_POLL_MS',
    type: 'int',
    default: '1000',
    min: 10,
    max: 60_000,
    help: 'how often the API process looks for due webhook deliveries in the outbox',
    arg: 'ms',
  },
  {
    key: 'flowTimeoutMs',
    flag: '--flow-timeout-ms',
    env: 'VSIP_FLOW_TIMEOUT_MS',
    type: 'int',
    default: '3000',
    min: 100,
    max: 30_000,
    help: 'how long a flow-mode call waits for the call-routing webhook before --flow-fallback applies',
    arg: 'ms',
  },
  {
    key: 'flowFallback',
    flag: '--flow-fallback',
    env: 'VSIP_FLOW_FALLBACK',
    type: 'enum',
    default: 'trunk',
    values: ['trunk', 'reject'],
    help:
      "what a flow-mode call does when the call-routing webhook is missing, slow or answers nonsense: the trunk's " +
      'destination URIs (trunk) or a 480 (reject)',
    arg: 'mode',
  },
] as const satisfies readonly OptionSpec[];
