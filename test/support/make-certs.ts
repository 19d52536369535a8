import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCert {
  cert: string;
  key: string;
  certFile: string;
}

const run = (dir: string, args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
};

/** A throw-away CA (PEM file path and text), made with the openssl CLI. */
export function makeCa(dir: string): { certFile: string; keyFile: string; cert: string } {
  run(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=vsip test CA',
  ]);
  return {
    certFile: join(dir, 'ca.pem'),
    keyFile: join(dir, 'ca.key'),
    cert: readFileSync(join(dir, 'ca.pem'), 'utf8'),
  };
}

/**
 * A server certificate signed by `ca` for `san` (e.g. `IP:127.0.0.1` or `DNS:wrong.example`).
 * `days: -1` makes one that expired yesterday: openssl sets notAfter before notBefore.
 */
export function makeLeaf(
  dir: string,
  name: string,
  ca: { certFile: string; keyFile: string },
  san: string,
  days: number,
): TestCert {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=${san}\n`);
  const cn = san.replace(/^(IP|DNS):/, '');
  run(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  ]);
  run(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    String(days),
    '-extfile',
    ext,
  ]);
  return {
    cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    certFile: join(dir, `${name}.pem`),
  };
}

/** An intermediate CA signed by `ca`, for chains the server must send whole. */
export function makeIntermediate(
  dir: string,
  ca: { certFile: string; keyFile: string },
): { certFile: string; keyFile: string; cert: string } {
  writeFileSync(join(dir, 'int.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  run(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'int.key',
    '-out',
    'int.csr',
    '-subj',
    '/CN=vsip test intermediate',
  ]);
  run(dir, [
    'x509',
    '-req',
    '-in',
    'int.csr',
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-out',
    'int.pem',
    '-days',
    '30',
    '-extfile',
    'int.ext',
  ]);
  return {
    certFile: join(dir, 'int.pem'),
    keyFile: join(dir, 'int.key'),
    cert: readFileSync(join(dir, 'int.pem'), 'utf8'),
  };
}

/** A self-signed server certificate (no CA at all), as a PBX out of the box often has. */
export function makeSelfSigned(dir: string, name: string, san: string): TestCert {
  const cn = san.replace(/^(IP|DNS):/, '');
  run(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '30',
    '-subj',
    `/CN=${cn}`,
    '-addext',
    `subjectAltName=${san}`,
  ]);
  return {
    cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    certFile: join(dir, `${name}.pem`),
  };
}
