import { collectAll, paginate } from '../../client/paginate.js';
import type { DestinationUri, PhoneNumber, Trunk, WhitelistedIp } from '../../client/types.js';
import type { VsipClient } from '../../client/vsip-client.js';
import { ipInRange } from '../doctor/ip-range.js';
import { isTrunkName } from './resolve-trunk.js';
import { describeError, UsageError } from './run-action.js';

export interface QuickstartInput {
  direction: 'termination' | 'origination';
  trunkName: string;
  number: string;
  /** Termination: the PBX address to whitelist, with its mask. */
  pbxIp?: string;
  mask?: number;
  /** Origination: where inbound calls go. */
  destination?: string;
  domainName?: string;
  region?: string;
}

export type QuickstartPiece = 'trunk' | 'phone_number' | 'whitelisted_ip' | 'destination_uri';

export interface QuickstartSetup {
  trunk: Trunk;
  number: PhoneNumber;
  ip: WhitelistedIp | null;
  destinations: DestinationUri[];
  /** The pieces an earlier run (or the user) had already made, found and kept. */
  reused: QuickstartPiece[];
}

export interface QuickstartProgress {
  step(n: number, title: string, outcome: string): void;
  /** Why the run stopped and what it left behind, before the error itself is reported. */
  stopped(message: string): void;
}

const digits = (n: string): string => n.replace(/\D/g, '');

/**
 * The API half of the spec's quickstart, safe to run again: each step first looks for what it
 * would make (the trunk by its name, unique within the account; the number; the address or
 * destination) and keeps it. A run that fails after creating the trunk deletes that trunk, so it
 * never leaves half a trunk behind; a trunk that existed before is left as it was.
 */
export async function quickstartSetup(
  client: VsipClient,
  input: QuickstartInput,
  progress: QuickstartProgress,
): Promise<QuickstartSetup> {
  const reused: QuickstartPiece[] = [];
  const kept = (piece: QuickstartPiece, outcome: string, again: boolean): string => {
    if (!again) return outcome;
    reused.push(piece);
    return `${outcome} (already there: reused)`;
  };

  let trunk = await findByName(client, input.trunkName);
  const createdNow = trunk === null;
  let step = 1;
  try {
    if (trunk === null) {
      trunk = await client.trunks.create({
        trunk_name: input.trunkName,
        ...(input.domainName ? { domain_name: input.domainName } : {}),
        ...(input.region ? { edge_preference: input.region } : {}),
      });
    } else {
      const update: Record<string, string> = {};
      if (input.domainName && input.domainName !== trunk.domain_name) update.domain_name = input.domainName;
      if (input.region && input.region !== trunk.edge_preference) update.edge_preference = input.region;
      if (Object.keys(update).length > 0) trunk = await client.trunks.update(trunk.trunk_sid, update);
    }
    const sid = trunk.trunk_sid;
    progress.step(1, 'Create Trunk', kept('trunk', `${sid} (${trunk.trunk_name})`, !createdNow));

    step = 2;
    const numbers = await collectAll((p) => client.phoneNumbers.list(sid, p));
    const mappedBefore = numbers.find((n) => digits(n.phone_number) === digits(input.number));
    const number = mappedBefore ?? (await client.phoneNumbers.add(sid, { phone_number: input.number }));
    const role = input.direction === 'termination' ? ' (your caller ID)' : ' (customers dial this)';
    progress.step(2, 'Map Phone Number', kept('phone_number', `${number.phone_number}${role}`, !!mappedBefore));

    step = 3;
    let ip: WhitelistedIp | null = null;
    let destinations: DestinationUri[] = [];
    if (input.direction === 'termination') {
      const pbxIp = input.pbxIp as string;
      const mask = input.mask ?? 32;
      const ips = await collectAll((p) => client.whitelistedIps.list(sid, p));
      const before = ips.find((i) => i.mask === mask && ipInRange(pbxIp, i.ip, i.mask));
      ip = before ?? (await client.whitelistedIps.add(sid, { ip: pbxIp, mask }));
      progress.step(3, 'Whitelist IP', kept('whitelisted_ip', `${ip.ip}/${ip.mask}`, !!before));
    } else {
      const wanted = input.destination as string;
      const dests = await collectAll((p) => client.destinationUris.list(sid, p));
      const before = dests.find((d) => d.destination.toLowerCase() === wanted.toLowerCase());
      if (before) destinations = [before];
      else {
        const added = await client.destinationUris.add(sid, [{ destination: wanted }]);
        const err = added.errors[0];
        if (err) throw new UsageError(err.description);
        destinations = added.items;
      }
      progress.step(
        3,
        'Add Destination URI',
        kept('destination_uri', destinations.map((d) => d.destination).join(', '), !!before),
      );
    }
    return { trunk, number, ip, destinations, reused };
  } catch (err) {
    if (trunk !== null) progress.stopped(await leftBehind(client, trunk, createdNow, step));
    throw err;
  }
}

/** The trunk named `name` (names are unique within an account), or null. */
async function findByName(client: VsipClient, name: string): Promise<Trunk | null> {
  // A name the API would refuse is left to Create Trunk, whose error says what is wrong with it.
  if (!isTrunkName(name)) return null;
  for await (const t of paginate((p) => client.trunks.search(name, p))) if (t.trunk_name === name) return t;
  return null;
}

async function leftBehind(client: VsipClient, trunk: Trunk, createdNow: boolean, step: number): Promise<string> {
  const sid = trunk.trunk_sid;
  if (!createdNow)
    return (
      `stopped at step ${step}; trunk ${trunk.trunk_name} (${sid}) existed before and keeps what the steps before ` +
      'made. Fix the problem below and run the same command again: it reuses what is there'
    );
  try {
    await client.trunks.delete(sid);
    return (
      `stopped at step ${step}; removed trunk ${trunk.trunk_name} (${sid}) that this run had created, so nothing ` +
      'half-made is left. Fix the problem below and run the same command again'
    );
  } catch (err) {
    return (
      `stopped at step ${step} after creating trunk ${sid}, and could not remove it (${describeError(err)}): ` +
      `delete it with vsip trunks delete ${sid} --yes, or run the same command again to finish it`
    );
  }
}
