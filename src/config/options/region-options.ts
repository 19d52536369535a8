/**
 * `vsip serve` settings (the table is in ../options.ts): registered PBXs and regions: keep-alives,
 * the node's region, the public API URL.
 */
import type { OptionSpec } from '../option-spec.js';

export const REGION_OPTIONS = [
  {
    key: 'sipKeepaliveInterval',
    flag: '--sip-keepalive-interval',
    env: 'VSIP_SIP_KEEPALIVE_INTERVAL',
    type: 'int',
    default: '30',
    min: 0,
    max: 3600,
    help:
      'seconds between OPTIONS pings to PBXs registered over UDP (keeps their NAT open; one that stops answering ' +
      'loses its binding); 0 = off',
    arg: 'seconds',
  },
  {
    key: 'region',
    flag: '--region',
    env: 'VSIP_REGION',
    type: 'string',
    default: 'default',
    help:
      "this node's region (e.g. mumbai): GET /gateways lists each region's addresses, a trunk's edge_preference " +
      'names one',
    arg: 'name',
  },
  {
    key: 'publicApiUrl',
    flag: '--public-api-url',
    env: 'VSIP_PUBLIC_API_URL',
    type: 'string',
    default: null,
    help: "the API's public URL for this node's region, as customers should call it (listed by GET /gateways)",
    arg: 'url',
  },
] as const satisfies readonly OptionSpec[];
