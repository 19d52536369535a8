import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { SERVE_OPTIONS } from '../config/options.js';
import { sipWorkerIdentity } from '../config/sip-worker-identity.js';
import { runServe } from '../server/run-serve.js';
import { addConfigOptions } from './add-config-options.js';
import { explainListenError } from './explain-listen-error.js';

/** `vsip serve`: its options come from the option table; the process itself is `src/server`. */
export function registerServeCommand(program: Command): void {
  const serve = program
    .command('serve')
    .description('run the REST API and the SIP gateway (embedded SQLite unless --database-url is a postgres:// URL)');
  addConfigOptions(
    serve,
    SERVE_OPTIONS.map((o) => o.key),
  );
  serve.addHelpText(
    'after',
    `
Examples:
  $ vsip serve
  $ vsip serve --api-port 9000 --data-dir /var/lib/vsip
  $ VSIP_DATABASE_URL=postgres://vsip@db/vsip vsip serve --role sip --carrier sip:198.51.100.7:5060`,
  );
  serve.action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(flags, process.env);
    try {
      await runServe(config, sipWorkerIdentity(process.env));
    } catch (err) {
      throw explainListenError(err, config);
    }
  });
}
