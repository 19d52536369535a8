import type { Config } from '../config/config.js';
import { advertisedHost } from '../gateway/advertised-host.js';
import type { Logger } from '../logger.js';
import { findRtpengine, LocalRtpengine } from '../media/local-rtpengine.js';
import { SIGNALLING_ONLY_REASON, type MediaStatus } from '../media/media-status.js';
import { parseEngineList, type EngineAddress } from '../media/parse-engine-list.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * Where RTP is bound and what SDP names: `--media-address ip[!advertised]`, else the SIP address
 * PBXs already reach (the bind address, or `--sip-advertise` / the host's first IPv4 behind a wildcard).
 */
function mediaInterface(config: Config): { bind: string; advertise: string | null } {
  if (config.mediaAddress !== null) {
    const [bind = '', advertise] = config.mediaAddress.split('!');
    return { bind, advertise: advertise ?? null };
  }
  const wildcard = config.sipHost === '0.0.0.0' || config.sipHost === '::';
  if (!wildcard) return { bind: config.sipHost, advertise: config.sipAdvertise };
  return { bind: advertisedHost(config.sipAdvertise, config.sipHost), advertise: null };
}

/**
 * The media plane of `vsip serve`: the `--rtpengine` list when given; else a local rtpengine
 * child when the binary is installed (stopped by the lifecycle, after the gateway that uses it);
 * else signalling-only, said plainly rather than pretended.
 */
export async function startMedia(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<{ engines: EngineAddress[] | null; status: MediaStatus }> {
  if (config.rtpengine !== null) {
    const engines = parseEngineList(config.rtpengine);
    const labels = engines.map((e) => `udp:${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`);
    return { engines, status: { mode: 'anchored', engines: labels, local: false, rtpPorts: null, reason: null } };
  }
  const binary = findRtpengine(config.rtpenginePath);
  if (binary === null) {
    const reason =
      config.rtpenginePath === null
        ? SIGNALLING_ONLY_REASON
        : `no rtpengine at ${config.rtpenginePath}; ${SIGNALLING_ONLY_REASON}`;
    logger.warn({ reason }, 'media: signalling-only');
    return { engines: null, status: { mode: 'signalling-only', engines: [], local: false, rtpPorts: null, reason } };
  }
  const [portMin, portMax] = config.rtpPorts.split('-').map(Number) as [number, number];
  const iface = mediaInterface(config);
  const log = logger.child({ component: 'rtpengine' });
  const engine = await LocalRtpengine.start({
    binary,
    interface: iface.bind,
    advertise: iface.advertise,
    portMin,
    portMax,
    onLog: (line) => log.debug({ line }, 'rtpengine'),
  });
  lifecycle.onClose('rtpengine', () => engine.stop());
  const a = engine.address;
  return {
    engines: [a],
    status: {
      mode: 'anchored',
      engines: [`udp:127.0.0.1:${a.port}`],
      local: true,
      rtpPorts: `${iface.advertise ?? iface.bind} UDP ${config.rtpPorts}`,
      reason: null,
    },
  };
}

/** The banner line of the media plane. */
export function mediaLine(s: MediaStatus): string {
  if (s.mode === 'signalling-only') return `  Media      signalling-only: ${s.reason}`;
  if (s.local) return `  Media      rtpengine (local child, ${s.engines.join(', ')}), RTP ${s.rtpPorts}`;
  return `  Media      rtpengine ${s.engines.join(', ')}`;
}
