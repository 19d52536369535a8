import type { Config } from '../config/config.js';

/**
 * The UDP range (`min-max`) this node's media uses, as the node registry publishes it for `GET
 * /gateways` and a trunk's `gateway` (what a customer's firewall must let in): the local
 * rtpengine's `--rtp-ports` when this node anchors media with it. Null when it relays no media
 * (signalling-only: RTP flows between PBX and carrier) or uses remote engines (`--rtpengine`),
 * whose ranges are their own configuration.
 */
export function mediaPortRange(config: Pick<Config, 'rtpengine' | 'rtpPorts'>, anchored: boolean): string | null {
  return anchored && config.rtpengine === null ? config.rtpPorts : null;
}
