import { loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import type { Store } from '../store/types.js';
import { buildApp } from './app.js';

/**
 * The OpenAPI 3.1 document of the API with default settings, without a database: the same
 * document `GET /openapi.json` serves, for generators (the Postman collection) and tests.
 */
export async function openapiDocument(): Promise<Record<string, unknown>> {
  const store = new Proxy({ kind: 'sqlite', onChange: () => () => {} } as unknown as Store, {
    get(target, prop) {
      if (prop in target) return (target as unknown as Record<string | symbol, unknown>)[prop];
      return () => {
        throw new Error(`openapiDocument: no store (${String(prop)})`);
      };
    },
  });
  const config = loadConfig({}, {});
  const app = await buildApp({ store, config, logger: createLogger('silent'), metrics: createMetricsRegistry() });
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return doc;
}
