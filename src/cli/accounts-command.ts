import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/config.js';
import { isPostgresUrl, openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { addConfigOptions } from './add-config-options.js';

const STORE_KEYS = ['dataDir', 'databaseUrl'];

/**
 * @param create what to do when the SQLite data dir holds no store yet: `refuse` (list, rotate: the
 *   operator is most likely in the wrong directory) or `say` (create: make it, and say where).
 */
async function withStore<T>(
  flags: Record<string, unknown>,
  create: 'refuse' | 'say',
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const config = loadConfig(flags, process.env);
  const file = join(config.dataDir, 'vsip.db');
  if (!isPostgresUrl(config.databaseUrl) && !existsSync(file)) {
    if (create === 'refuse') {
      throw new Error(
        `no vsip store at ${file}: run this where vsip serve runs, or pass its --data-dir (or --database-url)`,
      );
    }
    process.stderr.write(
      `vsip: no store at ${file} yet: creating a new one (vsip serve --data-dir ${config.dataDir} will use it)\n`,
    );
  }
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    secretKey: config.secretKey,
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** `vsip accounts …`: account management straight in the store (no API, no credentials needed). */
export function registerAccountsCommand(program: Command): void {
  const accounts = program.command('accounts').description('create, list and rotate accounts directly in the store');

  const create = accounts
    .command('create')
    .description('create an account and print its SID, API key and API token (shown once)')
    .option('--name <name>', 'a label for the account', 'default')
    .option('--json', 'print {"account_sid","api_key","api_token"}');
  addConfigOptions(create, STORE_KEYS).action(async (flags: Record<string, unknown>) => {
    const creds = await withStore(flags, 'say', (store) => store.createAccount(String(flags.name)));
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ account_sid: creds.accountSid, api_key: creds.apiKey, api_token: creds.apiToken })}\n`,
      );
    } else {
      process.stdout.write(
        `Account SID  ${creds.accountSid}\nAPI key      ${creds.apiKey}\nAPI token    ${creds.apiToken}\n(the token ` +
          `is shown only now)\n`,
      );
    }
  });
  create.addHelpText('after', '\nExample:\n  $ vsip accounts create --name acme --json');

  const list = accounts
    .command('list')
    .description('list accounts (never their tokens)')
    .option('--json', 'print JSON');
  addConfigOptions(list, STORE_KEYS).action(async (flags: Record<string, unknown>) => {
    const rows = await withStore(flags, 'refuse', (store) => store.listAccounts());
    if (flags.json) {
      const out = rows.map((a) => ({
        account_sid: a.sid,
        name: a.name,
        api_key: a.apiKey,
        date_created: a.dateCreated,
      }));
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return;
    }
    const header = ['ACCOUNT SID', 'NAME', 'API KEY', 'CREATED'];
    const table = [header, ...rows.map((a) => [a.sid, a.name, a.apiKey, a.dateCreated])];
    const widths = header.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
    for (const row of table)
      process.stdout.write(
        `${row
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
      );
  });

  const rotate = accounts
    .command('rotate-token <account_sid>')
    .description('issue a new API token; the old one stops working at once')
    .option('--json', 'print {"account_sid","api_key","api_token"}');
  addConfigOptions(rotate, STORE_KEYS).action(async (accountSid: string, flags: Record<string, unknown>) => {
    const creds = await withStore(flags, 'refuse', (store) => store.rotateAccountToken(accountSid));
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ account_sid: creds.accountSid, api_key: creds.apiKey, api_token: creds.apiToken })}\n`,
      );
    } else {
      process.stdout.write(
        `API key      ${creds.apiKey}\nAPI token    ${creds.apiToken}\n(the token is shown only now)\n`,
      );
    }
  });
}
