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

async function* batches<T extends { id: number | string }>(fetch: (afterId: number | string, limit: number) => Promise<T[]>): AsyncGenerator<T[]> {
  let after: number | string = 0;
  for (;;) {
    const rows = await fetch(after, BATCH);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]!.id;
  }
}

export async function loadAllGatewayTrunks(ctx: StoreContext, snapshot: <T>(fn: (db: Db) => Promise<T>) => Promise<T>): Promise<GatewayTrunk[]> {
  return snapshot(async (db) => {
    const bySid = new Map<string, GatewayTrunk>();
    for await (const rows of batches((after, limit) =>
      db.selectFrom('trunks').select([...TRUNK_COLUMNS, 'id', 'sip_password_enc']).where('id', '>', after).orderBy('id').limit(limit).execute(),
    )) {
      for (const r of rows) bySid.set(r.sid, emptyGatewayTrunk(ctx, r));
    }
    await fillItems(db, bySid, undefined);
    return [...bySid.values()];
  });
}

export async function loadOneGatewayTrunk(ctx: StoreContext, snapshot: <T>(fn: (db: Db) => Promise<T>) => Promise<T>, trunkSid: string): Promise<GatewayTrunk | null> {
  return snapshot(async (db) => {
    const r = await db.selectFrom('trunks').select([...TRUNK_COLUMNS, 'sip_password_enc']).where('sid', '=', trunkSid).executeTakeFirst();
    if (!r) return null;
    const bySid = new Map([[r.sid, emptyGatewayTrunk(ctx, r)]]);
    await fillItems(db, bySid, trunkSid);
    return bySid.get(r.sid)!;
  });
}

function emptyGatewayTrunk(ctx: StoreContext, r: Parameters<typeof toTrunk>[0] & { sip_password_enc: string }): GatewayTrunk {
  return {
    trunk: toTrunk(r),
    sipPassword: ctx.box.decrypt(r.sip_password_enc, r.sid),
    numbers: [],
    ips: [],
    destinations: [],
    settings: {},
  };
}

/** Reads numbers, IPs, destinations and settings (of one trunk, or all) into the map. */
async function fillItems(db: Db, bySid: Map<string, GatewayTrunk>, only: string | undefined): Promise<void> {
  for await (const rows of batches((after, limit) => {
    let q = db.selectFrom('phone_numbers').select(['id', 'trunk_sid', 'phone_number']).where('id', '>', after);
    if (only) q = q.where('trunk_sid', '=', only);
    return q.orderBy('id').limit(limit).execute();
  })) {
    for (const r of rows) bySid.get(r.trunk_sid)?.numbers.push(r.phone_number);
  }
  for await (const rows of batches((after, limit) => {
    let q = db.selectFrom('whitelisted_ips').select(['id', 'trunk_sid', 'ip', 'mask']).where('id', '>', after);
    if (only) q = q.where('trunk_sid', '=', only);
    return q.orderBy('id').limit(limit).execute();
  })) {
    for (const r of rows) bySid.get(r.trunk_sid)?.ips.push({ ip: r.ip, mask: Number(r.mask) });
  }
  for await (const rows of batches((after, limit) => {
    let q = db.selectFrom('destination_uris').selectAll().where('id', '>', after);
    if (only) q = q.where('trunk_sid', '=', only);
    return q.orderBy('id').limit(limit).execute();
  })) {
    for (const r of rows) bySid.get(r.trunk_sid)?.destinations.push(toDestinationUri(r));
  }
  // Settings are few per trunk and have no serial id: one query.
  let sq = db.selectFrom('trunk_settings').select(['trunk_sid', 'name', 'value']);
  if (only) sq = sq.where('trunk_sid', '=', only);
  for (const r of await sq.execute()) {
    const t = bySid.get(r.trunk_sid);
    if (t) t.settings[r.name] = r.value;
  }
}
