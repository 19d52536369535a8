import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadConfig, ConfigError, type Config } from '../../src/config/config.js';
import { SERVE_OPTIONS } from '../../src/config/options.js';

test('defaults: API on 127.0.0.1:8080, data in ./data, SIP 5060/5061, carrier side 5080', () => {
  const c = loadConfig({}, {});
  assert.equal(c.apiHost, '127.0.0.1');
  assert.equal(c.apiPort, 8080);
  assert.equal(c.dataDir, resolve('./data'));
  assert.equal(c.databaseUrl, null);
  assert.equal(c.sipPort, 5060);
  assert.equal(c.sipsPort, 5061);
  assert.equal(c.carrierPort, 5080);
  assert.equal(c.rateLimit, 200);
  assert.equal(c.sipDomain, 'pstn.exotel.com');
  assert.equal(c.role, 'all');
  assert.ok(Object.isFrozen(c));
});

test('a flag wins over its VSIP_* variable, which wins over the default', () => {
  assert.equal(loadConfig({}, { VSIP_API_PORT: '9000' }).apiPort, 9000);
  assert.equal(loadConfig({ apiPort: '9100' }, { VSIP_API_PORT: '9000' }).apiPort, 9100);
  assert.equal(loadConfig({}, { VSIP_RATE_LIMIT: '0' }).rateLimit, 0);
});

test('invalid values are refused with the flag or variable named and the expected format', () => {
  assert.throws(
    () => loadConfig({ apiPort: '70000' }, {}),
    (e: unknown) => e instanceof ConfigError && /--api-port.*port number/.test(e.message),
  );
  assert.throws(
    () => loadConfig({}, { VSIP_ROLE: 'proxy' }),
    (e: unknown) => e instanceof ConfigError && /VSIP_ROLE.*one of all, api, sip/.test(e.message),
  );
  assert.throws(() => loadConfig({ databaseUrl: 'mysql://x' }, {}), /postgres:\/\//);
  assert.throws(() => loadConfig({ apiCert: 'a.pem' }, {}), /--api-key-file/);
  assert.throws(() => loadConfig({}, { VSIP_SECRET_KEY: 'short' }), /VSIP_SECRET_KEY/);
  assert.throws(() => loadConfig({ rateLimit: '-1' }, {}), /whole number/);
});

test('a 32-byte secret key is accepted as hex or base64', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(loadConfig({}, { VSIP_SECRET_KEY: hex }).secretKey, hex);
  const b64 = Buffer.alloc(32, 7).toString('base64');
  assert.equal(loadConfig({}, { VSIP_SECRET_KEY: b64 }).secretKey, b64);
});

/** True only when A and B are the same type (a compile-time check: a mismatch does not build). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type OptionKey = (typeof SERVE_OPTIONS)[number]['key'];

test('Config is derived from the option table: one setting per row (plus the secret key), typed by its row', () => {
  const keys: Equal<keyof Config, OptionKey | 'secretKey'> = true;
  const role: Equal<Config['role'], 'all' | 'api' | 'sip'> = true;
  const port: Equal<Config['apiPort'], number> = true;
  const optional: Equal<Config['carrier'], string | null> = true;
  const withDefault: Equal<Config['sipHost'], string> = true;
  const algorithms: Equal<Config['sipDigestAlgorithms'], 'MD5' | 'SHA-256' | 'MD5,SHA-256'> = true;
  assert.deepEqual([keys, role, port, optional, withDefault, algorithms], [true, true, true, true, true, true]);
  assert.deepEqual(Object.keys(loadConfig({}, {})).sort(), [...SERVE_OPTIONS.map((o) => o.key), 'secretKey'].sort());
});

test('every default is present with the type of its row, and the config is frozen', () => {
  const c: Record<string, unknown> = loadConfig({}, {});
  for (const spec of SERVE_OPTIONS) {
    const v = c[spec.key];
    if (spec.default === null) assert.equal(v, null, spec.key);
    else if (spec.type === 'port' || spec.type === 'int') assert.equal(v, Number(spec.default), spec.key);
    else if (spec.type === 'path') assert.equal(v, resolve(spec.default), spec.key);
    else assert.equal(v, spec.default, spec.key);
  }
  assert.throws(() => {
    c.apiPort = 1;
  }, TypeError);
  assert.equal(c.apiPort, 8080);
});
