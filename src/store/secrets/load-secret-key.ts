/**
 * The 32-byte key for `SecretBox`: from configuration (VSIP_SECRET_KEY, hex or base64) or else
 * from `<dataDir>/secret.key`, generated on first use.
 *
 * The key file is created atomically with mode 0600: written to a private temporary name, then
 * hard-linked into place. `link` fails if the file exists, so two processes starting at once
 * agree on one key (the loser reads the winner's) and no reader ever sees a half-written file.
 *
 * PostgreSQL deployments on several hosts MUST set VSIP_SECRET_KEY to the same value on every
 * host: a per-host key file would make other hosts' SIP passwords undecryptable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function parseSecretKey(text: string): Buffer {
  const s = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 32) return key;
  }
  // Never echo the value: it is a secret even when malformed.
  throw new Error('secret key must be 32 bytes, written as 64 hex characters or base64');
}

export function loadSecretKey(opts: { secretKey?: string | null; dataDir: string }): Buffer {
  if (opts.secretKey) return parseSecretKey(opts.secretKey);
  mkdirSync(opts.dataDir, { recursive: true });
  const path = join(opts.dataDir, 'secret.key');
  try {
    return parseSecretKey(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const tmp = join(opts.dataDir, `.secret.key.${process.pid}.${randomBytes(6).toString('hex')}`);
  writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600); // in case the umask narrowed nothing but a filesystem widened it
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return parseSecretKey(readFileSync(path, 'utf8'));
}
