import { findRtpengine, LocalRtpengine } from '../../src/media/local-rtpengine.js';

/**
 * A local rtpengine for a media bench, as `vsip serve` starts its child, on loopback: `ports`
 * RTP ports from a random even base (runs and test processes beside them do not collide).
 */
export function startBenchEngine(o: {
  ports: number;
  extraArgs?: readonly string[];
  threads?: number;
}): Promise<LocalRtpengine> {
  const binary = findRtpengine();
  if (binary === null) throw new Error('rtpengine is not installed (apt-get install rtpengine-daemon)');
  const base = 20_000 + 2 * Math.floor(Math.random() * ((40_000 - o.ports) / 2));
  return LocalRtpengine.start({
    binary,
    interface: '127.0.0.1',
    portMin: base,
    portMax: base + o.ports - 1,
    ...(o.extraArgs !== undefined ? { extraArgs: o.extraArgs } : {}),
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
  });
}
