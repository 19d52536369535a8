/**
 * An acknowledged write survives the process being killed with SIGKILL (WAL +
 * synchronous=NORMAL: the commit has reached the OS before it is acknowledged).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore } from '../../src/store/open-store.js';

test('SQLite: writes acknowledged before kill -9 are there after restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-kill-'));
  const mod = new URL('../../src/store/open-store.js', import.meta.url).href;
  // The child writes in a loop and prints each trunk SID once its write has resolved.
  const script = `
    const { openStore } = await import(${JSON.stringify(mod)});
    const s = await openStore({ dataDir: ${JSON.stringify(dataDir)} });
    const { accountSid } = await s.createAccount('k');
    console.log('account ' + accountSid);
    for (let i = 0; ; i++) {
      const t = await s.createTrunk({ accountSid, name: 't' + i, nsoCode: 'X', domainName: 'd' });
      await s.addPhoneNumber(accountSid, t.sid, '+1415' + String(i).padStart(7, '0'), 'pstn');
      console.log('trunk ' + t.sid);
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let accountSid = '';
  const acked: string[] = [];
  try {
    for await (const line of createInterface({ input: child.stdout! })) {
      const [what, id] = line.split(' ') as [string, string];
      if (what === 'account') accountSid = id;
      else acked.push(id);
      if (acked.length >= 50) {
        child.kill('SIGKILL');
        break;
      }
    }
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    assert.equal(child.signalCode, 'SIGKILL');
    const store = await openStore({ dataDir });
    try {
      for (const sid of acked) {
        assert.equal((await store.getTrunk(accountSid, sid))?.sid, sid);
        assert.equal((await store.listPhoneNumbers(accountSid, sid, { offset: 0, limit: 5 })).total, 1);
      }
    } finally {
      await store.close();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
