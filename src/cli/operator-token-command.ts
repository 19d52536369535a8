import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { openStore } from '../store/open-store.js';
import { addConfigOptions } from './add-config-options.js';

const STORE_KEYS = ['dataDir', 'databaseUrl'];

/**
 * `vsip operator-token create`: the operator API's credential, made straight in the store on the
 * machine that holds it (as `vsip accounts create`), since no API call can be trusted to mint the
 * first one. Only its SHA-256 is stored; the token is printed once.
 */
export function registerOperatorTokenCommand(program: Command): void {
  const tokens = program
    .command('operator-token')
    .description('operator API credentials (Authorization: Bearer <token> on /v2/operator/...)');
  const create = tokens
    .command('create')
    .description('create an operator token and print it (shown once; only its hash is stored)')
    .option('--label <label>', 'what the token is for', 'operator')
    .option('--json', 'print {"id","label","operator_token"}');
  addConfigOptions(create, STORE_KEYS).action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(flags, process.env);
    const store = await openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      secretKey: config.secretKey,
    });
    try {
      const { token, secret } = await store.createOperatorToken(String(flags.label));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ id: token.id, label: token.label, operator_token: secret })}\n`);
      } else {
        process.stdout.write(
          `Operator token  ${secret}\n(shown only now; use it as VSIP_OPERATOR_TOKEN for vsip operator ..., or ` +
            'as Authorization: Bearer <token>)\n',
        );
      }
    } finally {
      await store.close();
    }
  });
  create.addHelpText(
    'after',
    '\nExample:\n  $ export VSIP_OPERATOR_TOKEN=$(vsip operator-token create --json | jq -r .operator_token)',
  );
}
