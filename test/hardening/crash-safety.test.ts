/**
 * Crash safety: `kill -9` of `vsip serve` in the middle of a stream of concurrent API
 * writes loses no write that was acknowledged, on SQLite and on PostgreSQL, and the restarted
 * process serves the same configuration.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres } from '../support/postgres.js';
import type { VsipClient } from '../../src/client/index.js';
import { createAccountCli, serveClient, startServe, tempDir } from '../support/serve-process.js';

const WRITERS = 8;
/** Kill once this many writes have been acknowledged; writes keep flowing until the kill. */
const KILL_AFTER_ACKS = 150;

async function listAllNumbers(api: VsipClient, trunkSid: string): Promise<Set<string>> {
  const found = new Set<string>();
  for await (const item of api.phoneNumbers.iterate(trunkSid, { pageSize: 100 })) found.add(item.phone_number);
  return found;
}

async function crashDuringWrites(storeArgs: string[], env: Record<string, string>): Promise<void> {
  const dataDir = tempDir();
  const account = createAccountCli(dataDir, { ...env, ...(storeArgs[1] ? { VSIP_DATABASE_URL: storeArgs[1] } : {}) });
  const first = await startServe({ dataDir, args: [...storeArgs, '--role', 'api', '--rate-limit', '0'], env });
  const api = serveClient(first, account);
  const { trunk_sid: trunkSid } = await api.trunks.create({
    trunk_name: 'crash_test',
    nso_code: 'ANY-ANY',
    domain_name: `${account.account_sid}.pstn.exotel.com`,
  });

  const acknowledged: string[] = [];
  let killed = false;
  let next = 0;
  const writer = async (): Promise<void> => {
    while (!killed) {
      const number = `+9198${String(10_000_000 + next++).padStart(8, '0')}`;
      try {
        await api.phoneNumbers.add(trunkSid, { phone_number: number });
        acknowledged.push(number);
      } catch (err) {
        // Before the kill any failure is one; after it, the connection reset: never acknowledged.
        if (!killed) throw err;
      }
      if (acknowledged.length >= KILL_AFTER_ACKS && !killed) {
        killed = true;
        await first.kill();
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  assert.ok(acknowledged.length >= KILL_AFTER_ACKS);

  const second = await startServe({ dataDir, args: [...storeArgs, '--role', 'api'], env });
  try {
    const stored = await listAllNumbers(serveClient(second, account), trunkSid);
    const lost = acknowledged.filter((n) => !stored.has(n));
    assert.deepEqual(lost, [], `acknowledged writes lost after kill -9: ${lost.length} of ${acknowledged.length}`);
  } finally {
    await second.stop();
  }
}

test('SQLite: kill -9 during concurrent writes loses no acknowledged write', async () => {
  await crashDuringWrites([], {});
});

test('PostgreSQL: kill -9 during concurrent writes loses no acknowledged write', async () => {
  const pg = await startPostgres();
  after(() => pg.stop());
  const url = await pg.newDatabase();
  await crashDuringWrites(['--database-url', url], { VSIP_SECRET_KEY: 'cd'.repeat(32) });
});
