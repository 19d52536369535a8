import type { Config } from '../config/config.js';

/**
 * The UDP range (`min-max`) this node's media uses, as the node registry publishes it for `GET
 * /gateways` and a trunk's `gateway` (what a customer's firewall must let in). Null while the
 * node relays no media: the signalling plane alone has no RTP range to publish. The media plane
 * (`--rtp-ports`, `--media-address`) answers here from its own config field.
 */
export function mediaPortRange(_config: Config): string | null {
  return null;
}
