import type { Command } from 'commander';
import { intFlag } from './common-options.js';

export interface GatewayFlags {
  gateway?: string;
  sipPort: string;
  sipsPort: string;
}

/** Where the vsip SIP gateway answers: `--gateway` (default: the API URL's host) and its ports. */
export function withGatewayOptions(cmd: Command): Command {
  return cmd
    .option('--gateway <host>', "address of the vsip SIP gateway (default: the API URL's host)")
    .option('--sip-port <port>', 'gateway SIP port, TCP', '5060')
    .option('--sips-port <port>', 'gateway SIP port, TLS', '5061');
}

export function gatewayFrom(flags: GatewayFlags, apiUrl: string): { host: string; sipPort: number; sipsPort: number } {
  const host = flags.gateway ?? new URL(apiUrl).hostname.replace(/^\[|\]$/g, '');
  return { host, sipPort: intFlag('--sip-port', flags.sipPort), sipsPort: intFlag('--sips-port', flags.sipsPort) };
}
