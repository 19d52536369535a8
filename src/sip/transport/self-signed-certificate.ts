import { execFile } from 'node:child_process';
import { access, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Makes (once) a self-signed certificate for development TLS in `dir` and returns the file paths.
 * Uses the `openssl` CLI (present on every Debian/Ubuntu image; node:crypto cannot issue X.509
 * certificates on Node 20). EC P-256 so generation takes milliseconds. Existing files are reused
 * so restarts keep the same fingerprint.
 */
export async function selfSignedCertificate(
  dir: string,
  commonName = 'vsip.local',
): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, 'sip-tls-cert.pem');
  const keyFile = join(dir, 'sip-tls-key.pem');
  try {
    await access(certFile);
    await access(keyFile);
    return { certFile, keyFile };
  } catch {
    // fall through: generate
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '825',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    `subjectAltName=DNS:${commonName},DNS:localhost,IP:127.0.0.1,IP:::1`,
  ]);
  await chmod(keyFile, 0o600);
  return { certFile, keyFile };
}
