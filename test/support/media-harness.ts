import type { LocalRtpengine } from '../../src/media/local-rtpengine.js';
import type { NgClient } from '../../src/media/ng-client.js';
import { ApiClient } from './api-client.js';
import { startHarness, type Harness, type HarnessOptions } from './gateway-harness.js';
import { RawSipPeer } from './raw-sip-peer.js';
import { startTestRtpengine } from './test-rtpengine.js';

/** A gateway of a media test and the API client on its store. */
export interface MediaGateway {
  h: Harness;
  api: ApiClient;
  close(): Promise<void>;
}

/** Gateway options of a media test: its carrier and rtpengine are the harness's unless `flags` say otherwise. */
export type MediaGatewayOptions = Omit<HarnessOptions, 'carrier'>;

/**
 * What every media test file starts with: one real rtpengine (see startTestRtpengine), a raw UDP
 * carrier on 127.0.0.1, and a gateway anchoring media through that engine, with its API client.
 * `gateway()` starts more gateways on the same engine and carrier (other tuning, an engine that is
 * down); `close()` stops every gateway not closed yet, then the carrier and the engine.
 *
 *   let m: MediaHarness;
 *   before(async () => { m = await startMediaHarness({ tuning: { mediaQuietMs: 300 } }); });
 *   after(() => m.close());
 */
export interface MediaHarness extends MediaGateway {
  engine: LocalRtpengine;
  ng: NgClient;
  /** How many sessions (calls) rtpengine holds now. */
  sessions(): Promise<number>;
  carrier: RawSipPeer;
  gateway(o?: MediaGatewayOptions): Promise<MediaGateway>;
}

export async function startMediaHarness(o: MediaGatewayOptions = {}): Promise<MediaHarness> {
  const rte = await startTestRtpengine();
  const open: MediaGateway[] = [];
  let carrier: RawSipPeer | null = null;
  let stopped = false;
  const closeAll = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const g of open.splice(0).reverse()) await g.close();
    carrier?.close();
    carrier = null;
    rte.ng.close();
    await rte.engine.stop();
  };
  try {
    const peer = await RawSipPeer.open('127.0.0.1');
    carrier = peer;
    const gateway = async (g: MediaGatewayOptions = {}): Promise<MediaGateway> => {
      const started = await startHarness({
        ...g,
        carrier: `sip:127.0.0.1:${peer.port}`,
        flags: { rtpengine: `udp:127.0.0.1:${rte.engine.ngPort}`, ...g.flags },
      });
      // A test may close its gateway itself (a shutdown is what it tests); closing twice is then a no-op.
      let closing: Promise<void> | null = null;
      const h: Harness = { ...started, close: () => (closing ??= started.close()) };
      const api = await ApiClient.create(h);
      const mg: MediaGateway = {
        h,
        api,
        async close() {
          await api.close();
          await h.close();
        },
      };
      open.push(mg);
      return mg;
    };
    const first = await gateway(o);
    return { ...rte, ...first, carrier: peer, gateway, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
