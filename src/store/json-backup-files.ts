/**
 * The files of a JSON configuration backup (`config-backup.ts`): the document, written atomically
 * with mode 0600 (it holds API keys, token hashes and encrypted secrets), and `<file>.key` beside it
 * when the store's key is the data dir's key file — the same layout as the SQLite backup.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { openStore } from './open-store.js';
import {
  ConfigBackupError,
  exportConfig,
  importConfig,
  parseConfigBackup,
  type ConfigBackup,
} from './config-backup.js';
import type { KyselyStore } from './kysely-store.js';
import { loadSecretKey, parseSecretKey } from './secrets/load-secret-key.js';
import { SecretBox } from './secrets/secret-box.js';

export interface StoreLocation {
  dataDir: string;
  databaseUrl: string | null;
  /** VSIP_SECRET_KEY, when the key comes from the environment. */
  secretKey: string | null;
}

/** True when `file` starts like a JSON document rather than an SQLite database. */
export function isJsonBackup(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false; // the SQLite restore says what is missing
  }
  try {
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).toString('utf8').trimStart().startsWith('{');
  } finally {
    closeSync(fd);
  }
}

export async function writeJsonBackup(
  at: StoreLocation,
  file: string,
): Promise<{ backup: ConfigBackup; bytes: number; keyFile: string | null }> {
  const store = (await openStore(at)) as KyselyStore;
  let backup: ConfigBackup;
  try {
    backup = await exportConfig(store);
  } finally {
    await store.close();
  }
  const text = `${JSON.stringify(backup, null, 1)}\n`;
  writePrivate(file, text);
  let keyFile: string | null = null;
  if (at.secretKey === null) {
    keyFile = `${file}.key`;
    writePrivate(keyFile, `${loadSecretKey({ dataDir: at.dataDir }).toString('hex')}\n`);
  }
  return { backup, bytes: Buffer.byteLength(text), keyFile };
}

/**
 * Restores `file` into the store at `at`, which must be empty. The backup's key: `keyFile`, else
 * `<file>.key` when it exists, else VSIP_SECRET_KEY (a backup of a store keyed by the environment).
 */
export async function restoreJsonBackup(
  at: StoreLocation,
  file: string,
  keyFile: string | null,
): Promise<Record<string, number>> {
  const backup = parseConfigBackup(readFileSync(file, 'utf8'));
  const keyPath = keyFile ?? (existsSync(`${file}.key`) ? `${file}.key` : null);
  let from: Buffer;
  if (keyPath !== null) from = parseSecretKey(readFileSync(keyPath, 'utf8'));
  else if (at.secretKey !== null) from = parseSecretKey(at.secretKey);
  else {
    throw new ConfigBackupError(
      `no key for this backup's secrets: put it at ${file}.key (vsip backup writes it there), pass --key-file, ` +
        'or set VSIP_SECRET_KEY to the key of the store it was made from',
    );
  }
  const store = (await openStore(at)) as KyselyStore;
  try {
    const to = new SecretBox(loadSecretKey(at));
    return await importConfig(store, backup, { from: new SecretBox(from), to });
  } finally {
    await store.close();
  }
}

/** Mode 0600 before the file has its final name; a partial write never has it. */
function writePrivate(file: string, text: string): void {
  const tmp = `${file}.partial-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
