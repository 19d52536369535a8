import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What browsers and most TLS stacks accept as the longest validity of a leaf certificate (CA/B Forum, 2018). */
const VALIDITY_DAYS = 825;

/**
 * Makes (once) a self-signed certificate for development TLS in `dir` and returns the file paths.
 * In-process (the `selfsigned` package over WebCrypto): no `openssl` binary, which slim container
 * images lack. EC P-256 so generation takes milliseconds. Existing files are reused so restarts
 * keep the same fingerprint.
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
  // Loaded only here, when a certificate is made: its X.509 and ASN.1 modules would otherwise load
  // with every import of the SIP stack, and be most of a `vsip` client command's start-up.
  const { generate } = await import('selfsigned');
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + VALIDITY_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: commonName },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  // Written under temporary names and renamed, key first: a reader never finds a certificate
  // without its key, nor a half-written file; the key is 0600 from its first byte.
  const tag = `${process.pid}-${Date.now()}`;
  await writeFile(`${keyFile}.${tag}`, pems.private, { mode: 0o600 });
  await writeFile(`${certFile}.${tag}`, pems.cert);
  await rename(`${keyFile}.${tag}`, keyFile);
  await rename(`${certFile}.${tag}`, certFile);
  return { certFile, keyFile };
}
