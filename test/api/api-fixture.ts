import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/api/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { createMetricsRegistry } from '../../src/metrics.js';
import { openStore } from '../../src/store/open-store.js';
import type { AccountCredentials, Store } from '../../src/store/types.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

/**
 * An API under test: a real store (SQLite in a temp dir, or a fresh database of a shared
 * embedded PostgreSQL), the app built by `buildApp`, one account and its Basic-auth header.
 * `logLines` collects every JSON log line, so tests can check what is (and is not) logged.
 */
export interface ApiFixture {
  app: FastifyInstance;
  store: Store;
  config: Readonly<Config>;
  account: AccountCredentials;
  auth: string;
  logLines: string[];
  /** Calls `/v2/accounts/<sid><path>` with this account's credentials (JSON body if given). */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResult>;
  /** Creates a trunk with valid fields and returns its trunk_sid. */
  createTrunk(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface ApiResult {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres'];

export function basic(key: string, token: string): string {
  return `Basic ${Buffer.from(`${key}:${token}`).toString('base64')}`;
}

let pg: Promise<TestPostgres> | null = null;

/** One embedded PostgreSQL per test file, started on first use. */
export function sharedPostgres(): Promise<TestPostgres> {
  pg ??= startPostgres();
  return pg;
}

export async function stopSharedPostgres(): Promise<void> {
  if (pg !== null) await (await pg).stop();
  pg = null;
}

export async function apiFixture(kind: StoreKind, flags: Record<string, unknown> = {}): Promise<ApiFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsip-api-'));
  const databaseUrl = kind === 'postgres' ? await (await sharedPostgres()).newDatabase() : null;
  const config = loadConfig({ dataDir, databaseUrl, rateLimit: 0, ...flags }, {});
  const store = await openStore({ databaseUrl, dataDir, secretKey: null });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      cb();
    },
  });
  const logger = createLogger('info', sink);
  const app = await buildApp({ store, config, logger, metrics: createMetricsRegistry() });
  const account = await store.createAccount('test');
  const auth = basic(account.apiKey, account.apiToken);
  const api: ApiFixture['api'] = async (method, path, body, headers = {}) => {
    const hasBody = body !== undefined;
    const r = await app.inject({
      method: method as 'GET',
      url: `/v2/accounts/${account.accountSid}${path}`,
      headers: { authorization: auth, ...(hasBody ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(hasBody ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: r.statusCode, headers: r.headers, body: r.body === '' ? null : r.json() };
  };
  const createTrunk = async (name: string) => {
    const r = await api('POST', '/trunks', {
      trunk_name: name,
      nso_code: 'ANY-ANY',
      domain_name: `${account.accountSid}.${config.sipDomain}`,
    });
    if (r.status !== 200) throw new Error(`createTrunk ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.response.data.trunk_sid as string;
  };
  return {
    api,
    createTrunk,
    app,
    store,
    config,
    account,
    auth,
    logLines,
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
