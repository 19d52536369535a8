/**
 * Runs a plan's steps through the SDK, in order, stopping at the first failure (the plan's later
 * steps may depend on it). What ran is reported, so a re-run plans only what is left: applying is
 * idempotent because every run plans against the account as it is now.
 */
import type { VsipClient } from '../../client/vsip-client.js';
import type { LiveTrunk, Step } from './plan-config.js';

export async function applyConfigPlan(
  client: VsipClient,
  live: LiveTrunk[],
  steps: Step[],
  onStep: (step: Step) => void,
): Promise<void> {
  const byName = new Map(live.map((t) => [t.name, t]));
  const sid = (name: string): string => {
    const t = byName.get(name);
    if (t === undefined) throw new Error(`trunk ${name} is not in the account`);
    return t.sid;
  };
  const id = (name: string, kind: keyof LiveTrunk['ids'], key: string): string => {
    const found = byName.get(name)?.ids[kind].get(key);
    if (found === undefined) throw new Error(`trunk ${name}: ${key} is not there any more`);
    return found;
  };
  const bulkErrors = (what: string, errors: Array<{ description: string }>) => {
    if (errors.length > 0) throw new Error(`${what}: ${errors.map((e) => e.description).join('; ')}`);
  };
  for (const s of steps) {
    switch (s.op) {
      case 'create-trunk': {
        // Create Trunk takes every field but status: a trunk starts active.
        const { status, ...fields } = s.fields;
        const t = await client.trunks.create({ ...(fields as Record<string, unknown>), trunk_name: s.trunk });
        if (status !== undefined && status !== t.status)
          await client.trunks.update(t.trunk_sid, { status: String(status) });
        byName.set(s.trunk, {
          name: s.trunk,
          sid: t.trunk_sid,
          fields: {},
          numbers: [],
          ips: [],
          destinations: [],
          settings: {},
          ids: { numbers: new Map(), ips: new Map(), destinations: new Map() },
        });
        break;
      }
      case 'update-trunk':
        await client.trunks.update(sid(s.trunk), s.changes);
        break;
      case 'delete-trunk':
        await client.trunks.delete(sid(s.trunk));
        break;
      case 'add-numbers':
        for (let i = 0; i < s.numbers.length; i += 1000) {
          const chunk = s.numbers.slice(i, i + 1000).map((n) => ({ phone_number: n.number, mode: n.mode }));
          const r = await client.phoneNumbers.addMany(sid(s.trunk), chunk);
          bulkErrors(`trunk ${s.trunk}: numbers`, r.errors);
        }
        break;
      case 'update-number':
        await client.phoneNumbers.update(sid(s.trunk), id(s.trunk, 'numbers', s.number), { mode: s.mode });
        break;
      case 'remove-number':
        await client.phoneNumbers.remove(sid(s.trunk), id(s.trunk, 'numbers', s.number));
        break;
      case 'add-ip': {
        const [ip = '', mask = '32'] = s.ip.split('/');
        await client.whitelistedIps.add(sid(s.trunk), { ip, mask: Number(mask) });
        break;
      }
      case 'remove-ip':
        await client.whitelistedIps.remove(sid(s.trunk), id(s.trunk, 'ips', s.ip));
        break;
      case 'add-destinations':
        // The API takes 20 destinations a request.
        for (let i = 0; i < s.destinations.length; i += 20) {
          const r = await client.destinationUris.add(sid(s.trunk), s.destinations.slice(i, i + 20));
          bulkErrors(`trunk ${s.trunk}: destinations`, r.errors);
        }
        break;
      case 'update-destination':
        await client.destinationUris.update(sid(s.trunk), id(s.trunk, 'destinations', s.destination.destination), {
          priority: s.destination.priority,
          weight: s.destination.weight,
        });
        break;
      case 'remove-destination':
        await client.destinationUris.remove(sid(s.trunk), id(s.trunk, 'destinations', s.destination));
        break;
      case 'set-settings': {
        const r = await client.settings.set(
          sid(s.trunk),
          Object.entries(s.settings).map(([name, value]) => ({ name, value })),
        );
        bulkErrors(`trunk ${s.trunk}: settings`, r.errors);
        break;
      }
      case 'remove-setting':
        await client.settings.delete(sid(s.trunk), s.name);
        break;
    }
    onStep(s);
  }
}
