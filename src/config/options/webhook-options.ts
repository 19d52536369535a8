/**
 * `vsip serve` settings (the table is in ../options.ts): webhook delivery from the outbox:
 * timeouts, retries, polling.
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
] as const satisfies readonly OptionSpec[];
