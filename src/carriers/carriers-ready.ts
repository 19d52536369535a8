import type { CarrierStatus } from './carrier-status.js';

/**
 * The `/ready` check of a node's carriers, "when present": with probed carrier URIs, at least one
 * must be up (a URI starts up and goes down after failed OPTIONS probes, carrier-prober.ts), or the
 * node can terminate no call and a load balancer should stop sending it PBXs' traffic. Carriers not
 * probed, or none at all, pass.
 */
export function carriersReady(status: CarrierStatus): () => void {
  return () => {
    const uris = status.uris();
    if (uris.length > 0 && !uris.some((u) => u.up)) {
      throw new Error(`every probed carrier URI is down: ${uris.map((u) => `${u.carrierName} ${u.uri}`).join(', ')}`);
    }
  };
}
