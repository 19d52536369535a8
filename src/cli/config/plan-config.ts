/**
 * The difference between the file and the account, as a list of steps in the order they can run:
 * trunks are created before their items, items removed before their trunk. Pure: the plan is
 * computed from two snapshots, so it can be shown (`--dry-run`) exactly as it will be applied.
 * Nothing is removed unless `prune` (a file describing some trunks leaves the others alone).
 */
import type { AccountConfig, DestinationConfig, NumberConfig, TrunkConfig, TrunkField } from './trunk-config.js';
import { TRUNK_FIELDS } from './trunk-config.js';

/** The live account: the same shape, plus the ids removal and updates need. */
export interface LiveTrunk extends TrunkConfig {
  sid: string;
  ids: { numbers: Map<string, string>; ips: Map<string, string>; destinations: Map<string, string> };
}

export type Step =
  | { op: 'create-trunk'; trunk: string; fields: Partial<Record<TrunkField, unknown>> }
  | { op: 'update-trunk'; trunk: string; changes: Partial<Record<TrunkField, unknown>>; text: string[] }
  | { op: 'delete-trunk'; trunk: string }
  | { op: 'add-numbers'; trunk: string; numbers: NumberConfig[] }
  | { op: 'update-number'; trunk: string; number: string; mode: string; from: string }
  | { op: 'remove-number'; trunk: string; number: string }
  | { op: 'add-ip'; trunk: string; ip: string }
  | { op: 'remove-ip'; trunk: string; ip: string }
  | { op: 'add-destinations'; trunk: string; destinations: DestinationConfig[] }
  | { op: 'update-destination'; trunk: string; destination: DestinationConfig; from: DestinationConfig }
  | { op: 'remove-destination'; trunk: string; destination: string }
  | { op: 'set-settings'; trunk: string; settings: Record<string, string> }
  | { op: 'remove-setting'; trunk: string; name: string };

const show = (v: unknown) => JSON.stringify(v ?? null);

function diffTrunk(want: TrunkConfig, have: LiveTrunk | undefined, prune: boolean): Step[] {
  const trunk = want.name;
  const steps: Step[] = [];
  if (have === undefined) steps.push({ op: 'create-trunk', trunk, fields: want.fields });
  else {
    const changes: Partial<Record<TrunkField, unknown>> = {};
    const text: string[] = [];
    for (const f of TRUNK_FIELDS) {
      const w = want.fields[f];
      if (w === undefined || show(w) === show(have.fields[f])) continue;
      changes[f] = w;
      text.push(`${f}: ${show(have.fields[f])} → ${show(w)}`);
    }
    if (text.length > 0) steps.push({ op: 'update-trunk', trunk, changes, text });
  }
  const haveNumbers = new Map((have?.numbers ?? []).map((n) => [n.number, n.mode]));
  const wantNumbers = new Set(want.numbers.map((n) => n.number));
  if (prune) {
    for (const n of haveNumbers.keys()) if (!wantNumbers.has(n)) steps.push({ op: 'remove-number', trunk, number: n });
  }
  const newNumbers = want.numbers.filter((n) => !haveNumbers.has(n.number));
  if (newNumbers.length > 0) steps.push({ op: 'add-numbers', trunk, numbers: newNumbers });
  for (const n of want.numbers) {
    const mode = haveNumbers.get(n.number);
    if (mode !== undefined && mode !== n.mode) {
      steps.push({ op: 'update-number', trunk, number: n.number, mode: n.mode, from: mode });
    }
  }
  const haveIps = new Set(have?.ips ?? []);
  const wantIps = new Set(want.ips);
  if (prune) for (const ip of haveIps) if (!wantIps.has(ip)) steps.push({ op: 'remove-ip', trunk, ip });
  for (const ip of wantIps) if (!haveIps.has(ip)) steps.push({ op: 'add-ip', trunk, ip });

  const haveDest = new Map((have?.destinations ?? []).map((d) => [d.destination, d]));
  const wantDest = new Set(want.destinations.map((d) => d.destination));
  if (prune) {
    for (const d of haveDest.keys()) {
      if (!wantDest.has(d)) steps.push({ op: 'remove-destination', trunk, destination: d });
    }
  }
  const newDest = want.destinations.filter((d) => !haveDest.has(d.destination));
  if (newDest.length > 0) steps.push({ op: 'add-destinations', trunk, destinations: newDest });
  for (const d of want.destinations) {
    const from = haveDest.get(d.destination);
    if (from !== undefined && (from.priority !== d.priority || from.weight !== d.weight)) {
      steps.push({ op: 'update-destination', trunk, destination: d, from });
    }
  }
  const haveSettings = have?.settings ?? {};
  if (prune) {
    for (const name of Object.keys(haveSettings)) {
      if (!Object.hasOwn(want.settings, name)) steps.push({ op: 'remove-setting', trunk, name });
    }
  }
  const changed = Object.fromEntries(Object.entries(want.settings).filter(([k, v]) => haveSettings[k] !== v));
  if (Object.keys(changed).length > 0) steps.push({ op: 'set-settings', trunk, settings: changed });
  return steps;
}

export function planConfig(want: AccountConfig, live: LiveTrunk[], prune: boolean): Step[] {
  const byName = new Map(live.map((t) => [t.name, t]));
  const steps = want.trunks.flatMap((t) => diffTrunk(t, byName.get(t.name), prune));
  if (prune) {
    const wanted = new Set(want.trunks.map((t) => t.name));
    for (const t of live) if (!wanted.has(t.name)) steps.push({ op: 'delete-trunk', trunk: t.name });
  }
  return steps;
}

/** One line per step, `+` add, `~` change, `-` remove, as a reviewer reads a diff. */
export function describeStep(s: Step): string {
  switch (s.op) {
    case 'create-trunk':
      return `+ trunk ${s.trunk}`;
    case 'update-trunk':
      return `~ trunk ${s.trunk}: ${s.text.join(', ')}`;
    case 'delete-trunk':
      return `- trunk ${s.trunk} (and everything under it)`;
    case 'add-numbers':
      return s.numbers
        .map((n) => `+ trunk ${s.trunk}: number ${n.number}${n.mode === 'pstn' ? '' : ` (${n.mode})`}`)
        .join('\n');
    case 'update-number':
      return `~ trunk ${s.trunk}: number ${s.number}: mode ${s.from} → ${s.mode}`;
    case 'remove-number':
      return `- trunk ${s.trunk}: number ${s.number}`;
    case 'add-ip':
      return `+ trunk ${s.trunk}: ip ${s.ip}`;
    case 'remove-ip':
      return `- trunk ${s.trunk}: ip ${s.ip}`;
    case 'add-destinations':
      return s.destinations
        .map((d) => `+ trunk ${s.trunk}: destination ${d.destination} (priority ${d.priority}, weight ${d.weight})`)
        .join('\n');
    case 'update-destination':
      return (
        `~ trunk ${s.trunk}: destination ${s.destination.destination}: priority ${s.from.priority} → ` +
        `${s.destination.priority}, weight ${s.from.weight} → ${s.destination.weight}`
      );
    case 'remove-destination':
      return `- trunk ${s.trunk}: destination ${s.destination}`;
    case 'set-settings':
      return Object.entries(s.settings)
        .map(([k, v]) => `~ trunk ${s.trunk}: setting ${k} = ${v}`)
        .join('\n');
    case 'remove-setting':
      return `- trunk ${s.trunk}: setting ${s.name}`;
  }
}
