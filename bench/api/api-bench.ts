/**
 * API throughput and latency, against a bare Fastify route in the same run.
 *
 *   npm run build && node dist/bench/api/api-bench.js [--duration 5] [--connections 10]
 *
 * The servers run in a child process (this file with `--serve`) so that autocannon, in the
 * parent, does not share a CPU core's event loop with them. The child serves:
 *   - the real API (`buildApp`, SQLite store, info-level logging to /dev/null, no rate limit),
 *     with one trunk holding 100 phone numbers — once as configured (list cache on) and once
 *     with the list cache off, so the cost of a database read is shown too;
 *   - a bare Fastify app whose one route returns the same JSON (the envelope with 100 numbers).
 * Measured: GET …/phone-numbers?page_size=100 vs the bare route (throughput ratio; target
 * ≥ 0.6), POST …/phone-numbers with a fresh number per request, and the list at a fixed
 * 5000 req/s (target p99 < 5 ms). Prints one JSON document.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { createMetricsRegistry } from '../../src/metrics.js';
import { openStore } from '../../src/store/open-store.js';

interface Targets {
  api: string;
  apiUncached: string;
  bare: string;
  listPath: string;
  postPath: string;
  auth: string;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vsip-bench-api-'));
  const config = loadConfig({ dataDir: dir, rateLimit: 0, logLevel: 'info' }, {});
  const store = await openStore({ databaseUrl: null, dataDir: dir, secretKey: null });
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  const app = await buildApp({ store, config, logger, metrics: createMetricsRegistry() });
  const account = await store.createAccount('bench');
  const trunk = await store.createTrunk({
    accountSid: account.accountSid,
    name: 'bench',
    nsoCode: 'ANY-ANY',
    domainName: `${account.accountSid}.${config.sipDomain}`,
  });
  for (let i = 0; i < 100; i++)
    await store.addPhoneNumber(account.accountSid, trunk.sid, `+9198765${String(i).padStart(5, '0')}`, 'pstn');
  await app.listen({ host: '127.0.0.1', port: 0 });
  // Same store, list cache off: what a list costs when it has to go to the database.
  const uncached = await buildApp({ store, config, logger, metrics: createMetricsRegistry(), listCacheTtlMs: 0 });
  await uncached.listen({ host: '127.0.0.1', port: 0 });

  const base = `/v2/accounts/${account.accountSid}/trunks/${trunk.sid}/phone-numbers`;
  const auth = `Basic ${Buffer.from(`${account.apiKey}:${account.apiToken}`).toString('base64')}`;
  const sample = await app.inject({ url: `${base}?page_size=100`, headers: { authorization: auth } });
  const payload = sample.json();

  const bare = Fastify();
  bare.get('/bare', async () => payload);
  await bare.listen({ host: '127.0.0.1', port: 0 });

  const port = (s: { address(): AddressInfo | string | null }) => (s.address() as AddressInfo).port;
  const targets: Targets = {
    api: `http://127.0.0.1:${port(app.server)}`,
    apiUncached: `http://127.0.0.1:${port(uncached.server)}`,
    bare: `http://127.0.0.1:${port(bare.server)}`,
    listPath: `${base}?page_size=100`,
    postPath: base,
    auth,
  };
  process.send?.(targets);
  process.on('disconnect', async () => {
    await app.close();
    await uncached.close();
    await bare.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

function figures(r: AutocannonResult) {
  return {
    req_per_s: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    non_2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

async function main(): Promise<void> {
  const loadAverage = loadavg().map((l) => Number(l.toFixed(2)));
  const duration = arg('duration', 5);
  const connections = arg('connections', 10);
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const t = await new Promise<Targets>((resolve) => child.once('message', (m) => resolve(m as Targets)));
  const headers = { authorization: t.auth };

  await autocannon({ url: `${t.api}${t.listPath}`, headers, connections, duration: 1 }); // warm-up (JIT)
  await autocannon({ url: `${t.bare}/bare`, connections, duration: 1 });
  const bare = await autocannon({ url: `${t.bare}/bare`, connections, duration });
  const list = await autocannon({ url: `${t.api}${t.listPath}`, headers, connections, duration });
  const listUncached = await autocannon({ url: `${t.apiUncached}${t.listPath}`, headers, connections, duration });
  let n = 0;
  const post = await autocannon({
    url: `${t.api}${t.postPath}`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          body: JSON.stringify({ phone_number: `+1415${String(1_000_000 + n++).slice(1)}` }),
        }),
      },
    ],
  });
  const fixed = await autocannon({ url: `${t.api}${t.listPath}`, headers, connections, duration, overallRate: 5000 });
  child.disconnect();

  const result = {
    node: process.version,
    cpus: cpus().length,
    load_average_at_start: loadAverage,
    duration_s: duration,
    connections,
    bare_route: figures(bare),
    list_100_numbers: figures(list),
    list_vs_bare_ratio: Number((list.requests.average / bare.requests.average).toFixed(2)),
    list_100_numbers_cache_off: figures(listUncached),
    list_cache_off_vs_bare_ratio: Number((listUncached.requests.average / bare.requests.average).toFixed(2)),
    post_phone_number: figures(post),
    list_at_5000_per_s: { ...figures(fixed), target_rate: 5000 },
  };
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv.includes('--serve')) await serve();
else await main();
