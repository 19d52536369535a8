import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * The configured store of a serve or worker process, closed by its lifecycle. PostgreSQL pool and
 * LISTEN-connection errors happen outside any request: they are logged and the process keeps running.
 */
export async function openServerStore(config: Config, logger: Logger, lifecycle: Lifecycle): Promise<Store> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    onError: (err) => logger.error({ err }, 'database connection error'),
  });
  lifecycle.onClose('store', () => store.close());
  return store;
}
