import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import {
  EXPORTED_TABLES,
  NOT_EXPORTED_TABLES,
  exportConfig,
  importConfig,
  parseConfigBackup,
  type ConfigBackup,
} from '../../src/store/config-backup.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { SecretBox } from '../../src/store/secrets/secret-box.js';
import { carrierInput } from './operator-fixtures.js';
import { makeFixture, type Fixture } from './store-fixtures.js';

let sqlite: Fixture;
let postgres: Fixture;
before(async () => {
  [sqlite, postgres] = await Promise.all([makeFixture('sqlite'), makeFixture('postgres')]);
});
after(async () => {
  await Promise.all([sqlite?.cleanup(), postgres?.cleanup()]);
});

const boxOf = (hexKey: string) => new SecretBox(Buffer.from(hexKey, 'hex'));

/** One of everything a configuration backup carries; what the test checks afterwards. */
async function populate(store: KyselyStore) {
  const acct = await store.createAccount('acme');
  const a = acct.accountSid;
  const trunk = await store.createTrunk({ accountSid: a, name: 'main', nsoCode: 'ANY-ANY', domainName: 'pbx.example' });
  const sipPassword = await store.getSipPassword(a, trunk.sid);
  const number = await store.addPhoneNumber(a, trunk.sid, '+919800000001', 'pstn');
  await store.addWhitelistedIp(a, trunk.sid, '203.0.113.10', 32);
  await store.addDestinationUri(a, trunk.sid, {
    destination: 'sip:pbx.example:5061;transport=tls',
    host: 'pbx.example',
    port: 5061,
    transport: 'tls',
    priority: 1,
    weight: 10,
  });
  await store.setSetting(a, trunk.sid, 'codecs', 'PCMA');
  await store.updateAccountSettings(a, { cdrRetentionDays: 30 });
  const operator = await store.createOperatorToken('ops');
  const carrier = await store.createCarrier(carrierInput('alpha'));
  await store.createCarrierRoute({ prefix: '91', carriers: [{ carrierSid: carrier.sid, priority: 1, weight: 1 }] });
  const hook = await store.webhooks.createWebhook({
    accountSid: a,
    trunkSid: null,
    url: 'https://hooks.example/x',
    events: ['*'],
  });
  const carrierPassword = (await store.loadCarrierPlan()).carriers.get(carrier.sid)?.credentials?.password;
  return { acct, trunk, sipPassword, number, operator, carrier, carrierPassword, hook };
}

type Populated = Awaited<ReturnType<typeof populate>>;

/** Everything `populate` made is in `store`, credentials working, secrets readable with its key. */
async function assertRestored(store: KyselyStore, p: Populated, newNumber: string): Promise<void> {
  const a = p.acct.accountSid;
  assert.equal((await store.authenticate(p.acct.apiKey, p.acct.apiToken))?.sid, a, 'the API token still works');
  assert.ok(await store.authenticateOperator(p.operator.secret), 'the operator token still works');
  assert.equal(await store.getSipPassword(a, p.trunk.sid), p.sipPassword);
  assert.equal((await store.getPhoneNumber(a, p.trunk.sid, p.number.id))?.phoneNumber, '+919800000001', 'same id');
  assert.equal((await store.listWhitelistedIps(a, p.trunk.sid, { offset: 0, limit: 10 })).items.length, 1);
  assert.equal((await store.listDestinationUris(a, p.trunk.sid, { offset: 0, limit: 10 })).items[0]?.port, 5061);
  assert.deepEqual(
    (await store.listSettings(a, p.trunk.sid)).map((s) => [s.name, s.value]),
    [['codecs', 'PCMA']],
  );
  assert.equal((await store.getAccountSettings(a)).cdrRetentionDays, 30);
  const plan = await store.loadCarrierPlan();
  assert.equal(plan.carriers.get(p.carrier.sid)?.credentials?.password, p.carrierPassword);
  assert.equal(plan.routes.length, 1);
  assert.equal((await store.webhooks.getWebhook(a, p.hook.webhook.sid))?.url, 'https://hooks.example/x');
  await store.webhooks.enqueueEvents(
    [
      {
        id: 'ev1',
        type: 'trunk.updated',
        accountSid: a,
        trunkSid: null,
        createdAt: new Date(0).toISOString(),
        data: {},
      },
    ],
    1,
  );
  const [delivery] = await store.webhooks.claimDueDeliveries(2, 10, 1000);
  assert.equal(delivery?.secret, p.hook.secret, 'the webhook signs with the same secret');
  // New rows after a restore get fresh ids (PostgreSQL sequences moved past the restored ones).
  const second = await store.addPhoneNumber(a, p.trunk.sid, newNumber, 'pstn');
  assert.notEqual(second.id, p.number.id);
}

test('SQLite → JSON → PostgreSQL (another key) → JSON → SQLite: every credential and item comes back', async () => {
  const from = await sqlite.fresh();
  const p = await populate(from.store);
  const doc = parseConfigBackup(JSON.stringify(await exportConfig(from.store)));
  const dump = JSON.stringify(doc);
  for (const secret of [p.sipPassword, p.carrierPassword, p.hook.secret, p.acct.apiToken, p.operator.secret]) {
    assert.ok(secret !== undefined && !dump.includes(secret), 'no secret in clear in the backup');
  }

  const pg = await postgres.fresh();
  const counts = await importConfig(pg.store, doc, { from: boxOf(from.secretKey), to: boxOf(pg.secretKey) });
  assert.equal(counts.trunks, 1);
  assert.equal(counts.webhooks, 1);
  await assertRestored(pg.store, p, '+919800000002');

  const back = await sqlite.fresh();
  const again = parseConfigBackup(JSON.stringify(await exportConfig(pg.store)));
  await importConfig(back.store, again, { from: boxOf(pg.secretKey), to: boxOf(back.secretKey) });
  // The second restore holds the number added by the first assertRestored as well.
  const numbers = await back.store.listPhoneNumbers(p.acct.accountSid, p.trunk.sid, { offset: 0, limit: 10 });
  assert.equal(numbers.items.length, 2);
  await assertRestored(back.store, p, '+919800000003');
});

test('a wrong key, a changed secret, a non-empty target or a newer schema is refused; nothing written', async () => {
  const from = await sqlite.fresh();
  await populate(from.store);
  const doc = await exportConfig(from.store);
  const target = await postgres.fresh();
  const keys = { from: boxOf(randomBytes(32).toString('hex')), to: boxOf(target.secretKey) };
  await assert.rejects(importConfig(target.store, doc, keys), /does not decrypt with the backup's key/);

  const tampered: ConfigBackup = structuredClone(doc);
  const row = tampered.tables.trunks[0] as { sip_password_enc: string };
  row.sip_password_enc = `${row.sip_password_enc.slice(0, -4)}AAA=`;
  await assert.rejects(
    importConfig(target.store, tampered, { from: boxOf(from.secretKey), to: boxOf(target.secretKey) }),
    /trunks tr\w*: sip_password_enc does not decrypt/,
  );
  assert.equal(await target.store.countAccounts(), 0, 'nothing written');

  await target.store.createAccount('already-here');
  await assert.rejects(
    importConfig(target.store, doc, { from: boxOf(from.secretKey), to: boxOf(target.secretKey) }),
    /already has accounts: restore into an empty one/,
  );
  assert.equal(await target.store.countAccounts(), 1);

  assert.throws(() => parseConfigBackup('{"format":"vsip-config-backup","schema":"9999-future","tables":{}}'), /newer/);
  assert.throws(() => parseConfigBackup('[1,2]'), /not a vsip configuration backup/);
  assert.throws(() => parseConfigBackup('{"format":"vsip-config'), /not a JSON configuration backup/);
  const badRows = JSON.stringify({ ...doc, tables: { ...doc.tables, trunks: 'x' } });
  assert.throws(() => parseConfigBackup(badRows), /"tables.trunks" must be an array of row objects/);
});

test('every table of the schema is either in the backup or left out on purpose', async () => {
  const f = await sqlite.fresh();
  const tables = await sql<{ name: string }>`
    select name from sqlite_master
    where type = 'table' and name not like 'sqlite_%' and name not like 'vsip_migration%'`
    .execute(f.store.db)
    .then((r) => r.rows.map((t) => t.name).sort());
  const known = [...EXPORTED_TABLES, ...NOT_EXPORTED_TABLES].sort();
  assert.deepEqual(tables, known, 'a new table must be added to EXPORTED_TABLES or NOT_EXPORTED_TABLES');
});
