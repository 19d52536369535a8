import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { VsipClient } from '../../src/client/index.js';
import {
  CLI,
  createAccountCli,
  serveClient,
  startServe,
  tempDir,
  type ServeProcess,
} from '../support/serve-process.js';
import { startPostgres } from '../support/postgres.js';

const run = promisify(execFile);

/** `vsip <args>`: resolves with stdout, or rejects with the exit code and stderr. */
function vsip(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

async function refusal(args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    await vsip(args, env);
  } catch (err) {
    const e = err as { code: number; stderr: string };
    assert.equal(e.code, 1, e.stderr);
    return e.stderr;
  }
  throw new Error(`vsip ${args.join(' ')} succeeded; a refusal was expected`);
}

/** Everything an account configured, as the API shows it, credentials included. */
async function snapshot(api: VsipClient, only?: Set<string>) {
  const out: Record<string, unknown> = {};
  for await (const trunk of api.trunks.iterate()) {
    if (only && !only.has(trunk.trunk_sid)) continue;
    const sid = trunk.trunk_sid;
    const all = async <T>(it: AsyncIterable<T>) => {
      const items: T[] = [];
      for await (const i of it) items.push(i);
      return items;
    };
    out[sid] = {
      trunk,
      numbers: await all(api.phoneNumbers.iterate(sid)),
      ips: await all(api.whitelistedIps.iterate(sid)),
      destinations: await all(api.destinationUris.iterate(sid)),
      settings: await api.settings.list(sid),
      credentials: await api.credentials.get(sid),
    };
  }
  return out;
}

describe('vsip backup / vsip restore (SQLite)', () => {
  const servers: ServeProcess[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
  });

  test('a backup taken under concurrent writes restores into an empty data dir with everything back', async () => {
    const source = tempDir();
    const account = createAccountCli(source);
    // No API rate limit: the writer below makes far more than 200 requests a minute.
    const live = await startServe({ dataDir: source, args: ['--rate-limit', '0'] });
    servers.push(live);
    const api = serveClient(live, account);
    const made = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const t = await api.trunks.create({ trunk_name: `backup_trunk_${i}` });
      made.add(t.trunk_sid);
      await api.phoneNumbers.add(t.trunk_sid, { phone_number: `+9180000000${i}0` });
      await api.phoneNumbers.add(t.trunk_sid, { phone_number: `+9180000000${i}1` });
      await api.whitelistedIps.add(t.trunk_sid, { ip: `198.51.100.${i + 1}`, mask: 32 });
      await api.destinationUris.add(t.trunk_sid, [
        { destination: `203.0.113.${i + 1}:5060;transport=tcp`, priority: 1 },
        { destination: `203.0.113.${i + 1}:5061;transport=tls`, priority: 2 },
      ]);
      await api.settings.setAlias(t.trunk_sid, `+9180000000${i}0`);
      if (i === 0) await api.credentials.rotate(t.trunk_sid);
    }
    const before = await snapshot(api, made);

    // A writer that keeps creating trunks with a number each while the backups run.
    let writing = true;
    let written = 0;
    const writer: Promise<void> = (async () => {
      while (writing) {
        const t = await api.trunks.create({ trunk_name: `busy_${written}` });
        await api.phoneNumbers.add(t.trunk_sid, { phone_number: `+9190000${String(written).padStart(5, '0')}` });
        written++;
      }
    })();
    const backups = tempDir();
    const file = join(backups, 'vsip.db');
    try {
      // The writer is under way before the first copy starts.
      while (written < 2) await new Promise((r) => setTimeout(r, 5));
      for (let i = 0; i < 3; i++) {
        const { stdout } = await vsip(['backup', file, '--data-dir', source]);
        assert.match(stdout, /backup written: .*vsip\.db \(\d+ bytes; 1 accounts, \d+ trunks/);
        assert.match(stdout, /secret key: .*vsip\.db\.key/);
      }
    } finally {
      writing = false;
      await writer;
    }
    assert.equal(statSync(`${file}.key`).mode & 0o777, 0o600);
    assert.equal(readFileSync(`${file}.key`, 'utf8'), readFileSync(join(source, 'secret.key'), 'utf8'));

    const target = tempDir();
    const { stdout } = await vsip(['restore', file, '--data-dir', target]);
    assert.match(stdout, /restored into .*: 1 accounts, \d+ trunks/);
    const restored = await startServe({ dataDir: target, args: ['--rate-limit', '0'] });
    servers.push(restored);
    const back = serveClient(restored, account);
    assert.deepEqual(await snapshot(back, made), before);
    // The busy trunks the copy caught are whole: each has its number (one committed state, never torn).
    let busy = 0;
    for await (const t of back.trunks.iterate()) {
      if (!t.trunk_name.startsWith('busy_')) continue;
      busy++;
      assert.ok((await back.phoneNumbers.list(t.trunk_sid)).items.length <= 1);
    }
    assert.ok(busy <= written, `${busy} busy trunks restored, ${written} written`);
  });

  test('restore refuses a data dir that has a store, and a backup without its key, saying what to copy', async () => {
    const source = tempDir();
    createAccountCli(source);
    const backups = tempDir();
    const file = join(backups, 'copy.db');
    // Backup with no server running works too.
    await vsip(['backup', file, '--data-dir', source]);

    const occupied = tempDir();
    createAccountCli(occupied);
    assert.match(await refusal(['restore', file, '--data-dir', occupied]), /vsip\.db exists: stop vsip and move/);

    renameSync(`${file}.key`, join(backups, 'kept-elsewhere.key'));
    const empty = tempDir();
    const stderr = await refusal(['restore', file, '--data-dir', empty]);
    assert.match(stderr, /copy the secret\.key of the data dir it was made from to .*secret\.key/);
    assert.ok(!existsSync(join(empty, 'vsip.db')), 'nothing restored without a key');

    // With the key named explicitly it works.
    await vsip(['restore', file, '--data-dir', empty, '--key-file', join(backups, 'kept-elsewhere.key')]);
    assert.ok(existsSync(join(empty, 'vsip.db')));
  });

  test('a wrong key is caught before the restore is kept: no half-restored data dir', async () => {
    const source = tempDir();
    const account = createAccountCli(source);
    const live = await startServe({ dataDir: source });
    servers.push(live);
    await serveClient(live, account).trunks.create({ trunk_name: 'needs_its_key' });
    const file = join(tempDir(), 'vsip.db');
    await vsip(['backup', file, '--data-dir', source]);
    writeFileSync(`${file}.key`, `${'ab'.repeat(32)}\n`);
    const target = tempDir();
    const stderr = await refusal(['restore', file, '--data-dir', target]);
    assert.match(stderr, /the key does not decrypt this backup's SIP passwords/);
    assert.ok(!existsSync(join(target, 'vsip.db')));
    assert.ok(!existsSync(join(target, 'secret.key')));
  });

  test('VSIP_SECRET_KEY stores: no key file is written, restore needs the same variable', async () => {
    const key = 'cd'.repeat(32);
    const source = tempDir();
    const account = createAccountCli(source, { VSIP_SECRET_KEY: key });
    const live = await startServe({ dataDir: source, env: { VSIP_SECRET_KEY: key } });
    servers.push(live);
    await serveClient(live, account).trunks.create({ trunk_name: 'env_key' });
    const file = join(tempDir(), 'vsip.db');
    const { stdout } = await vsip(['backup', file, '--data-dir', source], { VSIP_SECRET_KEY: key });
    assert.match(stdout, /not copied \(it comes from VSIP_SECRET_KEY\)/);
    assert.ok(!existsSync(`${file}.key`));
    const target = tempDir();
    await refusal(['restore', file, '--data-dir', target]);
    await vsip(['restore', file, '--data-dir', target], { VSIP_SECRET_KEY: key });
  });

  test('JSON backups: SQLite → PostgreSQL (other key) → SQLite, all back; SQLite files refused on PG', async () => {
    const pg = await startPostgres();
    try {
      const source = tempDir();
      const account = createAccountCli(source);
      const live = await startServe({ dataDir: source });
      servers.push(live);
      const api = serveClient(live, account);
      const t = await api.trunks.create({ trunk_name: 'json_trunk' });
      await api.phoneNumbers.add(t.trunk_sid, { phone_number: '+918000000777' });
      await api.whitelistedIps.add(t.trunk_sid, { ip: '198.51.100.77', mask: 32 });
      await api.destinationUris.add(t.trunk_sid, [{ destination: '203.0.113.77:5061;transport=tls', priority: 1 }]);
      await api.settings.setAlias(t.trunk_sid, '+918000000777');
      const before = await snapshot(api);

      const file = join(tempDir(), 'config.json');
      const made = await vsip(['backup', file, '--format', 'json', '--data-dir', source]);
      assert.match(made.stdout, /backup written: .*config\.json \(\d+ bytes; 1 accounts, 1 trunks, 1 phone numbers/);
      assert.match(made.stdout, /configuration only/);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(`${file}.key`).mode & 0o777, 0o600);

      // Into PostgreSQL, whose nodes share another key: every secret is sealed again with it.
      const url = await pg.newDatabase();
      const pgKey = { VSIP_SECRET_KEY: 'ef'.repeat(32) };
      const pgDir = tempDir();
      const restored = await vsip(['restore', file, '--database-url', url, '--data-dir', pgDir], pgKey);
      assert.match(restored.stdout, /restored into the PostgreSQL store: 1 accounts/);
      const onPg = await startServe({ dataDir: pgDir, args: ['--database-url', url], env: pgKey });
      servers.push(onPg);
      assert.deepEqual(await snapshot(serveClient(onPg, account)), before, 'same token, same items, same password');
      const twice = await refusal(['restore', file, '--database-url', url, '--data-dir', pgDir], pgKey);
      assert.match(twice, /already has accounts: restore into an empty one/);
      const sqliteFile = join(tempDir(), 'vsip.db');
      await vsip(['backup', sqliteFile, '--data-dir', source]);
      assert.match(
        await refusal(['restore', sqliteFile, '--database-url', url, '--data-dir', pgDir], pgKey),
        /is an SQLite backup/,
      );

      // And back: on PostgreSQL JSON is the default; no key file, since the key is VSIP_SECRET_KEY.
      const fromPg = join(tempDir(), 'from-pg.json');
      const out = await vsip(['backup', fromPg, '--database-url', url, '--data-dir', pgDir], pgKey);
      assert.match(out.stdout, /pg_dump/);
      assert.ok(!existsSync(`${fromPg}.key`));
      const target = tempDir();
      assert.match(await refusal(['restore', fromPg, '--data-dir', target]), /no key for this backup's secrets/);
      await vsip(['restore', fromPg, '--data-dir', target, '--key-file', writeKey(pgKey.VSIP_SECRET_KEY)]);
      const back = await startServe({ dataDir: target });
      servers.push(back);
      assert.deepEqual(await snapshot(serveClient(back, account)), before);
    } finally {
      await pg.stop();
    }
  });

  test('a file that is not a vsip store is refused, not restored', async () => {
    const file = join(tempDir(), 'junk.db');
    writeFileSync(file, 'not a database');
    const stderr = await refusal(['restore', file, '--data-dir', tempDir()]);
    assert.match(stderr, /is not a (SQLite database|readable vsip store)/);
  });
});

function writeKey(hex: string): string {
  const file = join(tempDir(), 'pg.key');
  writeFileSync(file, `${hex}\n`, { mode: 0o600 });
  return file;
}
