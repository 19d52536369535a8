import { readFileSync } from 'node:fs';
import { VsipClient } from '../client/vsip-client.js';
import { type Env, resolveProfile } from './profile.js';

export interface CarrierSide {
  host: string;
  port: number;
  /** How it was found, for the messages: `--to`, the ready file, the API's /health, or the defaults. */
  source: string;
}

interface Listener {
  side: string;
  protocol: string;
  address: string;
  port: number;
}

/** `vsip serve`'s defaults: API on 127.0.0.1:8080, carrier side on 5080. */
const DEFAULT_API = 'http://127.0.0.1:8080';
const DEFAULT_CARRIER_PORT = 5080;

/** A listener bound to every address is reached on loopback from this machine. */
const reachable = (address: string): string =>
  address === '0.0.0.0' || address === '' ? '127.0.0.1' : address === '::' ? '::1' : address;

/**
 * Where the running gateway takes calls from the PSTN, for `vsip pstn-sim call` without `--to`:
 * the `--ready-file` that `vsip serve --ready-file` wrote, else the carrier-side listener the API
 * lists in `GET /health` (the profile's API URL, else the default), else the default port on
 * this machine.
 */
export async function findCarrierSide(o: {
  transport: 'udp' | 'tcp';
  readyFile?: string;
  apiUrl?: string;
  env: Env;
}): Promise<CarrierSide> {
  const pick = (listeners: Listener[] | undefined): Listener | undefined =>
    listeners?.find((l) => l.side === 'carrier' && l.protocol === o.transport);
  if (o.readyFile !== undefined) {
    let ready: { sip?: Listener[] };
    try {
      ready = JSON.parse(readFileSync(o.readyFile, 'utf8')) as { sip?: Listener[] };
    } catch (err) {
      throw new Error(`cannot read --ready-file ${o.readyFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const l = pick(ready.sip);
    if (l === undefined) throw new Error(`${o.readyFile} lists no ${o.transport} carrier-side listener`);
    return { host: reachable(l.address), port: l.port, source: o.readyFile };
  }
  const apiUrl = o.apiUrl ?? profileApiUrl(o.env) ?? DEFAULT_API;
  const client = new VsipClient({ baseUrl: apiUrl, accountSid: '-', apiKey: '-', apiToken: '-', timeoutMs: 3000 });
  const health = await client.health().catch(() => null);
  const l = pick(health?.sip);
  if (l !== undefined) return { host: reachable(l.address), port: l.port, source: `${apiUrl}/health` };
  const why =
    health === null ? `no API answered at ${apiUrl}` : `${apiUrl}/health lists no ${o.transport} carrier side`;
  return { host: '127.0.0.1', port: DEFAULT_CARRIER_PORT, source: `the default carrier port (${why})` };
}

/** The API URL of the saved profile or VSIP_API_URL, when there is one (no credentials needed here). */
function profileApiUrl(env: Env): string | undefined {
  if (env.VSIP_API_URL) return env.VSIP_API_URL;
  try {
    return resolveProfile(env).api_url;
  } catch {
    return undefined;
  }
}
