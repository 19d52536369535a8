import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadConfig, ConfigError } from '../../src/config/config.js';

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
  assert.throws(() => loadConfig({ apiPort: '70000' }, {}), (e: unknown) => e instanceof ConfigError && /--api-port.*port number/.test(e.message));
  assert.throws(() => loadConfig({}, { VSIP_ROLE: 'proxy' }), (e: unknown) => e instanceof ConfigError && /VSIP_ROLE.*one of all, api, sip/.test(e.message));
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
