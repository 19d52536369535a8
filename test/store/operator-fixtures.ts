import type { NewCarrier } from '../../src/store/operator-types.js';

/** A valid carrier for the store (two URIs, digest credentials), with fields overridden. */
export function carrierInput(name: string, over: Partial<NewCarrier> = {}): NewCarrier {
  return {
    name,
    uris: [
      { uri: 'sip:192.0.2.10:5060;transport=udp', priority: 1, weight: 10 },
      { uri: 'sips:carrier.example.com', priority: 2, weight: 0 },
    ],
    credentials: { username: 'vsip', password: 'carrier-secret-Xy7pQ2', authUsername: null, realm: 'carrier.example' },
    registration: null,
    sourceCidrs: ['192.0.2.0/24'],
    codecs: ['PCMU', 'PCMA'],
    maxCallsPerSecond: 10,
    maxConcurrentCalls: null,
    probe: true,
    srtp: false,
    ...over,
  };
}
