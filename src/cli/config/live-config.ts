/** The account's trunks as they are, read through the SDK, in the declarative format (plus ids). */
import type { VsipClient } from '../../client/vsip-client.js';
import type { LiveTrunk } from './plan-config.js';
import { TRUNK_FIELDS, normaliseDestination, normaliseIp, type TrunkConfig } from './trunk-config.js';

export async function readLiveConfig(client: VsipClient): Promise<LiveTrunk[]> {
  const out: LiveTrunk[] = [];
  for await (const t of client.trunks.iterate()) {
    const fields: TrunkConfig['fields'] = {};
    for (const f of TRUNK_FIELDS) if (t[f] !== undefined) fields[f] = t[f];
    const live: LiveTrunk = {
      name: t.trunk_name,
      sid: t.trunk_sid,
      fields,
      numbers: [],
      ips: [],
      destinations: [],
      settings: {},
      ids: { numbers: new Map(), ips: new Map(), destinations: new Map() },
    };
    for await (const n of client.phoneNumbers.iterate(t.trunk_sid)) {
      live.numbers.push({ number: n.phone_number, mode: String(n.mode ?? 'pstn') });
      live.ids.numbers.set(n.phone_number, n.id);
    }
    for await (const ip of client.whitelistedIps.iterate(t.trunk_sid)) {
      const key = normaliseIp(`${ip.ip}/${ip.mask}`);
      live.ips.push(key);
      live.ids.ips.set(key, ip.id);
    }
    for await (const d of client.destinationUris.iterate(t.trunk_sid)) {
      const key = normaliseDestination(d.destination);
      live.destinations.push({ destination: key, priority: d.priority ?? 1, weight: d.weight ?? 1 });
      live.ids.destinations.set(key, d.id);
    }
    for (const s of await client.settings.list(t.trunk_sid)) live.settings[s.name] = s.value;
    out.push(live);
  }
  return out;
}
