import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { apiTokenMatches, generateApiToken, hashApiToken } from '../../../src/store/secrets/api-token.js';
import { loadSecretKey, parseSecretKey } from '../../../src/store/secrets/load-secret-key.js';
import { newAccountSid, newApiKey, newTrunkSid } from '../../../src/store/secrets/random-ids.js';
import { SecretBox } from '../../../src/store/secrets/secret-box.js';
import { generateSipPassword } from '../../../src/store/secrets/sip-password.js';

test('API tokens: 256 random bits, hash matches only the same token', () => {
  const t = generateApiToken();
  assert.equal(Buffer.from(t, 'base64url').length, 32);
  assert.notEqual(generateApiToken(), t);
  const h = hashApiToken(t);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(apiTokenMatches(h, t), true);
  assert.equal(apiTokenMatches(h, `${t}x`), false);
  assert.equal(apiTokenMatches(h, ''), false);
  assert.equal(apiTokenMatches(null, t), false); // unknown key: never matches
});

test('SIP passwords: 24 chars of the URL-safe alphabet, every symbol reachable', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const p = generateSipPassword();
    assert.match(p, /^[A-Za-z0-9_-]{24}$/);
    for (const c of p) seen.add(c);
  }
  assert.equal(seen.size, 64);
});

test('ids: DNS-label and SIP-username safe, at least 64 random bits', () => {
  assert.match(newAccountSid(), /^vsip[0-9a-f]{16}$/);
  assert.match(newApiKey(), /^[0-9a-f]{20}$/);
  assert.match(newTrunkSid(), /^trmum1[0-9a-f]{24}$/);
  assert.notEqual(newTrunkSid(), newTrunkSid());
});

test('SecretBox: AES-256-GCM round trip, fresh IV, bound to its row, tamper-evident', () => {
  const box = new SecretBox(randomBytes(32));
  const a = box.encrypt('s3cret', 'trunk-a');
  const b = box.encrypt('s3cret', 'trunk-a');
  assert.match(a, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  assert.notEqual(a, b);
  assert.ok(!a.includes('s3cret'));
  assert.equal(box.decrypt(a, 'trunk-a'), 's3cret');
  assert.throws(() => box.decrypt(a, 'trunk-b'));
  const [v, iv, tag, ct] = a.split(':') as [string, string, string, string];
  const flipped = Buffer.from(ct, 'base64');
  flipped[0]! ^= 1;
  assert.throws(() => box.decrypt([v, iv, tag, flipped.toString('base64')].join(':'), 'trunk-a'));
  assert.throws(() => new SecretBox(randomBytes(32)).decrypt(a, 'trunk-a'));
  assert.throws(() => new SecretBox(randomBytes(16)));
});

test('secret key: hex or base64, 32 bytes; errors do not echo the value', () => {
  const k = randomBytes(32);
  assert.deepEqual(parseSecretKey(k.toString('hex')), k);
  assert.deepEqual(parseSecretKey(k.toString('base64')), k);
  assert.deepEqual(parseSecretKey(k.toString('base64url')), k);
  assert.throws(
    () => parseSecretKey('abcd'),
    (e: Error) => !e.message.includes('abcd'),
  );
  assert.throws(() => parseSecretKey(randomBytes(16).toString('hex')));
});

test('key file: created 0600 once, reused, config key wins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsip-key-'));
  try {
    const dataDir = join(dir, 'nested', 'data');
    const k1 = loadSecretKey({ dataDir });
    assert.equal(statSync(join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    assert.deepEqual(loadSecretKey({ dataDir, secretKey: null }), k1);
    assert.deepEqual(parseSecretKey(readFileSync(join(dataDir, 'secret.key'), 'utf8')), k1);
    const given = randomBytes(32);
    assert.deepEqual(loadSecretKey({ dataDir, secretKey: given.toString('hex') }), given);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('key file: processes racing to create it all end up with one key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsip-key-race-'));
  const mod = new URL('../../../src/store/secrets/load-secret-key.js', import.meta.url).href;
  const script =
    `const { loadSecretKey } = await import(${JSON.stringify(mod)}); ` +
    `process.stdout.write(loadSecretKey({ dataDir: ${JSON.stringify(dir)} }).toString('hex'));`;
  try {
    const outs = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<string>((resolve, reject) =>
            execFile(process.execPath, ['--input-type=module', '-e', script], (err, stdout) =>
              err ? reject(err) : resolve(stdout),
            ),
          ),
      ),
    );
    assert.equal(new Set(outs).size, 1);
    assert.match(outs[0]!, /^[0-9a-f]{64}$/);
    assert.deepEqual(readdirSync(dir), ['secret.key']); // no temporary files left behind
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
