import type { Command } from 'commander';
import type { VsipClient } from '../../client/vsip-client.js';
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
    .option('--sip-port <port>', 'gateway SIP port, TCP (default: as GET /health lists it, else 5060)', '5060')
    .option('--sips-port <port>', 'gateway SIP port, TLS (default: as GET /health lists it, else 5061)', '5061');
}

/**
 * The gateway address for `cmd`: the flags, except that a port left at its default is taken from
 * the access-side listeners `GET /health` lists, so `vsip serve --sip-port 5070` needs no
 * matching flag on the client. A server that does not list them (role api, older version,
 * unreachable) leaves the defaults. With a `region` (a trunk's edge_preference) and no `--gateway`,
 * the addresses are that region's from `GET /gateways`.
 */
export async function gatewayFor(
  cmd: Command,
  flags: GatewayFlags,
  client: VsipClient,
  region: string | null = null,
): Promise<{ host: string; sipPort: number; sipsPort: number }> {
  const gw = gatewayFrom(flags, client.baseUrl);
  const tcpGiven = cmd.getOptionValueSource('sipPort') !== 'default';
  const tlsGiven = cmd.getOptionValueSource('sipsPort') !== 'default';
  if (region !== null && flags.gateway === undefined) {
    // The trunk's region (edge_preference): that region's published addresses, as GET /gateways lists them.
    const r = (await client.gateways().catch(() => [])).find((x) => x.region === region);
    const tcp = r?.signalling.find((a) => a.transport === 'tcp');
    const tls = r?.signalling.find((a) => a.transport === 'tls');
    if (tcp !== undefined)
      return {
        host: tcp.address,
        sipPort: tcpGiven ? gw.sipPort : tcp.port,
        sipsPort: tlsGiven || tls === undefined ? gw.sipsPort : tls.port,
      };
  }
  if (tcpGiven && tlsGiven) return gw;
  const access = (await client.health().catch(() => ({ sip: [] }))).sip?.filter((l) => l.side === 'access') ?? [];
  const tcp = access.find((l) => l.protocol === 'tcp');
  const tls = access.find((l) => l.protocol === 'tls');
  return {
    host: gw.host,
    sipPort: !tcpGiven && tcp ? tcp.port : gw.sipPort,
    sipsPort: !tlsGiven && tls ? tls.port : gw.sipsPort,
  };
}

export function gatewayFrom(flags: GatewayFlags, apiUrl: string): { host: string; sipPort: number; sipsPort: number } {
  const host = flags.gateway ?? new URL(apiUrl).hostname.replace(/^\[|\]$/g, '');
  return { host, sipPort: intFlag('--sip-port', flags.sipPort), sipsPort: intFlag('--sips-port', flags.sipsPort) };
}
