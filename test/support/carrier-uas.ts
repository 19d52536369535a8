import { createSipEndpoint, type SipEndpoint } from '../../src/sip/index.js';
import { freePort } from './ports.js';
import { attachSimpleUas, type SimpleUasOptions, type SimpleUasStats } from './simple-uas.js';

export interface CarrierUas {
  /** `sip:127.0.0.1:<port>` (UDP; `;transport=tcp` for TCP): the carrier URI to configure. */
  uri(protocol?: 'udp' | 'tcp'): string;
  port: number;
  stats: SimpleUasStats;
  endpoint: SipEndpoint;
  close(): Promise<void>;
}

/**
 * A carrier stand-in on 127.0.0.1 (UDP and TCP on one free port, or `fixedPort` to come back where it
 * was): answers calls as `attachSimpleUas` does.
 */
export async function startCarrierUas(
  options: SimpleUasOptions = {},
  host = '127.0.0.1',
  fixedPort?: number,
): Promise<CarrierUas> {
  const port = fixedPort ?? (await freePort(host));
  const endpoint = await createSipEndpoint({
    listen: [
      { protocol: 'udp', host, port },
      { protocol: 'tcp', host, port },
    ],
  });
  const stats = attachSimpleUas(endpoint, options);
  return {
    uri: (p = 'udp') => `sip:${host}:${port}${p === 'tcp' ? ';transport=tcp' : ''}`,
    port,
    stats,
    endpoint,
    close: () => endpoint.close(),
  };
}
