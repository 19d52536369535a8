import { findRtpengine, LocalRtpengine } from '../../src/media/local-rtpengine.js';
import { NgClient } from '../../src/media/ng-client.js';

/**
 * A real rtpengine for a test file, userspace forwarding on 127.0.0.1, on a random window of RTP
 * ports (other test files and helpers may run their own at the same time). Fails loudly when the
 * binary is missing: the pre-test step installs `rtpengine-daemon`.
 */
export async function startTestRtpengine(): Promise<{
  engine: LocalRtpengine;
  ng: NgClient;
  sessions(): Promise<number>;
}> {
  const binary = findRtpengine();
  if (binary === null) throw new Error('rtpengine is not installed (apt-get install rtpengine-daemon)');
  const base = 20_000 + 2 * Math.floor(Math.random() * 19_000);
  const engine = await LocalRtpengine.start({ binary, interface: '127.0.0.1', portMin: base, portMax: base + 1999 });
  const ng = new NgClient({ host: '127.0.0.1', port: engine.ngPort });
  return {
    engine,
    ng,
    async sessions() {
      const r = await ng.command({ command: 'list' });
      return Array.isArray(r.calls) ? r.calls.length : -1;
    },
  };
}
