/**
 * Every setting of `vsip serve`, in one table: its flag, its `VSIP_*` environment variable,
 * its type, default and help. The CLI builds its options from this table, `loadConfig`
 * validates against it and the `Config` type is derived from it (`config.ts`), so a flag, its
 * environment variable and its type can never drift apart.
 *
 * The table is kept in one file per area under `options/`; the order here is the order of
 * `vsip serve --help`.
 */
import { API_OPTIONS } from './options/api-options.js';
import { SIP_POLICY_OPTIONS } from './options/sip-policy-options.js';
import { SIP_LISTEN_OPTIONS } from './options/sip-listen-options.js';
import { CARRIER_OPTIONS } from './options/carrier-options.js';
import { REGION_OPTIONS } from './options/region-options.js';
import { MEDIA_OPTIONS } from './options/media-options.js';
import { OPS_OPTIONS } from './options/ops-options.js';
import { WEBHOOK_OPTIONS } from './options/webhook-options.js';

export type { OptionSpec, OptionType } from './option-spec.js';

export const SERVE_OPTIONS = [
  ...API_OPTIONS,
  ...SIP_POLICY_OPTIONS,
  ...SIP_LISTEN_OPTIONS,
  ...CARRIER_OPTIONS,
  ...REGION_OPTIONS,
  ...MEDIA_OPTIONS,
  ...OPS_OPTIONS,
  ...WEBHOOK_OPTIONS,
] as const;
