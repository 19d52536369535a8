/**
 * Builds the gateway's in-memory view of every trunk. At 100k trunks / 1M numbers this must not
 * be N+1: each table is read in keyset-paged batches (`id > last ORDER BY id LIMIT n`, an index
 * range scan, constant memory per batch on the driver side) and grouped by trunk in a Map.
 * All batches run inside one read snapshot so the result is consistent.
 */
import type { Kysely } from 'kysely';
import { toDestinationUri, toTrunk } from './row-mappers.js';
import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';
import { TRUNK_COLUMNS } from './trunks-repo.js';
import type { GatewayTrunk } from './types.js';

const BATCH = 20_000;

type Db = Kysely<Database>;

async function* batches<T extends { id: number | string }>(
  fetch: (afterId: number | string, limit: number) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let after: number | string = 0;
  for (;;) {
    const rows = await fetch(after, BATCH);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]!.id;
  }
}

export async function loadAllGatewayTrunks(
  ctx: StoreContext,
  snapshot: <T>(fn: (db: Db) => Promise<T>) => Promise<T>,
): Promise<GatewayTrunk[]> {
  return snapshot(async (db) => {
    const bySid = new Map<string, GatewayTrunk>();
    for await (const rows of batches((after, limit) =>
      db
        .selectFrom('trunks')
        .select([...TRUNK_COLUMNS, 'id', 'sip_password_enc'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute(),
    )) {
      for (const r of rows) bySid.set(r.sid, emptyGatewayTrunk(ctx, r));
    }
    await fillItems(db, bySid);
    await markSuspended(db, bySid);
    return [...bySid.values()];
  });
}

export async function loadOneGatewayTrunk(
  ctx: StoreContext,
  snapshot: <T>(fn: (db: Db) => Promise<T>) => Promise<T>,
  trunkSid: string,
): Promise<GatewayTrunk | null> {
  return snapshot(async (db) => {
    const r = await db
      .selectFrom('trunks')
      .select([...TRUNK_COLUMNS, 'sip_password_enc'])
      .where('sid', '=', trunkSid)
      .executeTakeFirst();
    if (!r) return null;
    const g = emptyGatewayTrunk(ctx, r);
    await fillOne(db, g);
    const account = await db
      .selectFrom('accounts')
      .select('status')
      .where('sid', '=', r.account_sid)
      .executeTakeFirst();
    // Only set when true, as loadAllGatewayTrunks does: both load the same shape.
    if (account?.status === 'suspended') g.accountSuspended = true;
    return g;
  });
}

function emptyGatewayTrunk(
  ctx: StoreContext,
  r: Parameters<typeof toTrunk>[0] & { sip_password_enc: string },
): GatewayTrunk {
  return {
    trunk: toTrunk(r),
    sipPassword: ctx.box.decrypt(r.sip_password_enc, r.sid),
    numbers: [],
    flowNumbers: [],
    ips: [],
    destinations: [],
    settings: {},
  };
}

/** Suspended accounts are few: one query, then a flag on each of their trunks. */
async function markSuspended(db: Db, bySid: Map<string, GatewayTrunk>): Promise<void> {
  const rows = await db.selectFrom('accounts').select('sid').where('status', '=', 'suspended').execute();
  if (rows.length === 0) return;
  const suspended = new Set(rows.map((r) => r.sid));
  for (const g of bySid.values()) if (suspended.has(g.trunk.accountSid)) g.accountSuspended = true;
}

/** Reads every trunk's numbers, IPs, destinations and settings into the map, in id batches. */
async function fillItems(db: Db, bySid: Map<string, GatewayTrunk>): Promise<void> {
  for await (const rows of batches((after, limit) =>
    db
      .selectFrom('phone_numbers')
      .select(['id', 'trunk_sid', 'phone_number', 'mode'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit)
      .execute(),
  )) {
    for (const r of rows) {
      const g = bySid.get(r.trunk_sid);
      g?.numbers.push(r.phone_number);
      if (r.mode === 'flow') g?.flowNumbers?.push(r.phone_number);
    }
  }
  for await (const rows of batches((after, limit) =>
    db
      .selectFrom('whitelisted_ips')
      .select(['id', 'trunk_sid', 'ip', 'mask'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit)
      .execute(),
  )) {
    for (const r of rows) bySid.get(r.trunk_sid)?.ips.push({ ip: r.ip, mask: Number(r.mask) });
  }
  for await (const rows of batches((after, limit) =>
    db.selectFrom('destination_uris').selectAll().where('id', '>', after).orderBy('id').limit(limit).execute(),
  )) {
    for (const r of rows) bySid.get(r.trunk_sid)?.destinations.push(toDestinationUri(r));
  }
  // Settings are few per trunk and have no serial id: one query.
  for (const r of await db.selectFrom('trunk_settings').select(['trunk_sid', 'name', 'value']).execute()) {
    const t = bySid.get(r.trunk_sid);
    if (t) t.settings[r.name] = r.value;
  }
}

/**
 * One trunk's items: plain look-ups by trunk_sid (each table has an index leading with it).
 * Not the batched scan above: `id > ? ORDER BY id` would walk the primary key past every
 * other trunk's rows.
 */
async function fillOne(db: Db, g: GatewayTrunk): Promise<void> {
  const sid = g.trunk.sid;
  const numbers = await db
    .selectFrom('phone_numbers')
    .select(['phone_number', 'mode'])
    .where('trunk_sid', '=', sid)
    .orderBy('id')
    .execute();
  g.numbers = numbers.map((r) => r.phone_number);
  g.flowNumbers = numbers.filter((r) => r.mode === 'flow').map((r) => r.phone_number);
  const ips = await db
    .selectFrom('whitelisted_ips')
    .select(['ip', 'mask'])
    .where('trunk_sid', '=', sid)
    .orderBy('id')
    .execute();
  g.ips = ips.map((r) => ({ ip: r.ip, mask: Number(r.mask) }));
  const dests = await db
    .selectFrom('destination_uris')
    .selectAll()
    .where('trunk_sid', '=', sid)
    .orderBy('id')
    .execute();
  g.destinations = dests.map(toDestinationUri);
  for (const r of await db
    .selectFrom('trunk_settings')
    .select(['name', 'value'])
    .where('trunk_sid', '=', sid)
    .execute())
    g.settings[r.name] = r.value;
}
