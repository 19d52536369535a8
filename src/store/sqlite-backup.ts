/**
 * `vsip backup` / `vsip restore` for the embedded SQLite store, and what to do with the secret key.
 *
 * The copy is SQLite's online backup API (better-sqlite3 `db.backup()`, https://sqlite.org/backup.html)
 * on a connection of our own, so it runs while `vsip serve` keeps writing: in WAL mode our read
 * snapshot does not block the writer, and a page changed by another connection mid-copy makes
 * SQLite restart the copy — the result is always one committed state, never a torn one.
 *
 * SIP passwords in the copy are encrypted with the store's secret key (`secret-box.ts`), which is
 * not in the database: a backup is only whole with its key. `backupSqlite` copies the key file
 * next to the backup (`<file>.key`, mode 0600) unless the key came from VSIP_SECRET_KEY;
 * `restoreSqlite` puts that key in place and proves it decrypts every password before it keeps
 * the restored database.
 */
import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from './open-store.js';
import { parseSecretKey } from './secrets/load-secret-key.js';

export const DB_FILE = 'vsip.db';
export const KEY_FILE = 'secret.key';

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export interface BackupResult {
  file: string;
  bytes: number;
  /** Where the key was copied, or null when it comes from VSIP_SECRET_KEY (not ours to write). */
  keyFile: string | null;
}

/** Tables whose row counts `vsip backup` and `vsip restore` report, so an operator sees what moved. */
const COUNTED = ['accounts', 'trunks', 'phone_numbers', 'whitelisted_ips', 'destination_uris'] as const;

export function countRows(file: string): Record<string, number> {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const out: Record<string, number> = {};
    for (const table of COUNTED) {
      const row = db.prepare(`select count(*) as n from ${table}`).get() as { n: number };
      out[table] = row.n;
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * Copies `<dataDir>/vsip.db` to `file` (atomically: a partial copy never has the final name) and
 * the key file to `<file>.key` when `keyFromEnv` is false.
 */
export async function backupSqlite(dataDir: string, file: string, keyFromEnv: boolean): Promise<BackupResult> {
  const source = join(dataDir, DB_FILE);
  if (!existsSync(source)) throw new BackupError(`no vsip store at ${source} (wrong --data-dir?)`);
  const keySource = join(dataDir, KEY_FILE);
  if (!keyFromEnv && !existsSync(keySource)) {
    throw new BackupError(
      `${keySource} is missing: this store's SIP passwords were encrypted with VSIP_SECRET_KEY; set it for the backup`,
    );
  }
  const tmp = `${file}.partial-${process.pid}`;
  // Read-write open (nothing is written): a read-only one cannot create the WAL index of a store
  // whose server is stopped.
  const db = new BetterSqlite3(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // Whole database per step: one read snapshot, fewest restarts when the server writes meanwhile.
    await db.backup(tmp, { progress: () => 1_000_000 });
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    db.close();
  }
  try {
    checkIntegrity(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  renameSync(tmp, file);
  let keyFile: string | null = null;
  if (!keyFromEnv) {
    keyFile = `${file}.key`;
    copyPrivate(keySource, keyFile);
  }
  return { file, bytes: statSync(file).size, keyFile };
}

export interface RestoreOptions {
  /** The backup's key file; default `<file>.key` when it exists. */
  keyFile?: string | null;
  /** VSIP_SECRET_KEY, when the store's key comes from the environment. */
  secretKey: string | null;
}

/**
 * Restores `file` into `dataDir`, which must hold no store yet. The key: VSIP_SECRET_KEY, else the
 * backup's key file (copied to `<dataDir>/secret.key`), else a `secret.key` already in `dataDir`.
 * The restored store is opened (bringing its schema up to date) and every SIP password decrypted
 * before it is kept; on any failure the data dir is left as it was.
 */
export async function restoreSqlite(dataDir: string, file: string, opts: RestoreOptions): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`no backup at ${file}`);
  const target = join(dataDir, DB_FILE);
  if (existsSync(target)) {
    throw new BackupError(
      `${target} exists: stop vsip and move the data dir's vsip.db (and -wal, -shm) away before restoring`,
    );
  }
  checkIntegrity(file);
  const keyTarget = join(dataDir, KEY_FILE);
  const keyFile = opts.keyFile ?? (existsSync(`${file}.key`) ? `${file}.key` : null);
  let placedKey = false;
  if (opts.secretKey === null) {
    if (keyFile !== null) {
      const key = parseSecretKey(readFileSync(keyFile, 'utf8'));
      if (existsSync(keyTarget) && !parseSecretKey(readFileSync(keyTarget, 'utf8')).equals(key)) {
        throw new BackupError(`${keyTarget} holds a different key than ${keyFile}: move it away first`);
      }
      if (!existsSync(keyTarget)) {
        copyPrivate(keyFile, keyTarget);
        placedKey = true;
      }
    } else if (!existsSync(keyTarget)) {
      throw new BackupError(
        `no key for this backup's SIP passwords: copy the secret.key of the data dir it was made from to ` +
          `${keyTarget} (vsip backup writes it as ${file}.key), or set VSIP_SECRET_KEY`,
      );
    }
  }
  const tmp = join(dataDir, `.${DB_FILE}.restore-${process.pid}`);
  copyFileSync(file, tmp);
  try {
    renameSync(tmp, target);
    const store = await openStore({ dataDir, secretKey: opts.secretKey });
    try {
      await store.loadGatewayTrunks();
    } catch (err) {
      throw new BackupError(
        `the key does not decrypt this backup's SIP passwords (${err instanceof Error ? err.message : err}): ` +
          'use the secret.key or VSIP_SECRET_KEY of the store the backup was made from',
      );
    } finally {
      await store.close();
    }
  } catch (err) {
    for (const f of [tmp, target, `${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
    if (placedKey) rmSync(keyTarget, { force: true });
    throw err;
  }
}

function checkIntegrity(file: string): void {
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${file} is not a SQLite database: ${err instanceof Error ? err.message : err}`);
  }
  try {
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`${file} failed SQLite's integrity check: ${result}`);
    const trunks = db.prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'trunks'").get();
    if ((trunks as { n: number }).n !== 1) throw new BackupError(`${file} is a SQLite database, but not a vsip store`);
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${file} is not a readable vsip store: ${err instanceof Error ? err.message : err}`);
  } finally {
    db.close();
  }
}

/** Copies a key file: mode 0600 before it has its final name, so it is never readable by others. */
function copyPrivate(from: string, to: string): void {
  const tmp = `${to}.partial-${process.pid}`;
  copyFileSync(from, tmp);
  chmodSync(tmp, 0o600);
  renameSync(tmp, to);
}
