import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { isPostgresUrl } from '../store/open-store.js';
import { addConfigOptions } from './add-config-options.js';

const STORE_KEYS = ['dataDir', 'databaseUrl'];

/** PostgreSQL has its own consistent online dump; vsip does not wrap it (the database's owner runs it). */
const POSTGRES_ADVICE = [
  'the store is PostgreSQL: back it up with its own tools, while vsip runs:',
  '  pg_dump --format=custom --file=vsip.dump "$VSIP_DATABASE_URL"',
  '  pg_restore --clean --if-exists --dbname="$VSIP_DATABASE_URL" vsip.dump   (with every vsip node stopped)',
  'and keep VSIP_SECRET_KEY with the dump: without it the SIP passwords in it cannot be decrypted.',
  'A store-independent copy of the configuration: vsip export / vsip apply (docs/deploy.md).',
].join('\n');

/** `vsip backup <file>` and `vsip restore <file>`: the embedded SQLite store with its secret key. */
export function registerBackupCommands(program: Command): void {
  const backup = program
    .command('backup <file>')
    .description('copy the SQLite store while vsip serves (SQLite backup API) and its secret key to <file>.key');
  addConfigOptions(backup, STORE_KEYS).action(async (file: string, flags: Record<string, unknown>) => {
    const config = loadConfig(flags, process.env);
    if (isPostgresUrl(config.databaseUrl)) throw new Error(POSTGRES_ADVICE);
    const { backupSqlite, countRows } = await import('../store/sqlite-backup.js');
    const result = await backupSqlite(config.dataDir, file, config.secretKey !== null);
    const counts = countRows(result.file);
    process.stdout.write(`backup written: ${result.file} (${result.bytes} bytes; ${summary(counts)})\n`);
    process.stdout.write(
      result.keyFile !== null
        ? `secret key: ${result.keyFile} — it decrypts the SIP passwords in the backup; store it as carefully, ` +
            'and restore the two together\n'
        : 'secret key: not copied (it comes from VSIP_SECRET_KEY): restore with the same VSIP_SECRET_KEY\n',
    );
  });
  backup.addHelpText(
    'after',
    '\nExample:\n  $ vsip backup /backups/vsip-$(date +%F).db --data-dir /var/lib/vsip\n\n' +
      'PostgreSQL stores are backed up with pg_dump; vsip backup says how.',
  );

  const restore = program
    .command('restore <file>')
    .description('restore a vsip backup into an empty data dir, with its key, checking every SIP password decrypts')
    .option('--key-file <file>', "the backup's secret key (default: <file>.key next to the backup)");
  addConfigOptions(restore, STORE_KEYS).action(async (file: string, flags: Record<string, unknown>) => {
    const config = loadConfig(flags, process.env);
    if (isPostgresUrl(config.databaseUrl)) throw new Error(POSTGRES_ADVICE);
    const { restoreSqlite, countRows, DB_FILE } = await import('../store/sqlite-backup.js');
    await restoreSqlite(config.dataDir, file, {
      keyFile: typeof flags.keyFile === 'string' ? flags.keyFile : null,
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
