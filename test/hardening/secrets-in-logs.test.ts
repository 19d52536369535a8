/**
 * Secrets: a real `vsip serve` at log level trace goes through a scripted session —
 * create a trunk, read and rotate its SIP credentials, rotate the API token, fail logins with
 * wrong and old tokens, REGISTER with digest (and with a stale password) — and then every byte
 * the process wrote is searched for every API token and SIP password used, and the SQLite
 * database, WAL and shared-memory files are searched for them in plaintext. None may appear.
 *
 * The account is created with `vsip accounts create` before the server starts, so the first-start
 * banner (which shows a token once, by design) never prints; nothing is excluded from the scan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { answerChallenge } from '../../src/sip/auth/index.js';
import { VsipApiError } from '../../src/client/index.js';
import { CLI, createAccountCli, serveClient, startServe, tempDir, type AccountJson } from '../support/serve-process.js';
import { UdpProbe } from '../support/sip-probe.js';
import { header, request, statusOf } from '../support/sip-message.js';

test('no API token or SIP password reaches the logs or the database in plaintext', async () => {
  const dataDir = tempDir('vsip-secrets-');
  const first = createAccountCli(dataDir);
  // A low API rate limit, so that failed logins also go through the 429 path.
  const v = await startServe({ dataDir, args: ['--rate-limit', '5'], env: { VSIP_LOG_LEVEL: 'trace' } });
  const secrets = new Map<string, string>();
  const remember = (label: string, value: string) => {
    assert.ok(value.length >= 16, `${label} looks too short to be a real secret: ${value.length}`);
    secrets.set(label, value);
  };
  remember('first API token', first.api_token);
  secrets.set('first Basic credentials', Buffer.from(`${first.api_key}:${first.api_token}`).toString('base64'));
  // The database files, WAL and shared memory included, hold no secret in plaintext.
  const scanned = new Set<string>();
  const scanDatabase = (when: string): void => {
    const dbFiles = readdirSync(dataDir).filter((f) => /\.(db|sqlite|sqlite3)(-wal|-shm|-journal)?$/.test(f));
    assert.ok(dbFiles.length > 0, `no database file in ${readdirSync(dataDir).join(', ')}`);
    // Positive control: what is stored in clear (the account SID) is found by the same scan.
    assert.ok(
      dbFiles.some((file) => readFileSync(join(dataDir, file)).includes(Buffer.from(first.account_sid))),
      'the scan sees plaintext at all',
    );
    for (const file of dbFiles) {
      scanned.add(file);
      const bytes = readFileSync(join(dataDir, file));
      const found = [...secrets]
        .filter(
          ([label, value]) =>
            !label.includes('Basic') &&
            (bytes.includes(Buffer.from(value, 'utf8')) || bytes.includes(Buffer.from(value, 'utf16le'))),
        )
        .map(([label]) => label);
      assert.deepEqual(found, [], `plaintext secrets in ${file} (${when})`);
    }
  };
  // The SDK without its 429 retries: each request below is made once, and its status is the answer.
  const sdk = (account: AccountJson) => serveClient(v, account, { rateLimitRetries: 0 });
  const statusOfList = async (account: AccountJson): Promise<number> => {
    try {
      await sdk(account).trunks.list();
      return 200;
    } catch (err) {
      if (err instanceof VsipApiError && err.httpStatus !== 0) return err.httpStatus;
      throw err;
    }
  };
  let stopped = false;
  try {
    const domain = `${first.account_sid}.pstn.exotel.com`;
    const api = sdk(first);
    const { trunk_sid: trunkSid } = await api.trunks.create({
      trunk_name: 'secret_test',
      nso_code: 'ANY-ANY',
      domain_name: domain,
      auth_type: 'credentials',
      registration_enabled: true,
    });

    const creds = await api.credentials.get(trunkSid);
    assert.equal(creds.username, trunkSid);
    const oldPassword = creds.password;
    remember('first SIP password', oldPassword);
    const { password } = await api.credentials.rotate(trunkSid);
    assert.notEqual(password, oldPassword);
    remember('rotated SIP password', password);

    // Rotate the API token (CLI against the same store, as an operator would).
    const out = execFileSync(
      process.execPath,
      [CLI, 'accounts', 'rotate-token', first.account_sid, '--json', '--data-dir', dataDir],
      { encoding: 'utf8' },
    );
    const second = JSON.parse(out) as AccountJson;
    remember('rotated API token', second.api_token);
    const rotatedAt = Date.now();
    secrets.set('rotated Basic credentials', Buffer.from(`${second.api_key}:${second.api_token}`).toString('base64'));
    await sdk(second).trunks.list();

    // Another process's rotation reaches this server through the SQLite change feed (polled every
    // 25 ms) and drops the cached success long before its 5 s TTL would.
    await new Promise((r) => setTimeout(r, Math.max(0, rotatedAt + 300 - Date.now())));
    // Failed logins: the old token, guesses, until the per-IP failure budget answers 429.
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const wrong = {
        ...first,
        api_token: i === 0 ? first.api_token : `${second.api_token.slice(0, -4)}${String(1000 + i)}`,
      };
      statuses.push(await statusOfList(wrong));
    }
    assert.equal(statuses[0], 401, 'the old token no longer works');
    assert.ok(statuses.includes(429), `repeated failures end in 429: ${statuses.join(',')}`);

    // SIP REGISTER with digest on the access side over UDP: a stale password, then the right one.
    const udp = v.sip.find((s) => s.side === 'access' && s.protocol === 'udp');
    assert.ok(udp);
    const to = { address: '127.0.0.1', port: udp.port };
    const probe = await UdpProbe.open();
    try {
      const uri = `sip:${domain}`;
      const aor = `<sip:${trunkSid}@${domain}>`;
      const callId = `reg-${Date.now()}@127.0.0.1`;
      const register = (cseq: number, extra: string[] = []) =>
        request({
          method: 'REGISTER',
          uri,
          from: aor,
          to: aor,
          viaPort: probe.port,
          callId,
          cseq,
          extra: ['Expires: 60', ...extra],
        });
      const authorized = async (cseq: number, pw: string) => {
        const challenge = await probe.exchange(register(cseq), to, 2000);
        assert.equal(statusOf(challenge), 401, challenge?.toString());
        const www = header(challenge!, 'www-authenticate');
        assert.ok(www);
        const authorization = answerChallenge({
          challenge: www,
          method: 'REGISTER',
          uri,
          username: trunkSid,
          password: pw,
        });
        return probe.exchange(register(cseq + 1, [`Authorization: ${authorization}`]), to, 2000);
      };
      assert.equal(statusOf(await authorized(1, oldPassword)), 401, 'the password before rotation is refused');
      const ok = await authorized(3, password);
      assert.equal(statusOf(ok), 200, ok?.toString());
    } finally {
      probe.close();
    }
    // While the server runs, recent writes sit in the WAL.
    scanDatabase('while running');
    assert.ok(
      [...scanned].some((f) => f.endsWith('-wal')),
      `the WAL was scanned: ${[...scanned].join(', ')}`,
    );
  } finally {
    await v.stop();
    stopped = true;
  }
  assert.ok(stopped);

  // Every byte the process wrote: stdout and stderr.
  const output = v.output();
  assert.ok(output.length > 1000, 'the server logged the session');
  assert.match(
    output,
    /"route":"\/v2\/accounts\/:account_sid\/trunks\/:trunk_sid\/credentials\/rotate"/,
    'the credential rotation was logged (without the secret)',
  );
  assert.match(output, /"status":429/, 'the blocked login was logged');
  const inLogs = [...secrets].filter(([, value]) => output.includes(value)).map(([label]) => label);
  assert.deepEqual(inLogs, [], 'secrets found in the process output');

  scanDatabase('after a clean stop');
  rmSync(dataDir, { recursive: true, force: true });
});
