import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { selfSignedCertificate } from '../../../src/sip/index.js';

test('the development certificate is made without openssl: EC P-256, SANs, key 0600, reused on restart', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'vsip-cert-')), 'data');
  // No openssl on PATH: what a slim image looks like.
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  let files: { certFile: string; keyFile: string };
  try {
    files = await selfSignedCertificate(dir, 'sip.example.test');
  } finally {
    process.env.PATH = path;
  }
  const cert = new X509Certificate(readFileSync(files.certFile));
  assert.match(cert.subject, /CN=sip\.example\.test/);
  assert.equal(
    cert.subjectAltName,
    'DNS:sip.example.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
  );
  const key = createPrivateKey(readFileSync(files.keyFile));
  assert.equal(key.asymmetricKeyType, 'ec');
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(cert.checkPrivateKey(key), 'the key belongs to the certificate');
  assert.equal(statSync(files.keyFile).mode & 0o777, 0o600);
  const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
  assert.ok(days > 800 && days <= 826, `valid for ${days} days`);

  const again = await selfSignedCertificate(dir, 'sip.example.test');
  assert.equal(readFileSync(again.certFile, 'utf8'), readFileSync(files.certFile, 'utf8'), 'same certificate reused');
  if (spawnSync('sh', ['-c', 'command -v openssl']).status === 0) {
    const r = spawnSync('openssl', ['x509', '-noout', '-text', '-in', files.certFile], { encoding: 'utf8' });
    assert.match(r.stdout, /TLS Web Server Authentication/);
  }
});
