import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { isPostgresUrl } from '../store/open-store.js';
import { addConfigOptions } from './add-config-options.js';

const STORE_KEYS = ['dataDir', 'databaseUrl'];

/** A whole PostgreSQL database (call history included) is pg_dump's job; vsip's JSON backup is configuration. */
const POSTGRES_NOTE =
  'configuration only (accounts, trunks, numbers, IPs, destinations, carriers, routes, webhooks); the call history ' +
  'of a PostgreSQL store is kept by pg_dump --format=custom "$VSIP_DATABASE_URL" (docs/deploy.md)';

/** `vsip backup <file>` and `vsip restore <file>`: the embedded SQLite store with its secret key. */
export function registerBackupCommands(program: Command): void {
  const backup = program
    .command('backup <file>')
    .description(
      'copy the store while vsip serves, with its secret key to <file>.key: the whole SQLite database, or all ' +
        'configuration as JSON (either store; the default on PostgreSQL)',
    )
    .option('--format <format>', 'sqlite (the database file) or json (configuration, restorable into either store)');
  addConfigOptions(backup, STORE_KEYS).action(async (file: string, flags: Record<string, unknown>) => {
    const config = loadConfig(flags, process.env);
    const postgres = isPostgresUrl(config.databaseUrl);
    const format = flags.format ?? (postgres ? 'json' : 'sqlite');
    if (format !== 'sqlite' && format !== 'json') throw new Error(`--format must be sqlite or json, not ${format}`);
    if (format === 'sqlite' && postgres) {
      throw new Error('--format sqlite copies an SQLite store; this one is PostgreSQL: use --format json or pg_dump');
    }
    if (format === 'json') {
      const { writeJsonBackup } = await import('../store/json-backup-files.js');
      const result = await writeJsonBackup(config, file);
      const counts = Object.fromEntries(
        ['accounts', 'trunks', 'phone_numbers', 'carriers', 'webhooks'].map((t) => [
          t,
          (result.backup.tables as Record<string, unknown[]>)[t]?.length ?? 0,
        ]),
      );
      process.stdout.write(`backup written: ${file} (${result.bytes} bytes; ${summary(counts)})\n`);
      process.stdout.write(`${postgres ? POSTGRES_NOTE : 'configuration only: call records are not in it'}\n`);
      process.stdout.write(keyNote(result.keyFile));
      return;
    }
    const { backupSqlite, countRows } = await import('../store/sqlite-backup.js');
    const result = await backupSqlite(config.dataDir, file, config.secretKey !== null);
    const counts = countRows(result.file);
    process.stdout.write(`backup written: ${result.file} (${result.bytes} bytes; ${summary(counts)})\n`);
    process.stdout.write(keyNote(result.keyFile));
  });
  backup.addHelpText(
    'after',
    '\nExamples:\n  $ vsip backup /backups/vsip-$(date +%F).db --data-dir /var/lib/vsip\n' +
      '  $ vsip backup /backups/vsip-config.json --database-url "$VSIP_DATABASE_URL"\n\n' +
      'A JSON backup restores into an empty SQLite or PostgreSQL store (vsip restore), so it also moves a ' +
      'deployment between the two.',
  );

  const restore = program
    .command('restore <file>')
    .description(
      'restore a vsip backup into an empty store with its key, checking every secret decrypts (an SQLite file into ' +
        'a data dir; a JSON backup into SQLite or PostgreSQL)',
    )
    .option('--key-file <file>', "the backup's secret key (default: <file>.key next to the backup)");
  addConfigOptions(restore, STORE_KEYS).action(async (file: string, flags: Record<string, unknown>) => {
    const config = loadConfig(flags, process.env);
    const keyFile = typeof flags.keyFile === 'string' ? flags.keyFile : null;
    const { isJsonBackup, restoreJsonBackup } = await import('../store/json-backup-files.js');
    if (isJsonBackup(file)) {
      const counts = await restoreJsonBackup(config, file, keyFile);
      const where = isPostgresUrl(config.databaseUrl) ? 'the PostgreSQL store' : config.dataDir;
      process.stdout.write(`restored into ${where}: ${summary(counts)}; start vsip serve on it\n`);
      return;
    }
    if (isPostgresUrl(config.databaseUrl)) {
      throw new Error(`${file} is an SQLite backup: restore it into a data dir, or restore a JSON backup here`);
    }
    const { restoreSqlite, countRows, DB_FILE } = await import('../store/sqlite-backup.js');
    await restoreSqlite(config.dataDir, file, {
      keyFile,
      secretKey: config.secretKey,
    });
    const counts = countRows(`${config.dataDir}/${DB_FILE}`);
    process.stdout.write(`restored into ${config.dataDir}: ${summary(counts)}; start vsip serve on it\n`);
  });
}

function summary(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([table, n]) => `${n} ${table.replace(/_/g, ' ')}`)
    .join(', ');
}

function keyNote(keyFile: string | null): string {
  return keyFile !== null
    ? `secret key: ${keyFile} — it decrypts the SIP passwords in the backup; store it as carefully, ` +
        'and restore the two together\n'
    : 'secret key: not copied (it comes from VSIP_SECRET_KEY): restore with the same VSIP_SECRET_KEY\n';
}
